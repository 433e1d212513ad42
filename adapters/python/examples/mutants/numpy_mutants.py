#!/usr/bin/env python3
"""Protocol-level mutants: the numpy example port with one planted bug, served through the protocol.

    python3 adapters/python/examples/mutants/numpy_mutants.py --mutant NAME

permcheck's mutant zoo (zoo/src/test/java/org/permcheck/zoo, docs/mutants.md) runs
these through ExecBackend and asserts that the suite FAILs each one. The port itself is imported
unchanged; each mutant wraps one of its op functions, the way a port's own post-processing
(dtype casts, a hand-written offsets formula, a "small" reordering) goes wrong in practice.
"""
import importlib.util
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
os.environ.pop("PERMCHECK_PLANT_BUG", None)  # the port's own planted bugs are selected separately
spec = importlib.util.spec_from_file_location("numpy_port", os.path.join(HERE, "..", "numpy_port.py"))
port = importlib.util.module_from_spec(spec)
spec.loader.exec_module(port)
Tensor = port.Tensor

MUTANTS = {
    "tpe-int64": "tokens_per_expert cast to int64 in the te-jax profile (N1; TE #2613 counts dtype)",
    "row-id-map-ascending": "row_id_map valid slots reversed into ascending expert order (M2, M3)",
    "receiver-offsets": "ragged all-to-all output_offsets computed receiver-side (A1; marin PR #4867)",
    "unrouted-garbage": "combine leaves tokens routed nowhere uninitialized (NaN) (C3; MaxText PR #4898)",
}


def wrap(op, post):
    fn = port.adapter.functions[op]

    def wrapped(inputs, attrs, profile):
        return post(fn(inputs, attrs, profile), inputs, attrs, profile)
    port.adapter.functions[op] = wrapped


def tpe_int64(out, inputs, attrs, profile):
    t = out["tokens_per_expert"]
    out["tokens_per_expert"] = Tensor(t.data.astype(np.int64), "i64")
    return out


def row_id_map_ascending(out, inputs, attrs, profile):
    rid = out["row_id_map"].data.copy()
    E = (rid.shape[1] - 1) // 2
    for t in range(rid.shape[0]):
        n = rid[t, 2 * E]
        rid[t, :n] = rid[t, :n][::-1]
        rid[t, E:E + n] = rid[t, E:E + n][::-1]
    out["row_id_map"] = Tensor(rid, "i32")
    return out


def receiver_offsets(out, inputs, attrs, profile):
    M = inputs["all_shards_tokens_per_expert"]
    recv = out["recv_sizes"].data
    off = np.concatenate(([0], np.cumsum(recv)[:-1])).astype(recv.dtype)
    out["output_offsets"] = Tensor(off, M.dtype)
    return out


def unrouted_garbage(out, inputs, attrs, profile):
    rid = inputs["row_id_map"].data
    E = (rid.shape[1] - 1) // 2
    o = out["output"]
    data = o.data.copy()
    nowhere = rid[:, 2 * E] == 0
    if nowhere.any():
        nan = Tensor.from_f32(np.full(data.shape[1:], np.nan, dtype=np.float32), o.dtype).data
        data[nowhere] = nan
    out["output"] = Tensor(data, o.dtype)
    return out


POST = {
    "tpe-int64": ("token_dispatch", tpe_int64),
    "row-id-map-ascending": ("token_dispatch", row_id_map_ascending),
    "receiver-offsets": ("compute_ragged_all_to_all_params", receiver_offsets),
    "unrouted-garbage": ("token_combine", unrouted_garbage),
}

if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) != 2 or args[0] != "--mutant" or args[1] not in MUTANTS:
        sys.exit("usage: numpy_mutants.py --mutant NAME (known: %s)" % ", ".join(MUTANTS))
    name = args[1]
    op, post = POST[name]
    wrap(op, post)
    port.adapter.name = "numpy-port+mutant:" + name
    port.adapter.details["planted_bug"] = name
    port.adapter.serve()
