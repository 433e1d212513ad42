#!/usr/bin/env bash
# copy_te_source.sh GIT_DIR [COMMIT] [DEST]: copies the files the TE PyTorch adapter runs (loader.py's
# TE_FILES, plus TE's LICENSE and VERSION) from a TransformerEngine git directory (a clone, or a bare
# mirror) into DEST (default .te/ in the repository root, git-ignored: TE's code is never committed
# here), and records the commit in DEST/COMMIT. Then: PERMCHECK_TE_PATH=DEST.
set -euo pipefail
git_dir=${1:?usage: copy_te_source.sh GIT_DIR [COMMIT] [DEST]}
commit=$(git --git-dir="$git_dir" rev-parse "${2:-HEAD}^{commit}")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
dest=${3:-$root/.te}
rm -rf "$dest" && mkdir -p "$dest"
for f in transformer_engine/pytorch/permutation.py transformer_engine/pytorch/triton/permutation.py \
         transformer_engine/common/triton/permutation.py LICENSE build_tools/VERSION.txt; do
  mkdir -p "$dest/$(dirname "$f")"
  git --git-dir="$git_dir" show "$commit:$f" > "$dest/$f"
done
echo "$commit" > "$dest/COMMIT"
echo "copy_te_source: TE $commit -> $dest" >&2
