"""Guard bands around a port's outputs: an out-of-bounds write becomes a reported breach (rule B2,
docs/spec.md), not silent corruption of whatever lies next to the output.

An output is allocated GUARD_BYTES larger on each side, both bands filled with GUARD_BYTE and the
data with POISON_BYTE (as the CUDA backend's GuardedOutput does: a slot the kernel forgot shows as
0xA5 bits), and the library gets a view of the middle. After the call each band is compared with
GUARD_BYTE. A breach is reported as docs/protocol.md section 3.3 fixes it:

    {"output": NAME, "offset": OFFSET, "bytes": CHANGED}

OFFSET is the byte offset of the first changed guard byte: from the output's end (>= 0) for the
band past it, from its start (negative) for the band before it. CHANGED counts changed guard bytes.

The Adapter opens a Scope for every run request; guarded_empty (here: numpy on the host; in
guards_torch: torch on the device) registers its allocations with the open scope, and the adapter
adds "guarded" and "guard_breaches" to the result after the port returns.
"""
import numpy as np

GUARD_BYTES = 4096          # a multiple of 512 keeps the view as aligned as the allocator's own pointer
GUARD_BYTE = 0xCD
POISON_BYTE = 0xA5


class Allocation:
    """One guarded buffer: [band | data (nbytes) | band]. Subclasses read the bands of their library."""

    def __init__(self, name, nbytes, description):
        self.name = name
        self.nbytes = nbytes
        self.description = description   # what allocated it, for a breach in a buffer no output names

    def changed(self, before):
        """(count of guard bytes != GUARD_BYTE, index of the first) in one band; (0, -1) when intact."""
        raise NotImplementedError

    def owns(self, obj):
        """Whether obj (an array or tensor) lies in this buffer."""
        raise NotImplementedError

    def breaches(self, label):
        found = []
        for before in (True, False):
            count, first = self.changed(before)
            if count:
                found.append({"output": label, "offset": first - GUARD_BYTES if before else first, "bytes": count})
        return found


class Scope:
    """The guarded allocations of one call."""

    def __init__(self):
        self.allocations = []

    def add(self, allocation):
        self.allocations.append(allocation)
        return allocation

    def label(self, name, obj):
        """Names the allocation obj lies in (an output the library allocated); returns obj."""
        for a in self.allocations:
            if a.name is None and a.owns(obj):
                a.name = name
                break
        return obj

    def report(self):
        """(names of the guarded outputs, breaches) of every allocation, unnamed ones by what made them."""
        guarded, breaches = [], []
        for i, a in enumerate(self.allocations):
            if a.name is not None and a.name not in guarded:
                guarded.append(a.name)
            breaches += a.breaches(a.name if a.name is not None else "(unnamed %d: %s)" % (i, a.description))
        return guarded, breaches


_open = []


def current():
    """The scope of the call being answered, or None outside a call."""
    return _open[-1] if _open else None


class scope:
    """with scope() as s: ... — the Adapter wraps every port call in one."""

    def __enter__(self):
        _open.append(Scope())
        return _open[-1]

    def __exit__(self, *exc):
        _open.pop()
        return False


def label(name, obj):
    """Names the guarded allocation obj lies in, in the open scope (no-op outside one); returns obj."""
    s = current()
    return s.label(name, obj) if s is not None else obj


# ---------------------------------------------------------------- host form (numpy)

class HostAllocation(Allocation):
    def __init__(self, name, buffer, nbytes, description):
        super().__init__(name, nbytes, description)
        self.buffer = buffer

    def changed(self, before):
        band = self.buffer[:GUARD_BYTES] if before else self.buffer[GUARD_BYTES + self.nbytes:]
        bad = np.flatnonzero(band != GUARD_BYTE)
        return (int(bad.size), int(bad[0])) if bad.size else (0, -1)

    def owns(self, obj):
        return isinstance(obj, np.ndarray) and np.shares_memory(obj, self.buffer)


def guarded_empty(shape, dtype, name=None):
    """A numpy array of `shape` and `dtype` between guard bands, registered with the open scope
    (unguarded, a plain np.empty, outside one). Its data bytes are POISON_BYTE."""
    shape = tuple(int(d) for d in shape)
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    s = current()
    if s is None:
        return np.empty(shape, dtype)
    buffer = np.full(2 * GUARD_BYTES + nbytes, GUARD_BYTE, dtype=np.uint8)
    buffer[GUARD_BYTES:GUARD_BYTES + nbytes] = POISON_BYTE
    s.add(HostAllocation(name, buffer, nbytes, "np %s%s" % (dtype.name, list(shape))))
    return buffer[GUARD_BYTES:GUARD_BYTES + nbytes].view(dtype).reshape(shape)


def guarded_zeros(shape, dtype, name=None):
    out = guarded_empty(shape, dtype, name)
    out[...] = 0
    return out
