"""Builds the TE PyTorch adapter: TE loaded and the ops registered, or, where torch, triton, a CUDA
device or TE is missing, an adapter whose hello says "unavailable" with the one-line reason (also
written to stderr). Served by ../te_torch_port.py from a checkout, or installed:

    permcheck-port permcheck_adapter.te_torch.port:build
"""
import sys

from . import capabilities, loader


def build():
    try:
        te, details = loader.load()
    except loader.TeUnavailable as e:
        sys.stderr.write("te_torch_port: unavailable: %s\n" % e)
        return capabilities.make_adapter(unavailable=str(e))
    import torch
    from . import ops
    triton = getattr(te, "triton_permutation", None)
    quantized = capabilities.scales_supported(getattr(triton, "permute_with_mask_map", None))  # F1-F4
    adapter = capabilities.make_adapter(device="%s (torch %s)" % (torch.cuda.get_device_name(0), torch.__version__),
                                        details=details, quantized=quantized)
    ops.register(adapter, te)
    if sorted(adapter.functions) != sorted(capabilities.OPS):  # hello must claim what is registered
        sys.exit("te_torch_port: registered %s, claimed %s" % (sorted(adapter.functions), capabilities.OPS))
    return adapter
