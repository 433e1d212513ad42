"""JAX arrays to and from the kit's Tensor, bits unchanged: bf16 and fp8 are moved as integer bits and
reinterpreted on the device (lax.bitcast_convert_type), so no value crosses the host as a float.
fp8 stays uint8 bits unless float8=True. jax is imported on first use."""
import numpy as np

from .arrays import FLOAT8, check_output
from .dtypes import storage_of
from .tensor import Tensor


def _jax():
    import jax
    return jax


def to_jax(t, device=None, float8=False):
    """A protocol Tensor as a JAX array on `device` (default: JAX's default device)."""
    jax = _jax()
    x = jax.device_put(np.ascontiguousarray(t.data), device)
    if t.dtype == "bf16":
        return jax.lax.bitcast_convert_type(x, jax.numpy.bfloat16)
    if float8 and t.dtype in FLOAT8:
        return jax.lax.bitcast_convert_type(x, getattr(jax.numpy, FLOAT8[t.dtype]))
    return x


def from_jax(x, dtype):
    """A JAX result as a protocol Tensor of logical `dtype` (one device-to-host copy of its bits)."""
    jax = _jax()
    name = x.dtype.name   # numpy's dtype, or ml_dtypes' for bfloat16 / float8
    check_output(name, dtype)
    want = storage_of(dtype)
    if name != want.name:   # bfloat16 / float8 / int16 bits: reinterpret on the device, same width
        x = jax.lax.bitcast_convert_type(x, jax.numpy.dtype(want.name))
    return Tensor(np.asarray(jax.device_get(x)).view(want), dtype)
