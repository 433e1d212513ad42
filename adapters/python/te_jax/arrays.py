"""Protocol Tensors to JAX arrays on the GPU and back, bits unchanged.

bf16 and fp8 travel as their bits (uint16 / uint8 storage, permcheck_adapter.tensor) and are
viewed as ml_dtypes' bfloat16 / float8_e4m3fn / float8_e5m2, the dtypes jnp uses. JAX runs as TE's
users run it, without x64: int64 index inputs become int32 (jnp.asarray would narrow them anyway).
"""
import jax
import ml_dtypes
import numpy as np

from permcheck_adapter import Tensor

FP8 = ("f8e4m3", "f8e5m2")
VIEW = {"bf16": ml_dtypes.bfloat16, "f8e4m3": ml_dtypes.float8_e4m3fn, "f8e5m2": ml_dtypes.float8_e5m2}
LOGICAL = {np.dtype(ml_dtypes.bfloat16): "bf16", np.dtype(ml_dtypes.float8_e4m3fn): "f8e4m3",
           np.dtype(ml_dtypes.float8_e5m2): "f8e5m2", np.dtype(np.float32): "f32", np.dtype(np.float16): "f16",
           np.dtype(np.int32): "i32", np.dtype(np.int64): "i64", np.dtype(np.bool_): "bool"}


def dev(t):
    """A protocol Tensor as a JAX array on the default (GPU) device."""
    a = np.ascontiguousarray(t.data)
    if t.dtype in VIEW:
        a = a.view(VIEW[t.dtype])
    elif t.dtype == "i64":
        a = a.astype(np.int32)
    return jax.device_put(a)


def opt(inputs, name):
    return dev(inputs[name]) if name in inputs else None


def host(x):
    """A JAX result as a protocol Tensor of its own dtype (bf16 / fp8 back to their bits)."""
    a = np.asarray(jax.device_get(x))
    logical = LOGICAL.get(a.dtype)
    if logical is None:
        raise TypeError("TE returned a %s array, which the protocol has no dtype for" % a.dtype)
    if logical in VIEW:
        a = a.view(np.uint16 if logical == "bf16" else np.uint8)
    return Tensor(np.ascontiguousarray(a), logical)


def ints(t):
    """An index Tensor's values on the host (the adapter's own bookkeeping, never an answer)."""
    return np.asarray(t.data).astype(np.int64)
