"""Guard bands (permcheck_adapter/guards.py, guards_torch.py): an out-of-bounds write by a port's
kernel is reported in the result as docs/protocol.md section 3.3 fixes it (B2, docs/spec.md).

Expected breaches are by hand: GUARD_BYTE is 0xCD, so every byte of a written float32 1.0 (00 00 80
3F) or 7.0 (00 00 E0 40) or of a 0 differs from it; a row of H float32 is 4H bytes; the band past the
end counts from the output's end (offset 0 = the first byte after it), the band before it from its
start (negative). The torch form runs on tests/fake_torch.py here; gpu_guard_check.py runs it on a GPU.
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import types
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
KIT = os.path.join(HERE, "..")
sys.path.insert(0, KIT)
sys.path.insert(0, HERE)

from permcheck_adapter import Adapter, Tensor, guards  # noqa: E402
from permcheck_adapter.guards import GUARD_BYTE, GUARD_BYTES, POISON_BYTE  # noqa: E402
import fake_torch  # noqa: E402


def load_port(path):
    spec = importlib.util.spec_from_file_location("port_under_test_%d" % id(path), path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def run_request(d, oob, N=4, H=3):
    np.save(os.path.join(d, "inp.npy"), np.ones((2, H), np.float32))
    return {"type": "run", "id": 5, "op": "token_dispatch", "profile": "te-jax", "dir": d,
            "attrs": {"num_out_tokens": N, "oob": oob}, "inputs": {"inp": {"path": os.path.join(d, "inp.npy"), "dtype": "f32"}}}


class HostGuardsTest(unittest.TestCase):
    """The numpy host form, through the Adapter's answer to a run request (tests/oob_port.py)."""

    def answer(self, oob):
        port = load_port(os.path.join(HERE, "oob_port.py"))
        with tempfile.TemporaryDirectory() as d:
            answer, _ = port.adapter.handle(json.dumps(run_request(d, oob)))
            out = np.load(os.path.join(d, answer["outputs"]["output"]["path"])) if answer["type"] == "result" else None
        return answer, out

    def test_a_row_written_past_the_end_is_a_breach_at_offset_0(self):
        answer, out = self.answer(1)
        self.assertEqual(answer["type"], "result")          # a breach is still a result (B2 is judged on it)
        self.assertEqual(answer["guarded"], ["output"])
        self.assertEqual(answer["guard_breaches"], [{"output": "output", "offset": 0, "bytes": 12}])
        np.testing.assert_array_equal(out, np.ones((4, 3), np.float32))   # the output itself is intact

    def test_bytes_written_before_the_start_have_a_negative_offset(self):
        answer, _ = self.answer(2)
        self.assertEqual(answer["guard_breaches"], [{"output": "output", "offset": -8, "bytes": 8}])

    def test_writes_in_bounds_are_guarded_without_a_breach(self):
        answer, _ = self.answer(0)
        self.assertEqual(answer["guarded"], ["output"])
        self.assertNotIn("guard_breaches", answer)

    def test_a_port_without_guarded_outputs_answers_as_before(self):
        a = Adapter("plain", "1", dtypes=["f32"])
        a.op("token_dispatch")(lambda inputs, attrs, profile: {"output": inputs["inp"]})
        with tempfile.TemporaryDirectory() as d:
            answer, _ = a.handle(json.dumps(run_request(d, 0)))
        self.assertEqual(sorted(answer), ["id", "millis", "outputs", "type"])

    def test_bands_and_poison_as_allocated(self):
        with guards.scope() as s:
            out = guards.guarded_empty((2, 5), np.float32, name="output")
            z = guards.guarded_zeros((3,), np.int64)
            [a, b] = s.allocations
            self.assertEqual(a.buffer.size, 2 * GUARD_BYTES + 40)
            self.assertTrue((a.buffer[:GUARD_BYTES] == GUARD_BYTE).all() and (a.buffer[-GUARD_BYTES:] == GUARD_BYTE).all())
            self.assertTrue((out.view(np.uint8) == POISON_BYTE).all())
            np.testing.assert_array_equal(z, [0, 0, 0])
            self.assertEqual(s.report(), (["output"], []))
            z.base[GUARD_BYTES + 24 + 100] = 1                 # unnamed: named by what allocated it
            self.assertEqual(s.report()[1], [{"output": "(unnamed 1: np int64[3])", "offset": 100, "bytes": 1}])
        self.assertIsNone(guards.current())
        self.assertEqual(type(guards.guarded_empty((2,), np.float32)), np.ndarray)   # outside a call: plain

    def test_served_through_permcheck_port_the_breach_reaches_stdout_and_stderr_says_it(self):
        with tempfile.TemporaryDirectory() as d:
            lines = ['{"type": "hello", "protocol": 1}', json.dumps(run_request(d, 1)), '{"type": "bye"}']
            p = subprocess.run([sys.executable, "-m", "permcheck_adapter", "serve", os.path.join(HERE, "oob_port.py")],
                               input="\n".join(lines) + "\n", capture_output=True, text=True, cwd=KIT, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        hello, result, bye = [json.loads(l) for l in p.stdout.splitlines()]
        self.assertEqual(result["guard_breaches"], [{"output": "output", "offset": 0, "bytes": 12}])
        self.assertIn("adapter: token_dispatch wrote outside output output: 12 guard bytes changed, first at byte +0 "
                      "from its end", p.stderr)


def fake_library(torch, H=3):
    """A library module in TE's shape: it did `import torch` and allocates inside its wrappers
    (transformer_engine/pytorch/triton/permutation.py: torch.empty((num_out_tokens, hidden), ...) for the
    output, torch.empty((T, 2E+1), int32) for row_id_map); its "kernel" writes `routed` rows, as TE's
    Triton permute does when the routed count exceeds num_out_tokens (TE #3346)."""
    lib = types.ModuleType("fake_te_triton_permutation")
    lib.torch = torch

    def permute(x, num_out_tokens, routed):
        out = lib.torch.empty((num_out_tokens, H), dtype=x.dtype, device="cuda")
        rid = lib.torch.empty((x.shape[0], 5), dtype=lib.torch.int32, device="cuda")
        scratch = lib.torch.zeros(2, dtype=lib.torch.int32, device="cuda")
        wide = np.lib.stride_tricks.as_strided(out.a, shape=(routed, H), strides=out.a.strides)
        wide[:] = 1.0
        rid.a[:] = 0
        return out, rid, scratch

    lib.permute = permute
    return lib


class TorchGuardsTest(unittest.TestCase):
    """guards_torch on the numpy-backed fake torch: the interceptor's bookkeeping and the band checks."""

    def setUp(self):
        self.ctx = fake_torch.installed()
        self.torch = self.ctx.__enter__()
        import permcheck_adapter.guards_torch as gt
        import permcheck_adapter.arrays_torch as at
        self.gt, self.at = gt, at

    def tearDown(self):
        self.ctx.__exit__(None, None, None)

    def call(self, num_out_tokens, routed):
        torch = self.torch
        lib = fake_library(torch)
        x = torch.from_numpy(np.ones((4, 3), np.float32)).to("cuda")
        with guards.scope() as s:
            with self.gt.intercept(lib):
                self.assertIsInstance(lib.torch, self.gt.AllocatorProxy)
                out, rid, scratch = lib.permute(x, num_out_tokens, routed)
                self.at.from_torch(out, "f32", output="output")
                self.at.from_torch(rid, "i32", output="row_id_map")
            self.assertIs(lib.torch, torch)                       # the module's own torch is back
            return s.report(), out

    def test_te_3346_rows_written_past_num_out_tokens_are_a_breach_of_output(self):
        (guarded, breaches), out = self.call(num_out_tokens=4, routed=6)
        self.assertEqual(guarded, ["output", "row_id_map"])
        self.assertEqual(breaches, [{"output": "output", "offset": 0, "bytes": 2 * 3 * 4}])
        self.assertEqual(out.shape, (4, 3))                      # the library got a view of the requested shape

    def test_in_bounds_writes_leave_every_band_intact(self):
        (guarded, breaches), _ = self.call(num_out_tokens=4, routed=4)
        self.assertEqual(breaches, [])
        self.assertEqual(len(self.torch.calls), 3)               # three banded buffers, each one torch.empty

    def test_what_the_proxy_does_not_understand_goes_to_torch_unguarded(self):
        torch = self.torch
        lib = types.ModuleType("lib")
        lib.torch = torch
        with guards.scope() as s:
            with self.gt.intercept(lib):
                a = lib.torch.empty((2, 2), dtype=torch.float32, device="cuda", pin_memory=True)
                b = lib.torch.empty_like(a)
                c = lib.torch.zeros_like(a, dtype=torch.bfloat16)
                self.assertIs(lib.torch.int32, torch.int32)      # the rest of torch is torch
            self.assertEqual(len(s.allocations), 2)              # pin_memory= went to torch as asked
            self.assertEqual([b.shape, str(c.dtype)], [(2, 2), "torch.bfloat16"])
            self.assertTrue((c.a == 0).all() and (b.a.view(np.uint8) == POISON_BYTE).all())
        with self.gt.intercept(lib):                             # outside a call: nothing is guarded
            lib.torch.empty(3)
        self.assertEqual(torch.calls[-1], ("empty", (3,)))

    def test_guarded_empty_gives_the_port_a_banded_view(self):
        torch = self.torch
        with guards.scope() as s:
            out = self.gt.guarded_empty((2, 3), torch.bfloat16, "cuda", name="output")
            self.assertEqual((out.shape, str(out.dtype)), ((2, 3), "torch.bfloat16"))
            [a] = s.allocations
            self.assertEqual(a.buffer.shape, (2 * GUARD_BYTES + 12,))
            a.buffer.a[GUARD_BYTES - 1] = 0                     # one byte just before the start
            self.assertEqual(s.report(), (["output"], [{"output": "output", "offset": -1, "bytes": 1}]))


if __name__ == "__main__":
    unittest.main()
