#!/usr/bin/env python3
"""TE-1 and TE-2 (reports/te/README.md): TransformerEngine's PyTorch mask-map permutation with an empty
permuted buffer, i.e. no token routed to any expert of this rank. Needs torch, triton and a CUDA GPU;
TE from PERMCHECK_TE_PATH (a source tree) or the installed package, found as the adapter finds it.

    PERMCHECK_TE_PATH=/path/to/TransformerEngine python3 reports/te/te-bug-empty-buffer/repro_te.py
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "adapters", "python"))
from te_torch import loader  # noqa: E402

te, details = loader.load()
import torch  # noqa: E402

T, E, H = 3, 1, 4
print("TE", details.get("te_commit", details.get("te_version")))

# TE-1: every token routed nowhere, so the permuted buffer has 0 rows; combine must give T rows of
# +0.0 (docs/spec.md C1, C3). TE's unpermute returns inp.clone() for an empty input: shape (0, H).
row_id_map = torch.zeros((T, 2 * E + 1), dtype=torch.int32, device="cuda")  # column 2E holds n(t) = 0
out = te.moe_unpermute(torch.empty((0, H), device="cuda"), row_id_map, restore_shape=(T, H), map_type="mask")
print("TE-1 moe_unpermute: shape", tuple(out.shape), "expected", (T, H))

# ... and its backward: autograd refuses the [T, H] gradient of a forward output of shape (0, H)
x = torch.empty((0, H), device="cuda", requires_grad=True)
try:
    y = te.moe_unpermute(x, row_id_map, restore_shape=(T, H), map_type="mask")
    torch.autograd.grad(y, [x], grad_outputs=torch.ones((T, H), device="cuda"))
    print("TE-1 backward: no error")
except RuntimeError as e:
    print("TE-1 backward:", str(e).splitlines()[0])

# TE-2: the padded dispatch of the same routing (nothing routed) asserts num_out_tokens > 0
# instead of returning an empty buffer (docs/spec.md P3: exactly sum(target) = 0 rows)
routing_map = torch.zeros((T, E), dtype=torch.bool, device="cuda")
try:
    te.moe_permute_and_pad_with_probs(torch.randn((T, H), device="cuda"), torch.zeros((T, E), device="cuda"),
                                      routing_map, routing_map.sum(dim=0), 16)
    print("TE-2 moe_permute_and_pad_with_probs: no error")
except AssertionError as e:
    print("TE-2 moe_permute_and_pad_with_probs: AssertionError:", e)
