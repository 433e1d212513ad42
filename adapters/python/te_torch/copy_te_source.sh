#!/usr/bin/env bash
# copy_te_source.sh GIT_DIR [COMMIT] [DEST]: copies the files the TE adapters run from a
# TransformerEngine git directory (a clone, or a bare mirror) into DEST (default .te/ in the
# repository root, git-ignored: TE's code is never committed here), and records the commit in
# DEST/COMMIT. Then: PERMCHECK_TE_PATH=DEST. The PyTorch files (te_torch/loader.py's TE_FILES), TE's
# LICENSE and VERSION always; the JAX files (te_jax/loader.py's TE_FILES) when the commit has TE's
# JAX permutation module.
set -euo pipefail
git_dir=${1:?usage: copy_te_source.sh GIT_DIR [COMMIT] [DEST]}
commit=$(git --git-dir="$git_dir" rev-parse "${2:-HEAD}^{commit}")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
dest=${3:-$root/.te}
files=(transformer_engine/pytorch/permutation.py transformer_engine/pytorch/triton/permutation.py
       transformer_engine/common/triton/permutation.py LICENSE build_tools/VERSION.txt)
if git --git-dir="$git_dir" cat-file -e "$commit:transformer_engine/jax/permutation.py" 2>/dev/null; then
  files+=(transformer_engine/jax/permutation.py transformer_engine/jax/triton_extensions/permutation.py
          transformer_engine/jax/triton_extensions/utils.py transformer_engine/jax/cpp_extensions/base.py
          transformer_engine/jax/sharding.py transformer_engine/jax/version_utils.py)
fi
rm -rf "$dest" && mkdir -p "$dest"
for f in "${files[@]}"; do
  mkdir -p "$dest/$(dirname "$f")"
  git --git-dir="$git_dir" show "$commit:$f" > "$dest/$f"
done
echo "$commit" > "$dest/COMMIT"
echo "copy_te_source: TE $commit -> $dest (${#files[@]} files)" >&2
