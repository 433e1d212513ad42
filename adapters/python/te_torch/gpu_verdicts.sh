#!/usr/bin/env bash
# gpu_verdicts.sh OUT: the runs behind reports/te/ on a GPU machine, from the repository root, with
# the bundle (.gpu/, scripts/gpu-bundle.sh) and TE's files (.te/, copy_te_source.sh) in place:
# smoke; quick tier with TE's autotuning; quick tier with one pinned config; full tier (pinned);
# a fuzz campaign. Each stage has a wall-clock cap so the summary is always written. Writes
# OUT/log.txt, OUT/summary.md, OUT/report.json and one .tgz per run.
# The committed verdicts of both TE adapters (full tier sharded over the cores, probes, 10-minute fuzzing)
# are adapters/python/tools/te_gpu_campaign.sh tiers|fuzz|probes OUT (reports/te/runs-32f20f6/README.md).
set -u
out=${1:?usage: gpu_verdicts.sh OUT}
mkdir -p "$out"
runs=/tmp/te-runs; rm -rf "$runs"; mkdir -p "$runs"
export PERMCHECK_TE_PATH=${PERMCHECK_TE_PATH:-.te} PYTHONUNBUFFERED=1
export TRITON_CACHE_DIR=/tmp/te-triton-cache   # carried back as triton-cache.tgz, reused when present
mkdir -p "$TRITON_CACHE_DIR"; [[ -f .te/triton-cache.tgz ]] && tar xzf .te/triton-cache.tgz -C "$TRITON_CACHE_DIR"
port="exec:python3 adapters/python/te_torch_port.py"
log=$out/log.txt
stage() {  # stage NAME SECONDS COMMAND...
  local name=$1 cap=$2 t0; shift 2; t0=$(date +%s)
  echo "== $name: $*" >>"$log"
  timeout "$cap" "$@" >>"$log" 2>&1; local rc=$?
  echo "== $name: exit $rc after $(( $(date +%s) - t0 )) s" | tee -a "$log" "$runs/stages"
}
{ nvidia-smi -L; python3 -c 'import torch, triton; print("torch", torch.__version__, "triton", triton.__version__)'; } >>"$log" 2>&1
python3 -c 'import sys; sys.path.insert(0, "adapters/python"); from te_torch import loader; print(loader.load()[1])' >>"$log" 2>&1
stage smoke 60 .gpu/permcheck smoke --backend "$port"
stage quick 150 .gpu/permcheck run --backend "$port" --vectors .gpu/vectors --out "$runs/quick"
stage quick-pinned 60 env PERMCHECK_TE_BLOCK_SIZE=${PIN:-128} .gpu/permcheck run --backend "$port" --vectors .gpu/vectors --out "$runs/quick-pinned"
stage full 140 env PERMCHECK_TE_BLOCK_SIZE=${PIN:-128} .gpu/permcheck run --tier full --backend "$port" --vectors .gpu/vectors --out "$runs/full"
stage fuzz 140 env PERMCHECK_TE_BLOCK_SIZE=${PIN:-128} .gpu/permcheck fuzz --time ${FUZZ:-2m} --seed 20261202 --backend "$port" --out "$runs/fuzz"
python3 adapters/python/te_torch/summarize.py "$out" quick="$runs/quick" quick-pinned="$runs/quick-pinned" full="$runs/full" fuzz="$runs/fuzz"
cat "$runs/stages" >> "$out/summary.md"
for r in quick quick-pinned full fuzz; do [[ -d $runs/$r ]] && tar czf "$out/$r.tgz" -C "$runs" "$r"; done
tar czf "$out/triton-cache.tgz" -C "$TRITON_CACHE_DIR" .
ls -la "$out"
