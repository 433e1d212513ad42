"""What the TE PyTorch adapter claims in hello (docs/protocol.md 3.1) and the switches it reads.

Kept free of torch so that a machine without torch or a GPU can check the claims (and the adapter
can still answer hello, with "unavailable", there).
"""
import os
import sys

if __package__ == "te_torch":  # a checkout (adapters/python on sys.path); installed it is permcheck_adapter.te_torch
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from permcheck_adapter import Adapter  # noqa: E402

NAME = "te-torch"
VERSION = "0.1.0"

# The ops TE's PyTorch permutation module implements on the mask-map path. The expert-parallel
# helpers (compute_ragged_all_to_all_params, ...) exist in TE's JAX module only.
OPS = ["token_dispatch", "token_combine", "token_dispatch_backward", "token_combine_backward",
       "sort_chunks_by_index", "sort_chunks_by_index_backward"]
# fp8 payloads travel as their uint8 bits: that is what TE's Float8Tensor branches hand the kernels
# (inp._data); reductions of fp8 are outside the contract (X5).
DTYPES = ["f32", "bf16", "f16", "f8e4m3", "f8e5m2"]
# torch-mask-pad (docs/spec.md): exact padded buffer, int64 counts, FMA combine. TE's PyTorch API has
# no worst-case buffer and no int32 counts, so te-jax is not claimed.
PROFILES = ["torch-mask-pad"]
FEATURES = ["padding", "probs", "merging_probs"]
# docs/spec.md F1-F4: claimed only when TE's Triton permute takes block scales (scales_supported)
QUANTIZED = "quantized"

PATH_ENV = "PERMCHECK_TE_PATH"          # a TE source tree (checkout root); unset: import transformer_engine
BLOCK_ENV = "PERMCHECK_TE_BLOCK_SIZE"   # pin every autotuned permutation kernel to one BLOCK_SIZE


class ConfigError(Exception):
    """A switch holds a value the adapter cannot use (one-line message)."""


def pinned_block_size(environ=os.environ):
    """The BLOCK_SIZE PERMCHECK_TE_BLOCK_SIZE asks for, or None for TE's own autotuning.

    Triton needs a power of two for tl.arange; whether TE lists it is checked once TE is loaded.
    """
    raw = environ.get(BLOCK_ENV, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) <= 0 or int(raw) & (int(raw) - 1):
        raise ConfigError("%s=%s is not a positive power of two" % (BLOCK_ENV, raw))
    return int(raw)


def scales_supported(permute_with_mask_map):
    """True when TE's Triton `permute_with_mask_map` takes a scale tensor (a parameter named `scale`
    and one named `scale_hidden_dim`), read from its signature at run time: TE moves the block scales
    of a quantized tensor with its rows there (docs/sources.md#quantized-scales)."""
    import inspect
    if permute_with_mask_map is None:
        return False
    try:
        names = inspect.signature(permute_with_mask_map).parameters
    except (TypeError, ValueError):
        return False
    return "scale" in names and "scale_hidden_dim" in names


def make_adapter(device="CPU", details=None, unavailable=None, quantized=False):
    features = FEATURES + [QUANTIZED] if quantized else FEATURES
    return Adapter(NAME, VERSION, device=device, ops=OPS, dtypes=DTYPES, profiles=PROFILES,
                   features=features, details=details, unavailable=unavailable)
