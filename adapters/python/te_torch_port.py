#!/usr/bin/env python3
"""permcheck backend for TransformerEngine's PyTorch MoE permutation (mask map, Triton kernels),
profile torch-mask-pad. docs/adapters.md says which TE it was verified with and how to run it:

    PERMCHECK_TE_PATH=/path/to/TransformerEngine \
      permcheck run --backend exec:'python3 adapters/python/te_torch_port.py'

Without torch, triton, a CUDA device or TE it still speaks the protocol: hello says "unavailable"
with the one-line reason (permcheck: "did not start: <reason>", exit 2), and stderr says it too.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from te_torch import capabilities, loader  # noqa: E402


def main():
    protocol_out = sys.stdout
    sys.stdout = sys.stderr  # stdout belongs to the protocol: a print() in TE, triton or torch goes to stderr
    try:
        te, details = loader.load()
    except loader.TeUnavailable as e:
        sys.stderr.write("te_torch_port: unavailable: %s\n" % e)
        capabilities.make_adapter(unavailable=str(e)).serve(stdout=protocol_out)
        return
    import torch
    from te_torch import ops
    adapter = capabilities.make_adapter(device="%s (torch %s)" % (torch.cuda.get_device_name(0), torch.__version__),
                                        details=details)
    ops.register(adapter, te)
    if sorted(adapter.functions) != sorted(capabilities.OPS):  # hello must claim what is registered
        sys.exit("te_torch_port: registered %s, claimed %s" % (sorted(adapter.functions), capabilities.OPS))
    adapter.serve(stdout=protocol_out)


if __name__ == "__main__":
    main()
