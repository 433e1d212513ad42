"""What the TE JAX adapter claims in hello (docs/protocol.md 3.1) and the switches it reads.

Kept free of jax so that a machine without jax or a GPU can check the claims (and the adapter can
still answer hello, with "unavailable", there).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from permcheck_adapter import Adapter  # noqa: E402

NAME = "te-jax"
VERSION = "0.1.0"

# Every op of docs/spec.md "Operations and ports": transformer_engine/jax/permutation.py (TE d0067d0da)
# has the mask-map dispatch / combine, the chunk sort (their gradients through TE's custom VJP rules)
# and the four expert-parallel helpers.
OPS = ["token_dispatch", "token_combine", "token_dispatch_backward", "token_combine_backward",
       "sort_chunks_by_index", "sort_chunks_by_index_backward",
       "compute_ragged_all_to_all_params", "compute_reverse_ragged_all_to_all_params",
       "local_permute_after_a2a", "local_unpermute_before_a2a"]
# fp8 payloads go in as jnp.float8_e4m3fn / float8_e5m2 arrays (TE's Triton dtype map has both);
# reductions of fp8 are outside the contract (X5).
DTYPES = ["f32", "bf16", "f16", "f8e4m3", "f8e5m2"]
# te-jax (docs/spec.md): worst-case padded buffer, pad_offsets always when padded, int32 counts,
# separate multiply and add in combine: TE's JAX API is what the profile was written from.
PROFILES = ["te-jax"]
FEATURES = ["padding", "probs", "merging_probs"]

PATH_ENV = "PERMCHECK_TE_PATH"          # a TE source tree (checkout root); unset: import transformer_engine.jax
JAX_PATH_ENV = "PERMCHECK_TE_JAX_PATH"  # which TE path serves dispatch / combine
TRITON, PURE = "triton", "pure"


class ConfigError(Exception):
    """A switch holds a value the adapter cannot use (one-line message)."""


def te_path(environ=os.environ):
    """triton (default: token_dispatch / token_combine) or pure (pure_jax_token_dispatch / _combine)."""
    raw = environ.get(JAX_PATH_ENV, "").strip().lower() or TRITON
    if raw not in (TRITON, PURE):
        raise ConfigError("%s=%s is neither %s nor %s" % (JAX_PATH_ENV, environ.get(JAX_PATH_ENV), TRITON, PURE))
    return raw


def make_adapter(device="CPU", details=None, unavailable=None):
    return Adapter(NAME, VERSION, device=device, ops=OPS, dtypes=DTYPES, profiles=PROFILES,
                   features=FEATURES, details=details, unavailable=unavailable)
