"""A numpy test port whose "kernels" write outside their outputs, in the host form of the guard bands
(permcheck_adapter.guards.guarded_empty), as TE #3346's Triton permute writes rows >= num_out_tokens
of its torch.empty((num_out_tokens, H)) output. Which write it makes is the op's `attrs["oob"]`:

    past-end   one row (H float32 = 4H bytes) after the last row of `output`
    before     the 8 bytes before `output`'s start
    none       only in bounds
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from permcheck_adapter import Adapter, Tensor  # noqa: E402
from permcheck_adapter.guards import GUARD_BYTES, guarded_empty  # noqa: E402

adapter = Adapter("oob-port", "0.1.0", dtypes=["f32"], profiles=["te-jax"])
WRITES = {0: "none", 1: "past-end", 2: "before"}


@adapter.op("token_dispatch")
def dispatch(inputs, attrs, profile):
    x = inputs["inp"].data
    N = attrs["num_out_tokens"]
    out = guarded_empty((N, x.shape[1]), np.float32, name="output")
    out[:] = 1.0
    wide = np.lib.stride_tricks.as_strided   # the reach of a kernel whose bounds are wrong
    write = WRITES[attrs.get("oob", 0)]
    if write == "past-end":
        wide(out, shape=(N + 1, x.shape[1]), strides=out.strides)[N] = 7.0
    elif write == "before":
        # a negative index: numpy cannot stride below a view's start, so go through the buffer the
        # view lies in (numpy's .base is the banded uint8 buffer that owns the memory)
        out.base[GUARD_BYTES - 8:GUARD_BYTES] = 0
    return {"output": Tensor(out, "f32")}


if __name__ == "__main__":
    adapter.serve()
