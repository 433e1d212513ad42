"""Tests of the Python adapter kit: protocol loop, dtypes, generator goldens, vector reader, and the
numpy example port against the committed vectors (with planted bugs caught).

    python3 -m unittest discover -s adapters/python/tests      (from the repository root)
"""
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import hashlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
KIT = os.path.join(HERE, "..")
REPO = os.path.abspath(os.path.join(KIT, "..", ".."))
sys.path.insert(0, KIT)
sys.path.insert(0, os.path.join(KIT, "examples"))

from permcheck_adapter import Adapter, Tensor, dtypes  # noqa: E402
from permcheck_adapter import adapter as adapter_module  # noqa: E402
from permcheck_adapter.generator import SplitMix64, generate  # noqa: E402
from permcheck_adapter.vectors import VectorError, load_vectors  # noqa: E402
import check_vectors  # noqa: E402

VECTORS = os.path.join(REPO, "vectors")
PORT = os.path.join(KIT, "examples", "numpy_port.py")


class ProtocolLoopTest(unittest.TestCase):
    def serve(self, *lines):
        a = Adapter("t", "1", dtypes=["f32"], features=["probs"])

        @a.op("token_dispatch")
        def dispatch(inputs, attrs, profile):
            return {"output": inputs["inp"]}

        out = io.StringIO()
        a.serve(io.StringIO("".join(l + "\n" for l in lines)), out)
        return [json.loads(l) for l in out.getvalue().splitlines()]

    def test_hello_claims_registered_ops(self):
        [h] = self.serve('{"type": "hello", "protocol": 1, "scratch": "/tmp"}')
        self.assertEqual(h["type"], "hello")
        self.assertEqual(h["protocol"], 1)
        self.assertEqual(h["capabilities"]["ops"], ["token_dispatch"])
        self.assertEqual(h["capabilities"]["features"], ["probs"])

    def test_declared_determinism_is_passed_through_hello(self):
        a = Adapter("t", "1", dtypes=["f32"], determinism={"token_dispatch": "bit_exact", "moe_align_block_size": "multiset"})
        self.assertEqual(a.hello()["determinism"], {"token_dispatch": "bit_exact", "moe_align_block_size": "multiset"})
        self.assertNotIn("determinism", Adapter("t", "1").hello(), "nothing declared: the engine's defaults")
        with self.assertRaises(ValueError) as cm:
            Adapter("t", "1", determinism={"token_dispatch": "bitwise"})
        self.assertIn("unknown level 'bitwise'", str(cm.exception))

    def test_the_numpy_port_declares_bit_exact_for_every_op(self):
        import numpy_port
        h = numpy_port.adapter.hello()
        self.assertEqual(set(h["determinism"]), set(h["capabilities"]["ops"]))
        self.assertEqual(set(h["determinism"].values()), {"bit_exact"})

    def test_an_unavailable_adapter_says_why_in_hello_and_refuses_every_run(self):
        a = Adapter("t", "1", dtypes=["f32"], unavailable="no GPU here")

        @a.op("token_dispatch")
        def dispatch(inputs, attrs, profile):
            raise AssertionError("must not be called")

        out = io.StringIO()
        a.serve(io.StringIO('{"type": "hello", "protocol": 1}\n{"type": "run", "id": 2, "op": "token_dispatch", '
                            '"dir": "/tmp", "inputs": {}}\n'), out)
        hello, refused = [json.loads(l) for l in out.getvalue().splitlines()]
        self.assertEqual(hello["unavailable"], "no GPU here")       # docs/protocol.md 3.1
        self.assertEqual(refused, {"type": "not_supported", "id": 2, "reason": "unavailable: no GPU here"})

    def test_malformed_requests_get_errors_and_the_loop_goes_on(self):
        answers = self.serve("this is not json", "[1, 2]", '{"type": "maybe", "id": 3}',
                             '{"type": "run", "id": 4}', '{"type": "hello", "protocol": 2}', '{"type": "bye"}',
                             '{"type": "hello", "protocol": 1}')
        self.assertEqual([a["type"] for a in answers], ["error", "error", "error", "error", "error", "bye"])
        self.assertIsNone(answers[0]["id"])
        self.assertEqual(answers[2]["id"], 3)
        self.assertIn("without dir, inputs", answers[3]["message"].replace("op, ", ""))
        self.assertIn("protocol 2 not supported", answers[4]["message"])

    def test_a_run_writes_outputs_inside_dir(self):
        d = tempfile.mkdtemp()
        try:
            np.save(os.path.join(d, "in.npy"), np.arange(6, dtype=np.float32).reshape(2, 3))
            req = {"type": "run", "id": 9, "op": "token_dispatch", "profile": "te-jax", "attrs": {}, "dir": d,
                   "inputs": {"inp": {"path": os.path.join(d, "in.npy"), "dtype": "f32", "shape": [2, 3]}}}
            [r] = self.serve(json.dumps(req))
            self.assertGreaterEqual(r.pop("millis"), 0)
            self.assertEqual(r, {"type": "result", "id": 9, "outputs": {"output": {"path": "out_output.npy", "dtype": "f32", "shape": [2, 3]}}})
            self.assertEqual(np.load(os.path.join(d, "out_output.npy")).tolist(), [[0, 1, 2], [3, 4, 5]])
            req["op"] = "token_combine"
            [r] = self.serve(json.dumps(req))
            self.assertEqual(r["type"], "not_supported")
        finally:
            shutil.rmtree(d)


