#!/bin/sh
# The ep tier's verdicts on a machine with torch (docs/checks.md "The ep tier"): the numpy rank port
# (TCP collective), the torch rank on gloo (CPU) and, when CUDA is there, on nccl, each for S = 2 and 4
# (S = 4 on CUDA only with 4 GPUs), reports under reports/ep/<name>/. Run from the repository root.
set -u
cd "$(dirname "$0")/../../.."
export NCCL_NVLS_ENABLE=0
run() { name=$1; ranks=$2; shift 2
  ./permcheck ep --ranks "$ranks" --backend-cmd "$*" --out "reports/ep/$name" || echo "ep: $name not conformant (exit $?)"; }
run numpy 2,4 python3 adapters/python/ep/numpy_rank.py
if python3 -c 'import torch' 2>/dev/null; then
  run torch-gloo 2,4 python3 adapters/python/ep/torch_rank.py --device cpu
  gpus=$(python3 -c 'import torch; print(torch.cuda.device_count())')
  if [ "$gpus" -ge 4 ]; then run torch-nccl 2,4 python3 adapters/python/ep/torch_rank.py --device cuda
  elif [ "$gpus" -ge 2 ]; then run torch-nccl 2 python3 adapters/python/ep/torch_rank.py --device cuda
  else echo "ep: torch-nccl skipped: $gpus GPU(s), NCCL needs one GPU per rank"; fi
else echo "ep: torch not importable here, torch ranks skipped"; fi
