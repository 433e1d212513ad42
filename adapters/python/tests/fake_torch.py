"""A numpy-backed stand-in for the few torch calls the kit's torch helpers make (arrays_torch,
guards_torch), so their logic is tested where torch is absent. Not torch: views share memory as
torch's do, "devices" are labels, bfloat16 / float8 are held as their bits.

    with fake_torch.installed() as torch: ...     (sys.modules["torch"] for the block)
"""
import contextlib
import sys
import types

import numpy as np


class dtype:
    def __init__(self, name, storage):
        self.name, self.storage = name, np.dtype(storage)

    itemsize = property(lambda self: self.storage.itemsize)

    def __repr__(self):
        return "torch." + self.name


DTYPES = {n: dtype(n, s) for n, s in [
    ("float32", "<f4"), ("float16", "<f2"), ("float64", "<f8"), ("bfloat16", "<u2"), ("int16", "<i2"),
    ("uint16", "<u2"), ("uint8", "|u1"), ("int8", "|i1"), ("int32", "<i4"), ("int64", "<i8"), ("bool", "|b1"),
    ("float8_e4m3fn", "|u1"), ("float8_e5m2", "|u1")]}
BY_STORAGE = {"<f4": "float32", "<f2": "float16", "<f8": "float64", "<i2": "int16", "<u2": "uint16", "|u1": "uint8",
              "|i1": "int8", "<i4": "int32", "<i8": "int64", "|b1": "bool"}


class Storage:
    def __init__(self, a):
        self.a = a

    def data_ptr(self):
        base = self.a
        while base.base is not None and isinstance(base.base, np.ndarray):
            base = base.base
        return base.__array_interface__["data"][0]


class Tensor:
    def __init__(self, a, dt=None, device="cpu"):
        self.a = a
        self.dtype = dt or DTYPES[BY_STORAGE[a.dtype.str]]
        self.device = device
        self.requires_grad = False

    shape = property(lambda self: self.a.shape)

    def view(self, *what):
        if len(what) == 1 and isinstance(what[0], dtype):
            return Tensor(self.a.view(what[0].storage), what[0], self.device)
        shape = what[0] if len(what) == 1 and isinstance(what[0], tuple) else what
        return Tensor(self.a.reshape(shape), self.dtype, self.device)

    def to(self, device):
        return Tensor(self.a.copy(), self.dtype, str(device))

    def cpu(self):
        return Tensor(self.a.copy(), self.dtype, "cpu")

    def numpy(self):
        assert self.device == "cpu", "numpy() of a %s tensor" % self.device
        return self.a

    def detach(self):
        return self

    def contiguous(self):
        return self if self.a.flags.c_contiguous else Tensor(np.ascontiguousarray(self.a), self.dtype, self.device)

    def fill_(self, v):
        self.a[...] = v
        return self

    def __getitem__(self, index):
        r = self.a[index]
        return Tensor(r, self.dtype, self.device) if isinstance(r, np.ndarray) else r

    def __ne__(self, v):
        return Tensor(self.a != v, DTYPES["bool"], self.device)

    def nonzero(self):
        return Tensor(np.argwhere(self.a).astype(np.int64), DTYPES["int64"], self.device)

    def sum(self, dim=None):
        return Tensor(np.asarray(self.a.sum(axis=dim, dtype=np.int64)), DTYPES["int64"], self.device)

    def element_size(self):
        return self.dtype.storage.itemsize

    def untyped_storage(self):
        return Storage(self.a)

    def requires_grad_(self, flag=True):
        self.requires_grad = flag
        return self


def _shape(size):
    return tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)


def module():
    m = types.ModuleType("torch")
    m.__dict__.update(DTYPES)
    m.Tensor = Tensor
    m.calls = []   # (function, shape) of every allocation, to see which went through the real torch
    m.from_numpy = lambda a: Tensor(a)
    m.get_default_dtype = lambda: DTYPES["float32"]

    def empty(*size, dtype=None, device="cpu", **kw):
        dt = dtype or DTYPES["float32"]
        m.calls.append(("empty", _shape(size)))
        return Tensor(np.full(_shape(size), 0x5A, np.uint8).view(dt.storage) if dt.storage.itemsize == 1 else
                      np.zeros(_shape(size), dt.storage), dt, str(device))

    def zeros(*size, dtype=None, device="cpu", **kw):
        m.calls.append(("zeros", _shape(size)))
        dt = dtype or DTYPES["float32"]
        return Tensor(np.zeros(_shape(size), dt.storage), dt, str(device))

    m.empty, m.zeros = empty, zeros
    m.empty_like = lambda x, **kw: empty(x.shape, dtype=kw.get("dtype", x.dtype), device=kw.get("device", x.device))
    m.zeros_like = lambda x, **kw: zeros(x.shape, dtype=kw.get("dtype", x.dtype), device=kw.get("device", x.device))
    return m


@contextlib.contextmanager
def installed():
    saved = sys.modules.get("torch")
    sys.modules["torch"] = m = module()
    try:
        yield m
    finally:
        if saved is None:
            del sys.modules["torch"]
        else:
            sys.modules["torch"] = saved