class DeviceFaultTest(unittest.TestCase):
    """A CUDA fault that kills the device context ends the adapter (CRASH, a fresh backend next),
    never an `error` answer: seen on the H200, TE JAX's Triton dispatch faulted on a probe
    (CUDA_ERROR_ILLEGAL_ADDRESS) and every later call of that process failed with the same sticky
    error, each read as a refusal (reports/te/runs-32f20f6/README.md)."""

    JAX_FAULT = ("INTERNAL: CUDA error: Error recording CUDA event: CUDA_ERROR_ILLEGAL_ADDRESS: an illegal memory "
                 "access was encountered [executable_name='jit_token_dispatch']")

    def serve(self, error):
        a = Adapter("t", "1", dtypes=["f32"])
        exits = []

        @a.op("token_dispatch")
        def dispatch(inputs, attrs, profile):
            raise error

        def exit_(code):
            exits.append(code)
        a.exit = exit_
        out = io.StringIO()
        req = {"type": "run", "id": 5, "op": "token_dispatch", "dir": tempfile.gettempdir(), "inputs": {}}
        a.serve(io.StringIO('{"type": "hello", "protocol": 1}\n' + json.dumps(req) + "\n" + json.dumps(dict(req, id=6)) + "\n"), out)
        return [json.loads(l) for l in out.getvalue().splitlines()], exits

    def test_a_sticky_cuda_error_ends_the_process_without_an_answer(self):
        for error in (RuntimeError(self.JAX_FAULT), RuntimeError("CUDA error: an illegal memory access was encountered"),
                      RuntimeError("INTERNAL: CustomCall failed: jaxlib/gpu/triton_kernels.cc:271: operation "
                                   "cuEventSynchronize(stop) failed: CUDA_ERROR_INVALID_ADDRESS_SPACE")):
            answers, exits = self.serve(error)
            self.assertEqual([a["type"] for a in answers], ["hello"], error)   # no error answer, nothing after it
            self.assertEqual(exits, [adapter_module.EXIT_DEVICE_FAULT])

    def test_a_fault_named_by_the_cause_counts_too(self):
        try:
            try:
                raise RuntimeError("CUDA_ERROR_LAUNCH_FAILED: unspecified launch failure")
            except RuntimeError as inner:
                raise ValueError("while copying the output") from inner
        except ValueError as outer:
            self.assertEqual(adapter_module.device_fault(outer), "CUDA_ERROR_LAUNCH_FAILED")

    def test_an_ordinary_error_is_still_an_answer(self):
        for error in (AssertionError("token_dispatch requires num_out_tokens > 0, got 0"),
                      RuntimeError("CompilationError: type fp8e4nv not supported in this architecture")):
            answers, exits = self.serve(error)
            self.assertEqual([a["type"] for a in answers], ["hello", "error", "error"])
            self.assertEqual(exits, [])

    def test_the_real_process_exits_with_status_70(self):
        code = ("import sys; sys.path.insert(0, %r)\n"
                "from permcheck_adapter import Adapter\n"
                "a = Adapter('t', '1', dtypes=['f32'])\n"
                "@a.op('token_dispatch')\n"
                "def d(i, at, p): raise RuntimeError(%r)\n"
                "a.serve()\n") % (KIT, self.JAX_FAULT)
        req = {"type": "run", "id": 1, "op": "token_dispatch", "dir": tempfile.gettempdir(), "inputs": {}}
        p = subprocess.run([sys.executable, "-c", code], input='{"type": "hello", "protocol": 1}\n' + json.dumps(req) + "\n",
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 70, p.stderr)
        self.assertEqual([json.loads(l)["type"] for l in p.stdout.splitlines()], ["hello"])
        self.assertIn("device fault (CUDA_ERROR_ILLEGAL_ADDRESS in token_dispatch", p.stderr)


class DtypesTest(unittest.TestCase):
    def test_bf16_rounds_to_nearest_even(self):
        # hand-computed: 0x3F808000 is exactly halfway between bf16 0x3F80 and 0x3F81 -> even 0x3F80;
        # 0x3F818000 is halfway between 0x3F81 and 0x3F82 -> even 0x3F82; 0x3F808001 is above half -> 0x3F81
        x = np.array([0x3F808000, 0x3F818000, 0x3F808001, 0x7FC00001, 0xFF800000], dtype=np.uint32).view(np.float32)
        self.assertEqual(dtypes.f32_to_bf16(x).tolist(), [0x3F80, 0x3F82, 0x3F81, 0x7FC0, 0xFF80])

    def test_fp8_decodes(self):
        # e4m3: 0x38 = 1.0, 0x7E = 448 (largest finite), 0x01 = 2^-9; e5m2: 0x3C = 1.0
        self.assertEqual(dtypes.f8e4m3_to_f32(np.array([0x38, 0x7E, 0x01], dtype=np.uint8)).tolist(), [1.0, 448.0, 2.0 ** -9])
        self.assertTrue(np.isnan(dtypes.f8e4m3_to_f32(np.array([0x7F], dtype=np.uint8))[0]))
        self.assertEqual(dtypes.f8e5m2_to_f32(np.array([0x3C], dtype=np.uint8)).tolist(), [1.0])

    def test_tensor_refuses_wrong_storage(self):
        with self.assertRaises(ValueError):
            Tensor(np.zeros(3, dtype=np.float32), "bf16")


