#!/usr/bin/env python3
"""The numpy example port writing -0.0 wherever its reductions give +0.0 (combine output, dispatch
backward grad_inp, combine backward grad_merging_probs). -0.0 is within every tolerance of 0.0, so
only the empty-sum rules catch it: a sum of no term is exactly +0.0 (docs/spec.md C3, G1, G4).
Used by the checker tests to see that the offline checker and the engine FAIL the same vectors.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))
import numpy_port  # noqa: E402
from permcheck_adapter import Tensor  # noqa: E402

adapter = numpy_port.adapter
SIGN = {"f32": (np.uint32, 0x80000000), "bf16": (np.uint16, 0x8000), "f16": (np.uint16, 0x8000)}
REDUCTIONS = {"token_combine": "output", "token_dispatch_backward": "grad_inp",
              "token_combine_backward": "grad_merging_probs"}


def negative_zeros(fn, output):
    def call(inputs, attrs, profile):
        out = fn(inputs, attrs, profile)
        t = out.get(output)
        if t is not None and t.dtype in SIGN:
            uint, sign = SIGN[t.dtype]
            bits = t.data.view(uint).copy()
            bits[bits == 0] = sign
            out[output] = Tensor(bits.view(t.data.dtype), t.dtype)
        return out
    return call


for op, output in REDUCTIONS.items():
    adapter.functions[op] = negative_zeros(adapter.functions[op], output)

if __name__ == "__main__":
    adapter.serve()
