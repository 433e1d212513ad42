"""A small, fast .npy codec for the dtypes the protocol moves. Writes exactly the bytes
numpy.save writes (same header text and padding, so files hash alike on both sides); reads a
numpy-style header with a tiny parser instead of numpy's ast-based one, which dominates the time
of a small case. Anything it does not recognise is left to numpy.load.
"""
import re

import numpy as np

_MAGIC = b"\x93NUMPY"
_GROWTH_AXIS_MAX_DIGITS = 21   # numpy/lib/format.py leaves this much room after the header
_HEADER = re.compile(r"^\{'descr': '([<|>][a-z][0-9]+)', 'fortran_order': (True|False), 'shape': \(([0-9, ]*)\), \} *\n$")
_cache = {}


def header(descr, shape):
    """The header numpy.save writes for this descriptor and shape (format 1.0 or 2.0)."""
    key = (descr, shape)
    h = _cache.get(key)
    if h is not None:
        return h
    shape_text = "(%d,)" % shape[0] if len(shape) == 1 else "(" + ", ".join(str(d) for d in shape) + ")"
    d = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape_text)
    if shape:
        d += " " * max(0, _GROWTH_AXIS_MAX_DIGITS - len(str(shape[0])))
    raw = d.encode("latin1")
    hlen = len(raw) + 1
    pad = 64 - (10 + hlen) % 64
    if hlen + pad > 0xFFFF:
        pad = 64 - (12 + hlen) % 64
        h = _MAGIC + b"\x02\x00" + (hlen + pad).to_bytes(4, "little") + raw + b" " * pad + b"\n"
    else:
        h = _MAGIC + b"\x01\x00" + (hlen + pad).to_bytes(2, "little") + raw + b" " * pad + b"\n"
    if len(_cache) < 4096:
        _cache[key] = h
    return h


def save(path, arr):
    arr = np.asarray(arr, order="C")  # (ascontiguousarray would turn a 0-d array into shape (1,))
    with open(path, "wb") as f:
        f.write(header(arr.dtype.str, arr.shape))
        f.write(arr.reshape(-1).data)  # a 0-d array's own buffer view would write nothing


def load(path):
    with open(path, "rb") as f:
        pre = f.read(10)
        if pre[:6] == _MAGIC and len(pre) == 10 and pre[6] == 1:
            hlen = int.from_bytes(pre[8:10], "little")
            m = _HEADER.match(f.read(hlen).decode("latin1"))
            if m and m.group(2) == "False":
                dtype = np.dtype(m.group(1))
                shape = tuple(int(x) for x in m.group(3).replace(" ", "").split(",") if x)
                n = int(np.prod(shape, dtype=np.int64)) if shape else 1
                arr = np.empty(n, dtype=dtype)
                # straight into the array: no intermediate bytes objects for multi-GB tensors
                got = f.readinto(memoryview(arr.reshape(-1).view(np.uint8)))
                if got != n * dtype.itemsize or f.read(1):
                    raise ValueError("%s: data size does not match the header's %s%s" % (path, dtype.str, shape))
                return arr.reshape(shape)
    return np.load(path, allow_pickle=False)
