#!/usr/bin/env bash
# te_gpu_campaign.sh tiers|fuzz|probes OUT: both TransformerEngine adapters (te_torch_port.py, te_jax_port.py)
# on one GPU machine, from the repository root, with the bundle (.gpu/, scripts/gpu-bundle.sh --no-dev)
# and TE's files (.te/, te_torch/copy_te_source.sh) in place. reports/te/README.md has the runs it made.
#
#   tiers: the full tier of each adapter sharded over processes (`run --tier full --shard i/n`, the
#          probes included, one shard per process), then `report merge`; and `run --tier robustness`
#          of each adapter on its own (the probes alone, so they are judged even if a shard is cut).
#   fuzz:  fuzz campaigns side by side: the torch adapter (one per TORCH_FUZZ entry SEED:PIN, PIN a
#          BLOCK_SIZE or "auto" for TE's own autotuning), the JAX adapter (one per JAX_FUZZ seed,
#          --no-shrink: each shrink candidate is a new shape that XLA compiles, about a second, and a
#          shrink may try 400), and permcheck's own CUDA backend (CUDA_FUZZ seed; its coverage line).
#   probes: `run --tier robustness` of each adapter, sharded over PROBE_SHARDS (6) processes, merged.
#
# Every process runs under `timeout` (SIGTERM: the run stops after the case in flight and writes its
# reports marked INCOMPLETE, docs/cli.md), so each writes what it judged. Writes OUT/stages.txt,
# OUT/versions.txt, OUT/logs.tgz and OUT/<mode>.tgz (the run directories; repro bundles without
# .npy files over 1 MB), and with TRITON_CACHE_OUT=1 OUT/triton-cache.tgz (reused when TRITON_CACHE_TGZ names one).
# Knobs (environment): KIT (adapters/python or a copy), PERMCHECK (.gpu/permcheck), VECTORS
# (.gpu/vectors), TORCH_SHARDS (3), JAX_SHARDS (11), PIN (128, the full tier's torch block size),
# CAP_TORCH / CAP_JAX / CAP_PROBES (seconds per tier process), FUZZ_TIME (9m), CAP_FUZZ (580).
set -u
mode=${1:?usage: te_gpu_campaign.sh tiers|fuzz|probes OUT}
out=${2:?usage: te_gpu_campaign.sh tiers|fuzz|probes OUT}
mkdir -p "$out"
kit=${KIT:-adapters/python}
pc=${PERMCHECK:-.gpu/permcheck}
vec=${VECTORS:-.gpu/vectors}
runs=/tmp/te-campaign/$mode; rm -rf "$runs"; mkdir -p "$runs/logs"
export PERMCHECK_TE_PATH=${PERMCHECK_TE_PATH:-.te} PYTHONUNBUFFERED=1 XLA_PYTHON_CLIENT_PREALLOCATE=false
export TRITON_CACHE_DIR=${TRITON_CACHE_DIR:-/tmp/te-triton-cache}
mkdir -p "$TRITON_CACHE_DIR"
[[ -n ${TRITON_CACHE_TGZ:-} && -f ${TRITON_CACHE_TGZ:-} ]] && tar xzf "$TRITON_CACHE_TGZ" -C "$TRITON_CACHE_DIR"
# one JVM per process: keep each heap modest (16 processes share the machine)
export JAVA_OPTS=${JAVA_OPTS:--Xmx6g -XX:+UseSerialGC}
torch="exec:python3 $kit/te_torch_port.py"
jax="exec:python3 $kit/te_jax_port.py"
t_start=$(date +%s)

job() {  # job NAME CAP COMMAND...: in the background, its output in logs/NAME.log, its exit in stages.txt
  local name=$1 cap=$2; shift 2
  (
    t0=$(date +%s)
    echo "== $name: $*" >"$runs/logs/$name.log"
    timeout -s TERM -k 30 "$cap" "$@" >>"$runs/logs/$name.log" 2>&1
    rc=$?
    echo "$name: exit $rc after $(( $(date +%s) - t0 )) s (started at +$(( t0 - t_start )) s): $*" >>"$out/stages.txt"
  ) &
}

{
  date -u; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv; nvidia-smi | sed -n 3p
  python3 -c 'import torch, triton; print("torch", torch.__version__, "cuda", torch.version.cuda, "triton", triton.__version__)'
  python3 -c 'import jax, jaxlib, numpy, ml_dtypes; print("jax", jax.__version__, "jaxlib", jaxlib.__version__, "numpy", numpy.__version__, "ml_dtypes", ml_dtypes.__version__, jax.devices())'
  python3 --version; nproc
  echo "TE commit: $(cat "$PERMCHECK_TE_PATH/COMMIT" 2>/dev/null)"; echo "suite commit (bundle): $(cat .gpu/COMMIT 2>/dev/null)"
  $pc --version
} >"$out/versions.txt" 2>&1

