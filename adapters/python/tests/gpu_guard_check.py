#!/usr/bin/env python3
"""GPU self-test of the guard bands (permcheck_adapter/guards_torch.py), for a machine with torch,
triton and a CUDA device; run from the repository root:

    python3 adapters/python/tests/gpu_guard_check.py          (PERMCHECK_TE_PATH=DIR adds TE's own case)

1. A library module that allocates its output itself (torch.empty((N, H)) as TE's Triton wrappers
   do), intercepted; a tiny Triton kernel writes one row past the end: the breach must be reported
   as {"output": "output", "offset": 0, "bytes": 4H} (H float32 of 1.0: every byte differs from 0xCD).
2. The same allocation written by torch ops in bounds: no breach, and the values are what was written.
3. guarded_empty (the port allocates): a kernel writing row -1 is a breach at offset -4H.
4. With PERMCHECK_TE_PATH: TE's moe_permute (mask map) with num_out_tokens below the routed count
   (TE #3346) inside intercept(te.triton_permutation): a breach of `output` must be reported, and
   the same call through the TE adapter's token_dispatch (no align_size, so TE's unpadded API gets
   num_out_tokens as given) must answer a result carrying that breach.
Prints one line per check; exit 0 when all hold, 1 otherwise, 2 when torch/triton/CUDA are missing.
"""
import os
import sys
import types

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from permcheck_adapter import guards  # noqa: E402

try:
    import torch
    import triton
    import triton.language as tl
except ImportError as e:
    print("gpu_guard_check: SKIP: torch and triton are needed: %s" % e)
    sys.exit(2)
if not torch.cuda.is_available():
    print("gpu_guard_check: SKIP: no CUDA device visible to torch %s" % torch.__version__)
    sys.exit(2)

from permcheck_adapter.arrays_torch import from_torch  # noqa: E402
from permcheck_adapter.guards_torch import guarded_empty, intercept  # noqa: E402

H = 64


@triton.jit
def write_rows(out_ptr, first_row, H: tl.constexpr):
    """Writes 1.0 to row first_row + program_id of a [*, H] float32 buffer, with no bound on the row."""
    row = first_row + tl.program_id(0)
    cols = tl.arange(0, H)
    tl.store(out_ptr + row * H + cols, tl.full((H,), 1.0, tl.float32))


def library():
    """A module in the shape of TE's transformer_engine/pytorch/triton/permutation.py."""
    lib = types.ModuleType("gpu_guard_check_library")
    lib.torch = torch

    def permute(num_out_tokens, rows_written):
        out = lib.torch.empty((num_out_tokens, H), dtype=torch.float32, device="cuda")
        write_rows[(rows_written,)](out, 0, H=H)
        return out

    def copy_in(x):
        out = lib.torch.empty((x.shape[0], H), dtype=x.dtype, device="cuda")
        out.copy_(x * 2)
        out[0] = x[0] + 1
        return out

    lib.permute, lib.copy_in = permute, copy_in
    return lib


def check(name, got, want):
    ok = got == want
    print("%s %s: got %s%s" % ("PASS" if ok else "FAIL", name, got, "" if ok else ", want %s" % (want,)))
    return ok


def one_row_past_the_end():
    lib = library()
    with guards.scope() as s, intercept(lib):
        out = lib.permute(8, 9)                 # 9 rows into an 8-row output
        from_torch(out, "f32", output="output")
        report = s.report()
    return check("triton kernel one row past an intercepted torch.empty", report,
                 (["output"], [{"output": "output", "offset": 0, "bytes": 4 * H}]))


def torch_ops_in_bounds():
    lib = library()
    x = torch.arange(4 * H, dtype=torch.float32, device="cuda").reshape(4, H)
    with guards.scope() as s, intercept(lib):
        out = lib.copy_in(x)
        got = from_torch(out, "f32", output="output")
        report = s.report()
    want = (x * 2).cpu().numpy()
    want[0] = x[0].cpu().numpy() + 1
    return check("torch ops in bounds", (report, bool((got.data == want).all())), ((["output"], []), True))


def row_before_the_start():
    with guards.scope() as s:
        out = guarded_empty((8, H), torch.float32, "cuda", name="output")
        write_rows[(1,)](out, -1, H=H)
        report = s.report()
    return check("guarded_empty, a kernel writing row -1", report,
                 (["output"], [{"output": "output", "offset": -4 * H, "bytes": 4 * H}]))


def te_3346():
    if not os.environ.get("PERMCHECK_TE_PATH"):
        print("SKIP TE #3346: PERMCHECK_TE_PATH is not set")
        return True
    import json
    import tempfile
    import numpy as np
    from te_torch import capabilities, loader, ops
    te, details = loader.load()
    T, E, N = 8, 2, 8                          # every token to both experts: 16 rows routed, 8 allocated
    routing = torch.ones((T, E), dtype=torch.int32, device="cuda")
    x = torch.ones((T, H), dtype=torch.float32, device="cuda")
    with guards.scope() as s, intercept(te.triton_permutation):
        out, rid = te.moe_permute(x, routing, num_out_tokens=N, map_type="mask")
        from_torch(out, "f32", output="output")
        from_torch(rid, "i32", output="row_id_map")
        guarded, breaches = s.report()
    print("TE %s: breaches %s" % (details.get("te_commit", "installed"), breaches))
    direct = check("TE #3346 (num_out_tokens %d < %d routed) reported on output" % (N, T * E),
                   (sorted(guarded), sorted({b["output"] for b in breaches}), min([b["offset"] for b in breaches] or [None])),
                   (["output", "row_id_map"], ["output"], 0))
    adapter = capabilities.make_adapter(device="gpu_guard_check")
    ops.register(adapter, te)
    with tempfile.TemporaryDirectory() as d:
        np.save(os.path.join(d, "inp.npy"), np.ones((T, H), np.float32))
        np.save(os.path.join(d, "rm.npy"), np.ones((T, E), np.int32))
        req = {"type": "run", "id": 1, "op": "token_dispatch", "profile": "torch-mask-pad", "dir": d,
               "attrs": {"num_out_tokens": N}, "inputs": {"inp": {"path": os.path.join(d, "inp.npy"), "dtype": "f32"},
                                                         "routing_map": {"path": os.path.join(d, "rm.npy"), "dtype": "i32"}}}
        answer, _ = adapter.handle(json.dumps(req))
    print("adapter answer: %s" % {k: v for k, v in answer.items() if k != "outputs"})
    through = check("TE adapter token_dispatch without align_size answers the breach",
                    (answer["type"], sorted(answer.get("guarded", [])), sorted({b["output"] for b in answer.get("guard_breaches", [])})),
                    ("result", ["output", "row_id_map"], ["output"]))
    return direct and through


if __name__ == "__main__":
    results = [f() for f in (one_row_past_the_end, torch_ops_in_bounds, row_before_the_start, te_3346)]
    sys.exit(0 if all(results) else 1)
