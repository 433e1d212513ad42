#!/usr/bin/env bash
# gpu_verdicts.sh OUT: the TE JAX adapter's runs on a GPU machine, from the repository root, with the
# bundle (.gpu/, scripts/gpu-bundle.sh) and TE's files (.te/, te_torch/copy_te_source.sh) in place:
# the offline vector check of both paths (no JDK needed), smoke; quick tier of the Triton path and of
# the pure-JAX path; full tier and a fuzz campaign (Triton path). Each stage has a wall-clock cap so
# the summary is always written. Writes OUT/log.txt, OUT/summary.md, OUT/report.json, one .tgz per run.
# The committed verdicts of both TE adapters (full tier sharded over the cores, probes, 10-minute fuzzing)
# are adapters/python/tools/te_gpu_campaign.sh tiers|fuzz|probes OUT (reports/te/runs-32f20f6/README.md).
set -u
out=${1:?usage: gpu_verdicts.sh OUT}
mkdir -p "$out"
runs=/tmp/te-jax-runs; rm -rf "$runs"; mkdir -p "$runs"
export PERMCHECK_TE_PATH=${PERMCHECK_TE_PATH:-.te} PYTHONUNBUFFERED=1 XLA_PYTHON_CLIENT_PREALLOCATE=false
port="exec:python3 adapters/python/te_jax_port.py"
log=$out/log.txt
stage() {  # stage NAME SECONDS COMMAND...
  local name=$1 cap=$2 t0; shift 2; t0=$(date +%s)
  echo "== $name: $*" >>"$log"
  timeout "$cap" "$@" >>"$log" 2>&1; local rc=$?
  echo "== $name: exit $rc after $(( $(date +%s) - t0 )) s" | tee -a "$log" "$runs/stages"
}
{ nvidia-smi -L; python3 -c 'import jax, triton; print("jax", jax.__version__, "triton", triton.__version__, jax.devices())'; } >>"$log" 2>&1
python3 -c 'import sys; sys.path.insert(0, "adapters/python"); from te_jax import loader; print(loader.load()[1:])' >>"$log" 2>&1
stage vectors-triton 120 python3 adapters/python/examples/check_vectors.py vectors --port adapters/python/te_jax_port.py
stage vectors-pure 120 env PERMCHECK_TE_JAX_PATH=pure python3 adapters/python/examples/check_vectors.py vectors --port adapters/python/te_jax_port.py
stage smoke 60 .gpu/permcheck smoke --backend "$port"
stage quick 200 .gpu/permcheck run --backend "$port" --vectors .gpu/vectors --out "$runs/quick"
stage quick-pure 150 env PERMCHECK_TE_JAX_PATH=pure .gpu/permcheck run --backend "$port" --vectors .gpu/vectors --out "$runs/quick-pure"
stage full 300 .gpu/permcheck run --tier full --backend "$port" --vectors .gpu/vectors --out "$runs/full"
stage fuzz 200 .gpu/permcheck fuzz --time ${FUZZ:-3m} --seed 20261202 --backend "$port" --out "$runs/fuzz"
python3 adapters/python/te_torch/summarize.py "$out" quick="$runs/quick" quick-pure="$runs/quick-pure" full="$runs/full" fuzz="$runs/fuzz"
cat "$runs/stages" >> "$out/summary.md"
for r in quick quick-pure full fuzz; do [[ -d $runs/$r ]] && tar czf "$out/$r.tgz" -C "$runs" "$r"; done
ls -la "$out"