case "$mode" in
tiers)
  n=${TORCH_SHARDS:-3}
  for ((i = 0; i < n; i++)); do
    job torch-full-$i "${CAP_TORCH:-420}" env PERMCHECK_TE_BLOCK_SIZE="${PIN:-128}" \
      $pc run --tier full --shard $i/$n --backend "$torch" --vectors "$vec" --out "$runs/torch-full/shard$i"
  done
  n=${JAX_SHARDS:-11}
  for ((i = 0; i < n; i++)); do
    job jax-full-$i "${CAP_JAX:-500}" $pc run --tier full --shard $i/$n --backend "$jax" --vectors "$vec" --out "$runs/jax-full/shard$i"
  done
  # the probes alone; torch with TE's own autotuning (the full tier above is pinned)
  job torch-robustness "${CAP_PROBES:-300}" $pc run --tier robustness --backend "$torch" --vectors "$vec" --out "$runs/torch-robustness"
  job jax-robustness "${CAP_PROBES:-300}" $pc run --tier robustness --backend "$jax" --vectors "$vec" --out "$runs/jax-robustness"
  wait
  for a in torch jax; do
    $pc report merge --out "$runs/$a-full/merged" "$runs/$a-full"/shard* >"$runs/logs/$a-merge.log" 2>&1
    echo "$a-merge: exit $?" >>"$out/stages.txt"
  done
  ;;
fuzz)
  t=${FUZZ_TIME:-9m} cap=${CAP_FUZZ:-580}
  for e in ${TORCH_FUZZ:-20261203:128 20261204:auto}; do
    seed=${e%%:*} pin=${e#*:}
    if [[ $pin == auto ]]; then
      job torch-fuzz-$seed "$cap" $pc fuzz --time "$t" --seed "$seed" --backend "$torch" --out "$runs/torch-fuzz-$seed"
    else
      job torch-fuzz-$seed "$cap" env PERMCHECK_TE_BLOCK_SIZE="$pin" $pc fuzz --time "$t" --seed "$seed" --backend "$torch" --out "$runs/torch-fuzz-$seed"
    fi
  done
  for seed in ${JAX_FUZZ:-20261211 20261212 20261213 20261214 20261215 20261216 20261217 20261218}; do
    job jax-fuzz-$seed "$cap" $pc fuzz --time "$t" --seed "$seed" --no-shrink --backend "$jax" --out "$runs/jax-fuzz-$seed"
  done
  job cuda-fuzz "$cap" $pc fuzz --time "$t" --seed "${CUDA_FUZZ:-20261221}" --backend cuda --out "$runs/cuda-fuzz"
  wait
  ;;
probes)
  # the robustness tier alone, sharded (a probe that faults the device ends its backend, CRASH, and the
  # next probe waits for a fresh one: shards spread those restarts)
  for a in torch jax; do
    n=${PROBE_SHARDS:-6}
    for ((i = 0; i < n; i++)); do
      job $a-robustness-$i "${CAP_PROBES:-300}" $pc run --tier robustness --shard $i/$n --backend "${!a}" --vectors "$vec" --out "$runs/$a-robustness/shard$i"
    done
  done
  wait
  for a in torch jax; do
    $pc report merge --out "$runs/$a-robustness/merged" "$runs/$a-robustness"/shard* >"$runs/logs/$a-merge.log" 2>&1
    echo "$a-merge: exit $?" >>"$out/stages.txt"
  done
  ;;
*) echo "te_gpu_campaign.sh: mode is tiers, fuzz or probes, not $mode" >&2; exit 2 ;;
esac

echo "total: $(( $(date +%s) - t_start )) s" >>"$out/stages.txt"
tar czf "$out/logs.tgz" -C "$runs" logs
# the run directories; large .npy dumps of repro bundles stay behind (16 MiB per file comes back)
(cd "$runs" && find . -path ./logs -prune -o -type f ! \( -name '*.npy' -size +1M \) -print | tar czf "$out/$mode.tgz" -T -)
# the Triton cache is large (about 280 MB after the tiers): only when asked for
[[ -n ${TRITON_CACHE_OUT:-} ]] && tar czf "$out/triton-cache.tgz" -C "$TRITON_CACHE_DIR" .
ls -la "$out" >>"$out/stages.txt"
cat "$out/stages.txt"
