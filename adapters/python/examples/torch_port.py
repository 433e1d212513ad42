#!/usr/bin/env python3
"""A port written with torch on CUDA (te-jax, unpadded, no probs): dispatch and combine, outputs in
guarded buffers (an out-of-bounds write is reported, rule B2). Serve it:

    permcheck smoke --backend exec:'permcheck-port adapters/python/examples/torch_port.py'
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # a checkout, not installed
from permcheck_adapter import Adapter  # noqa: E402
from permcheck_adapter.arrays_torch import from_torch, to_torch  # noqa: E402
from permcheck_adapter.guards_torch import guarded_empty  # noqa: E402

adapter = Adapter("torch-port", "0.1.0", device="CUDA (torch %s)" % torch.__version__, dtypes=["f32", "bf16"])


@adapter.op("token_dispatch")
def dispatch(inputs, attrs, profile):
    x, R = to_torch(inputs["inp"]), to_torch(inputs["routing_map"]).bool()
    (T, E), n = R.shape, R.sum(1)
    e, t = R.T.nonzero(as_tuple=True)                   # D1: expert-major, ascending token
    out = guarded_empty((attrs["num_out_tokens"], x.shape[1]), x.dtype, "cuda", "output")
    out[:len(t)] = x[t]                                 # D2; rows past N_used are unspecified (D5)
    col = n[t] - R.int().cumsum(1)[t, e]                # M1: a token's experts in descending order
    rid = torch.full((T, 2 * E + 1), -1, dtype=torch.int32, device="cuda")
    rid[t, col], rid[t, E + col], rid[:, 2 * E] = torch.arange(len(t), device="cuda", dtype=torch.int32), e.int(), n.int()
    return {"output": from_torch(out, inputs["inp"].dtype), "row_id_map": from_torch(rid, "i32"),
            "tokens_per_expert": from_torch(R.sum(0).int(), "i32")}


@adapter.op("token_combine")
def combine(inputs, attrs, profile):
    x, rid = to_torch(inputs["inp"]), to_torch(inputs["row_id_map"]).long()
    E, n = (rid.shape[1] - 1) // 2, rid[:, -1]
    acc = torch.zeros((rid.shape[0], x.shape[1]), dtype=torch.float32, device="cuda")
    for i in range(E):                                  # C1: sum of a token's rows, in float32
        acc[n > i] += x[rid[n > i, i]].float()
    out = guarded_empty(acc.shape, x.dtype, "cuda", "output")
    out.copy_(acc)                                      # rounded once to the payload dtype
    return {"output": from_torch(out, inputs["inp"].dtype)}


if __name__ == "__main__":
    adapter.serve()
