"""torch tensors (CUDA or CPU) to and from the kit's Tensor, bits unchanged.

bf16 goes up as int16 bits and is viewed as torch.bfloat16 on the device; fp8 stays uint8 bits
(TE's plain-tensor branches take fp8 that way), or is viewed as torch.float8_* with float8=True.
The only host copies are the upload of the input and the download of the result; no value is
converted. torch is imported on first use.
"""
import numpy as np

from . import guards
from .arrays import FLOAT8, check_output
from .tensor import Tensor

_WIDE16 = ("bf16", "u16")   # numpy has no bf16, and torch.uint16 exists only from torch 2.3: move int16 bits


def _torch():
    import torch
    return torch


def kind(x):
    return str(x.dtype).replace("torch.", "")


def to_torch(t, device="cuda", float8=False):
    """A protocol Tensor as a torch tensor on `device` (one host-to-device copy)."""
    torch = _torch()
    a = np.ascontiguousarray(t.data)
    if t.dtype in _WIDE16:
        a = a.view(np.int16)
    x = torch.from_numpy(a).to(device)
    if t.dtype == "bf16":
        return x.view(torch.bfloat16)
    if float8 and t.dtype in FLOAT8:
        return x.view(getattr(torch, FLOAT8[t.dtype]))
    return x


def from_torch(x, dtype, output=None):
    """A torch result as a protocol Tensor of logical `dtype` (one device-to-host copy of its bits).
    `output` names the guarded allocation x lies in, when the library allocated it (guards.label)."""
    torch = _torch()
    if output is not None:
        guards.label(output, x)
    check_output(kind(x), dtype)
    x = x.detach()
    if dtype in _WIDE16:
        x = x.view(torch.int16)
    elif dtype in FLOAT8:
        x = x.view(torch.uint8)
    a = x.contiguous().cpu().numpy()
    return Tensor(a.view(np.uint16) if dtype in _WIDE16 else a, dtype)
