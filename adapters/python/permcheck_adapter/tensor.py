"""A tensor as the protocol moves it: storage array plus logical dtype."""
import numpy as np

from . import dtypes
from . import npy


class Tensor:
    """`data` holds the storage (bf16 as uint16 bits, fp8 as uint8 bits); `dtype` the logical id."""

    __slots__ = ("data", "dtype")

    def __init__(self, data, dtype):
        data = np.asarray(data)
        want = dtypes.storage_of(dtype)
        if data.dtype != want:
            raise ValueError("%s tensor must be stored as %s, got %s" % (dtype, want.str, data.dtype.str))
        self.data = data
        self.dtype = dtype

    @property
    def shape(self):
        return self.data.shape

    def f32(self):
        """Values widened to float32 (floating dtypes only)."""
        return dtypes.to_f32(self.data, self.dtype)

    @staticmethod
    def from_f32(values, dtype):
        """Rounds float32 values into `dtype` (round to nearest even)."""
        return Tensor(dtypes.from_f32(values, dtype), dtype)

    def is_zero(self):
        """Elementwise value == 0.0 (true for +0.0 and -0.0), for floating dtypes."""
        return self.f32() == 0.0

    def __repr__(self):
        return "Tensor(%s%s)" % (self.dtype, list(self.shape))


def load(path, dtype):
    """Loads a .npy file and applies the logical dtype (its storage must match)."""
    return Tensor(npy.load(path), dtype)


def save(path, tensor):
    npy.save(path, tensor.data)
