"""Guard bands on the device for torch outputs (guards.py says what a band is and how a breach is
reported). Two forms:

  guarded_empty(shape, dtype, device, name)   the port allocates the output and hands it to its kernel
  with intercept(module): ...                 the library allocates internally: for the call, the
      module's `torch` is a proxy whose empty / zeros / empty_like / zeros_like return guarded views,
      and every tensor handed out is checked after the call. TE's permute_with_mask_map allocates its
      output with torch.empty((num_out_tokens, H)) in transformer_engine/pytorch/triton/permutation.py,
      where a routed count above num_out_tokens makes the Triton kernel write past it (TE #3346).

Bands are filled and checked on the device; only the two counts per band cross to the host. torch
is imported on first use, so the kit imports without it.
"""
from . import guards
from .guards import GUARD_BYTE, GUARD_BYTES, POISON_BYTE


def _torch():
    import torch
    return torch


class DeviceAllocation(guards.Allocation):
    def __init__(self, name, buffer, nbytes, description):
        super().__init__(name, nbytes, description)
        self.buffer = buffer

    def changed(self, before):
        band = self.buffer[:GUARD_BYTES] if before else self.buffer[GUARD_BYTES + self.nbytes:]
        bad = (band != GUARD_BYTE).nonzero()          # synchronizes with the kernels that wrote the buffer
        count = int(bad.shape[0])
        return (count, int(bad[0, 0])) if count else (0, -1)

    def owns(self, obj):
        try:
            return obj.untyped_storage().data_ptr() == self.buffer.untyped_storage().data_ptr()
        except AttributeError:
            return False


def _numel(shape):
    n = 1
    for d in shape:
        n *= int(d)
    return n


def _itemsize(torch, dtype):
    size = getattr(dtype, "itemsize", None)           # torch >= 2.1
    return size if size is not None else torch.empty((), dtype=dtype).element_size()


def _guarded(torch, real_empty, shape, dtype, device, name, fill):
    """A view of shape/dtype inside a banded uint8 buffer, registered with the open scope."""
    shape = tuple(int(d) for d in shape)
    nbytes = _numel(shape) * _itemsize(torch, dtype)
    buffer = real_empty(2 * GUARD_BYTES + nbytes, dtype=torch.uint8, device=device)
    buffer.fill_(GUARD_BYTE)
    data = buffer[GUARD_BYTES:GUARD_BYTES + nbytes]
    data.fill_(POISON_BYTE if fill is None else 0)
    guards.current().add(DeviceAllocation(name, buffer, nbytes, "torch %s%s" % (str(dtype).replace("torch.", ""), list(shape))))
    return data.view(dtype).view(shape)


def guarded_empty(shape, dtype, device="cuda", name=None):
    """torch.empty(shape, dtype=dtype, device=device) between guard bands (data bytes POISON_BYTE),
    registered with the call's scope; outside a call a plain torch.empty."""
    torch = _torch()
    if guards.current() is None:
        return torch.empty(tuple(shape), dtype=dtype, device=device)
    return _guarded(torch, torch.empty, shape, dtype, device, name, None)


def guarded_zeros(shape, dtype, device="cuda", name=None):
    torch = _torch()
    if guards.current() is None:
        return torch.zeros(tuple(shape), dtype=dtype, device=device)
    return _guarded(torch, torch.empty, shape, dtype, device, name, 0)


# keyword arguments an intercepted call may carry and still be served guarded; any other (out=,
# layout=, pin_memory=, memory_format=, ...) goes to torch unchanged
_PLAIN = {"dtype", "device", "requires_grad"}


def _shape(args, kwargs):
    if "size" in kwargs:
        size = kwargs["size"]
        return tuple(size) if isinstance(size, (tuple, list)) else (size,)
    if len(args) == 1 and hasattr(args[0], "__iter__"):   # empty((n, h)), empty(torch.Size), empty([n])
        return tuple(args[0])
    return tuple(args)


class AllocatorProxy:
    """Stands in for `torch` inside one module: allocations are guarded, everything else is torch."""

    def __init__(self, torch):
        self._torch = torch

    def __getattr__(self, name):
        return getattr(self._torch, name)

    def _alloc(self, real, fill, args, kwargs):
        if guards.current() is None or set(kwargs) - _PLAIN - {"size"}:
            return real(*args, **kwargs)
        torch = self._torch
        dtype = kwargs.get("dtype") or torch.get_default_dtype()
        device = kwargs.get("device") or "cpu"
        t = _guarded(torch, torch.empty, _shape(args, kwargs), dtype, device, None, fill)
        return t.requires_grad_(True) if kwargs.get("requires_grad") else t

    def empty(self, *args, **kwargs):
        return self._alloc(self._torch.empty, None, args, kwargs)

    def zeros(self, *args, **kwargs):
        return self._alloc(self._torch.zeros, 0, args, kwargs)

    def _like(self, real, fill, x, kwargs):
        if guards.current() is None or set(kwargs) - _PLAIN:
            return real(x, **kwargs)
        like = dict(dtype=kwargs.get("dtype") or x.dtype, device=kwargs.get("device") or x.device)
        if kwargs.get("requires_grad"):
            like["requires_grad"] = True
        return self._alloc(real, fill, (tuple(x.shape),), like)

    def empty_like(self, x, **kwargs):
        return self._like(self._torch.empty_like, None, x, kwargs)

    def zeros_like(self, x, **kwargs):
        return self._like(self._torch.zeros_like, 0, x, kwargs)


class intercept:
    """with intercept(module): the library's allocations in `module` (which did `import torch`) are
    guarded for the open call's scope; the module's own torch is put back on exit."""

    def __init__(self, module):
        self.module = module

    def __enter__(self):
        self.real = self.module.torch
        self.module.torch = AllocatorProxy(self.real)
        return self

    def __exit__(self, *exc):
        self.module.torch = self.real
        return False
