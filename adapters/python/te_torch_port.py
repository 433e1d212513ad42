#!/usr/bin/env python3
"""permcheck backend for TransformerEngine's PyTorch MoE permutation (mask map, Triton kernels),
profile torch-mask-pad. docs/adapters.md says which TE it was verified with and how to run it:

    PERMCHECK_TE_PATH=/path/to/TransformerEngine \
      permcheck run --backend exec:'python3 adapters/python/te_torch_port.py'

Without torch, triton, a CUDA device or TE it still speaks the protocol: hello says "unavailable"
with the one-line reason (permcheck: "did not start: <reason>", exit 2), and stderr says it too.
Installed (pip install ./adapters/python), the same adapter is permcheck_adapter.te_torch.port:build.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from permcheck_adapter import stdout_guard  # noqa: E402


def main():
    # stdout belongs to the protocol from the start: a print() in TE, triton or torch while loading goes to stderr
    protocol = stdout_guard.install()
    from te_torch.port import build
    build().serve(stdout=protocol)


if __name__ == "__main__":
    main()
