"""Stand-ins (our code, not TE's) for the TE modules that transformer_engine/pytorch/permutation.py
imports but the mask-map path never uses, so that TE's permutation files run from a source tree
without TE's compiled extension (which cannot be built on every GPU machine).

What TE's permutation path imports (checked at TE d0067d0da) and what stands in for it:
  transformer_engine_torch (the extension)      an empty module; only the index-map path calls it
  transformer_engine.pytorch.constants.TE_DType  an empty dict; only the index-map path reads it
  ...quantized_tensor.QuantizedTensor, _quantized_tensor_passthrough_ops
                                                a class nothing is an instance of, and an empty set
  ...tensor.{float8,float8_blockwise,mxfp8}_tensor classes, likewise
With no instance of the FP8 classes ever passed, TE takes its plain-tensor branches; fp8 payloads go
in as uint8 bits, which is what those branches would hand the kernels (inp._data) anyway.

The packages transformer_engine, .common, .common.triton, .pytorch, .pytorch.triton and
.pytorch.tensor are registered with __path__ pointing into the tree, so TE's own permutation files
are imported from it while TE's package __init__ files (which load the extension) never run.
"""
import os
import sys
import types

PACKAGES = ["transformer_engine", "transformer_engine.common", "transformer_engine.common.triton",
            "transformer_engine.pytorch", "transformer_engine.pytorch.triton", "transformer_engine.pytorch.tensor"]


class _Missing(types.ModuleType):
    """transformer_engine_torch: any use says what is missing instead of an AttributeError deep in TE."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise RuntimeError("transformer_engine_torch.%s: TE's compiled extension is not loaded (permcheck "
                           "stand-in); only the mask-map path runs from a source tree" % name)


def _module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    return m


def _unused_class(name):
    return type(name, (), {"__doc__": "permcheck stand-in: nothing is an instance of it"})


def install(root):
    """Registers the packages and stand-ins for the TE source tree at `root` (the checkout root)."""
    for pkg in PACKAGES:
        path = os.path.join(root, *pkg.split("."))
        m = _module(pkg, __path__=[path], __package__=pkg, __file__=None)
        sys.modules[pkg] = m
        parent, _, leaf = pkg.rpartition(".")
        if parent:
            setattr(sys.modules[parent], leaf, m)
    sys.modules["transformer_engine_torch"] = _Missing("transformer_engine_torch")
    stand = {
        "transformer_engine.pytorch.constants": {"TE_DType": {}},
        "transformer_engine.pytorch.quantized_tensor": {
            "QuantizedTensor": _unused_class("QuantizedTensor"), "_quantized_tensor_passthrough_ops": set()},
        "transformer_engine.pytorch.tensor.float8_tensor": {"Float8Tensor": _unused_class("Float8Tensor")},
        "transformer_engine.pytorch.tensor.float8_blockwise_tensor": {
            "Float8BlockwiseQTensor": _unused_class("Float8BlockwiseQTensor")},
        "transformer_engine.pytorch.tensor.mxfp8_tensor": {"MXFP8Tensor": _unused_class("MXFP8Tensor")},
    }
    for name, attrs in stand.items():
        sys.modules[name] = _module(name, **attrs)