class NpyTest(unittest.TestCase):
    def test_files_are_byte_for_byte_what_numpy_save_writes(self):
        from permcheck_adapter import npy
        d = tempfile.mkdtemp()
        try:
            arrays = [np.zeros((3, 4), np.float32), np.arange(5, dtype=np.uint16), np.zeros((), np.int64),
                      np.ones((2, 3, 4), bool), np.zeros((0, 7), np.float16), np.arange(12, dtype=np.int32).reshape(3, 4).T,
                      np.zeros((1,) * 30, np.uint8), np.arange(3, dtype=np.float64)]
            for a in arrays:
                ref = io.BytesIO()
                np.save(ref, np.asarray(a, order="C"))
                path = os.path.join(d, "x.npy")
                npy.save(path, a)
                with open(path, "rb") as f:
                    self.assertEqual(f.read(), ref.getvalue(), "%s%s" % (a.dtype, a.shape))
                back = npy.load(path)
                self.assertEqual((back.dtype, back.shape), (a.dtype, a.shape))
                self.assertTrue((back == a).all())
                self.assertTrue(back.flags.writeable)
        finally:
            shutil.rmtree(d)

    def test_a_truncated_file_is_refused(self):
        from permcheck_adapter import npy
        d = tempfile.mkdtemp()
        try:
            path = os.path.join(d, "x.npy")
            npy.save(path, np.zeros((4, 4), np.float32))
            with open(path, "r+b") as f:
                f.truncate(os.path.getsize(path) - 3)
            with self.assertRaises(ValueError):
                npy.load(path)
        finally:
            shutil.rmtree(d)


class GeneratorTest(unittest.TestCase):
    def test_splitmix64_reference_values(self):
        r = SplitMix64(0)
        self.assertEqual([r.next() for _ in range(3)], [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F])

    def test_every_golden_hash_of_docs_generator_md(self):
        with open(os.path.join(REPO, "docs", "generator.md")) as f:
            block = f.read().split("<!-- goldens:begin -->")[1].split("<!-- goldens:end -->")[0]
        checked = 0
        inputs = attrs = None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("spec: "):
                inputs, attrs = generate(line[6:])
            elif line.startswith("attr "):
                k, v = line[5:].split("=")
                self.assertEqual(attrs[k], int(v))
                checked += 1
            elif inputs is not None and line and not line.startswith("`"):
                name, desc, sha = line.split()
                t = inputs[name]
                self.assertEqual(t.dtype + str(list(t.shape)).replace(" ", ""), desc)
                self.assertEqual(hashlib.sha256(t.data.tobytes()).hexdigest(), sha, name)
                checked += 1
        self.assertGreater(checked, 40)


class VectorsTest(unittest.TestCase):
    def test_numpy_port_passes_every_vector(self):
        out = io.StringIO()
        counts = check_vectors.check(VECTORS, check_vectors.load_port(PORT), out=out)
        self.assertEqual(counts.get("FAIL", 0) + counts.get("ERROR", 0), 0, out.getvalue())
        self.assertGreaterEqual(counts["PASS"], 40)
        self.assertGreaterEqual(counts["SKIP"], 8)

    def test_planted_bugs_are_caught_offline(self):
        for bug in ("zero-prob", "token-order", "pad-offsets", "combine-weights", "chunk-tail", "index-minus-one", "index-weights-sorted",
                    "maxtext-unstable-sort"):
            env = dict(os.environ, PERMCHECK_PLANT_BUG=bug)
            p = subprocess.run([sys.executable, os.path.join(KIT, "examples", "check_vectors.py"), VECTORS, "--port", PORT],
                               env=env, capture_output=True, text=True)
            self.assertEqual(p.returncode, 1, bug + ": " + p.stdout[-500:])
            self.assertIn("FAIL", p.stdout)

    def test_a_tampered_file_is_refused(self):
        d = tempfile.mkdtemp()
        try:
            dst = os.path.join(d, "v")
            shutil.copytree(VECTORS, dst)
            f = os.path.join(dst, "dispatch", "worked-example", "in_inp.npy")
            with open(f, "r+b") as fh:
                fh.seek(-1, 2)
                b = fh.read(1)
                fh.seek(-1, 2)
                fh.write(bytes([b[0] ^ 1]))
            with self.assertRaises(VectorError) as cm:
                load_vectors(dst)
            self.assertIn("SHA-256", str(cm.exception))
        finally:
            shutil.rmtree(d)


if __name__ == "__main__":
    unittest.main()
