#!/bin/sh
# The ep tier's verdicts (docs/checks.md "The ep tier"), from the repository root, reports under
# reports/ep/<name>/ (summary.md, report.json, log.txt). Runs what the machine has:
#   numpy            the numpy ranks, a TCP collective (always)
#   torch-gloo       torch.distributed all_to_all_single on gloo, one process per rank (torch importable)
#   torch-nccl       the same on nccl, one GPU per rank (as many ranks as GPUs, up to 4)
#   jax-cpu          jax.lax.ragged_all_to_all, single controller, S forced host devices (jax importable)
#   jax-gpu-<mode>   the same on the first S GPUs, once per XLA lowering/schedule below (S <= GPUs)
# The CLI: .gpu/permcheck (scripts/gpu-bundle.sh, no JDK needed) when present, else ./permcheck.
set -u
cd "$(dirname "$0")/../../.."
pc=./permcheck; [ -x .gpu/permcheck ] && pc=.gpu/permcheck
export NCCL_NVLS_ENABLE=0 PYTHONUNBUFFERED=1 XLA_PYTHON_CLIENT_PREALLOCATE=false
run() {  # run NAME RANKS [--single-controller] -- COMMAND...
  name=$1 ranks=$2; shift 2; mode=
  [ "$1" = "--single-controller" ] && { mode=$1; shift; }
  mkdir -p "reports/ep/$name"
  timeout 900 "$pc" ep --ranks "$ranks" $mode --timeout 300 --backend-cmd "$*" --out "reports/ep/$name" >"reports/ep/$name/log.txt" 2>&1
  echo "ep $name (ranks $ranks): exit $? ($(tail -n 1 "reports/ep/$name/log.txt"))"
}
run numpy 2,4 python3 adapters/python/ep/numpy_rank.py
gpus=$(nvidia-smi -L 2>/dev/null | wc -l)
if python3 -c 'import torch' 2>/dev/null; then
  run torch-gloo 2,4 python3 adapters/python/ep/torch_rank.py --device cpu
  if [ "$gpus" -ge 4 ]; then run torch-nccl 2,4 python3 adapters/python/ep/torch_rank.py --device cuda
  elif [ "$gpus" -ge 2 ]; then run torch-nccl 2 python3 adapters/python/ep/torch_rank.py --device cuda
  else echo "ep torch-nccl: skipped, $gpus GPU(s) (NCCL needs one GPU per rank)"; fi
else echo "ep torch: not importable here, skipped"; fi
if python3 -c 'import jax' 2>/dev/null; then
  run jax-cpu 2,4 --single-controller env JAX_PLATFORMS=cpu python3 adapters/python/ep/jax_rank.py
  if [ "$gpus" -ge 2 ]; then
    r=2; [ "$gpus" -ge 4 ] && r=2,4
    # XLA's default, then the schedules and lowerings marin PR #8081 / XLA #47283 name; an unknown flag
    # makes XLA abort: CRASH, visible in the report, never a pass
    for m in default no-latency-hiding symmetric; do
      case $m in
        default) f= ;;
        no-latency-hiding) f=--xla_gpu_enable_latency_hiding_scheduler=false ;;
        symmetric) f=--xla_gpu_ragged_all_to_all_mode=symmetric ;;
      esac
      run "jax-gpu-$m" "$r" --single-controller env JAX_PLATFORMS=cuda XLA_FLAGS="$f" python3 adapters/python/ep/jax_rank.py
    done
  else echo "ep jax-gpu: skipped, $gpus GPU(s)"; fi
else echo "ep jax: not importable here, skipped"; fi
