#!/usr/bin/env python3
"""The numpy example port claiming less than it can do: payload f32 only, profile te-jax only, the
probs feature only (no padding, no merging probs), and every op but the ragged all-to-all
parameters. Its functions refuse, loudly, any call outside those claims, so that a checker which
calls it there (instead of answering NOT_SUPPORTED itself, docs/protocol.md section 3) sees ERROR.

    permcheck run --backend exec:'python3 adapters/python/tests/narrow_port.py'
    python3 adapters/python/examples/check_vectors.py vectors --port adapters/python/tests/narrow_port.py
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import numpy_port  # noqa: E402
from permcheck_adapter import Adapter  # noqa: E402
from permcheck_adapter.claims import Claims  # noqa: E402

adapter = Adapter(name="narrow-numpy-port", version="0.1.0", dtypes=["f32"], profiles=["te-jax"], features=["probs"],
                  details={"claims": "f32, te-jax, probs; no ragged all-to-all params"})


def guarded(op, fn):
    def call(inputs, attrs, profile):
        why = Claims.of_hello(adapter.hello()).why_not(op, profile, inputs, attrs)
        if why is not None:
            raise AssertionError("called outside its claims: %s" % why)
        return fn(inputs, attrs, profile)
    return call


for wire, fn in numpy_port.adapter.functions.items():
    if wire != "compute_ragged_all_to_all_params":
        adapter.op(wire)(guarded(wire, fn))

if __name__ == "__main__":
    adapter.serve()
