"""cupy arrays to and from the kit's Tensor, bits unchanged. cupy has no bf16 or fp8 type, so those
stay their storage bits on the device too (uint16, uint8). cupy is imported on first use."""
import numpy as np

from .arrays import check_output
from .dtypes import storage_of
from .tensor import Tensor


def _cupy():
    import cupy
    return cupy


def to_cupy(t):
    """A protocol Tensor as a cupy array on the current device (one host-to-device copy)."""
    return _cupy().asarray(np.ascontiguousarray(t.data))


def from_cupy(x, dtype):
    """A cupy result as a protocol Tensor of logical `dtype` (one device-to-host copy)."""
    check_output(np.dtype(x.dtype).name, dtype)
    a = _cupy().asnumpy(_cupy().ascontiguousarray(x))
    return Tensor(a.view(storage_of(dtype)), dtype)
