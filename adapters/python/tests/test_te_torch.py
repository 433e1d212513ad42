"""CPU-side tests of the TransformerEngine PyTorch adapter (adapters/python/te_torch_port.py): what
its hello claims, that it answers in the protocol with a one-line reason when torch / triton / TE is
missing (never a traceback, never a pass), and that the stand-ins load TE's permutation files from a
source tree without running TE's package __init__ files. The GPU runs are in reports/te/.
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
KIT = os.path.join(HERE, "..")
PORT = os.path.join(KIT, "te_torch_port.py")
sys.path.insert(0, KIT)

from te_torch import capabilities, loader  # noqa: E402  (neither imports torch)

HAS_TORCH = importlib.util.find_spec("torch") is not None


def serve(env_extra, *lines):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERMCHECK_TE_")}
    env.update(env_extra)
    p = subprocess.run([sys.executable, PORT], input="".join(l + "\n" for l in lines), capture_output=True,
                       text=True, env=env, timeout=60)
    return p, [json.loads(l) for l in p.stdout.splitlines()]


HELLO = '{"type": "hello", "protocol": 1, "scratch": "/tmp"}'
RUN = '{"type": "run", "id": 7, "op": "token_dispatch", "profile": "torch-mask-pad", "dir": "/tmp", "inputs": {}}'
BYE = '{"type": "bye"}'


class ClaimsTest(unittest.TestCase):
    def test_hello_claims_te_torch_mask_map_ops_under_torch_mask_pad_only(self):
        caps = capabilities.make_adapter().hello()["capabilities"]
        # by hand from transformer_engine/pytorch/permutation.py (TE d0067d0da): mask-map permute /
        # unpermute / chunk sort and their backward passes; the expert-parallel helpers are JAX-only
        self.assertEqual(caps["ops"], ["token_dispatch", "token_combine", "token_dispatch_backward",
                                       "token_combine_backward", "sort_chunks_by_index", "sort_chunks_by_index_backward"])
        self.assertEqual(caps["profiles"], ["torch-mask-pad"])
        self.assertEqual(caps["dtypes"], ["f32", "bf16", "f16", "f8e4m3", "f8e5m2"])
        self.assertEqual(caps["features"], ["padding", "probs", "merging_probs"])

    def test_quantized_is_claimed_only_when_the_triton_permute_takes_scales(self):
        # TE d0067d0da's permute_with_mask_map(inp, row_id_map, probs, scale, pad_offsets, num_tokens, num_experts,
        # num_out_tokens, hidden_size, scale_hidden_dim) moves block scales (docs/spec.md F1-F4); an older one did not
        def with_scales(inp, row_id_map, probs, scale, pad_offsets, num_tokens, num_experts, num_out_tokens, hidden_size,
                        scale_hidden_dim):
            pass

        def without(inp, row_id_map, probs, num_tokens, num_experts, num_out_tokens, hidden_size):
            pass
        self.assertTrue(capabilities.scales_supported(with_scales))
        self.assertFalse(capabilities.scales_supported(without))
        self.assertFalse(capabilities.scales_supported(len))  # a builtin without a readable signature
        self.assertEqual(capabilities.make_adapter(quantized=True).hello()["capabilities"]["features"],
                         ["padding", "probs", "merging_probs", "quantized"])

    def test_block_size_switch_is_checked_before_anything_loads(self):
        self.assertIsNone(capabilities.pinned_block_size({}))
        self.assertEqual(capabilities.pinned_block_size({"PERMCHECK_TE_BLOCK_SIZE": "256"}), 256)
        for bad in ("0", "100", "-64", "big"):
            with self.assertRaises(capabilities.ConfigError):
                capabilities.pinned_block_size({"PERMCHECK_TE_BLOCK_SIZE": bad})


class UnavailableTest(unittest.TestCase):
    def assert_unavailable(self, env, needle):
        p, answers = serve(env, HELLO, RUN, BYE)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([a["type"] for a in answers], ["hello", "not_supported", "bye"])
        hello, refused = answers[0], answers[1]
        self.assertIn(needle, hello["unavailable"])
        self.assertEqual(hello["capabilities"]["profiles"], ["torch-mask-pad"])
        self.assertEqual(refused["id"], 7)
        self.assertIn(needle, refused["reason"])
        self.assertNotIn("Traceback", p.stderr)
        self.assertEqual(p.stderr.strip().splitlines(), ["te_torch_port: unavailable: " + hello["unavailable"]])

    @unittest.skipIf(HAS_TORCH, "torch is installed here")
    def test_without_torch_hello_says_unavailable_in_one_line(self):
        self.assert_unavailable({}, "torch and triton are needed: No module named 'torch'")

    def fake_torch(self, root, cuda):
        """Importable torch and triton that are neither: enough for the loader to get past them."""
        write(root, "torch/__init__.py", "__version__ = 'fake'\nclass version:\n    cuda = None\n"
              "class cuda:\n    @staticmethod\n    def is_available():\n        return %r\n"
              "    @staticmethod\n    def get_device_name(i):\n        return 'Fake GPU'\n" % cuda)
        write(root, "triton/__init__.py", "__version__ = 'fake'\n")
        return {"PYTHONPATH": root}

    def test_torch_without_a_gpu_is_one_line(self):
        with tempfile.TemporaryDirectory() as root:
            self.assert_unavailable(self.fake_torch(root, False), "no CUDA device visible to torch fake")

    def test_torch_without_te_is_one_line(self):
        with tempfile.TemporaryDirectory() as root:
            self.assert_unavailable(self.fake_torch(root, True), "cannot import transformer_engine.pytorch.permutation "
                                    "(installed; or set PERMCHECK_TE_PATH to a TE source tree): ModuleNotFoundError")

    def test_a_te_path_without_te_is_one_line(self):
        self.assert_unavailable({"PERMCHECK_TE_PATH": "/nonexistent/te"},
                                "PERMCHECK_TE_PATH=/nonexistent/te holds no transformer_engine/pytorch/permutation.py")

    def test_a_bad_block_size_is_one_line(self):
        self.assert_unavailable({"PERMCHECK_TE_BLOCK_SIZE": "100"}, "PERMCHECK_TE_BLOCK_SIZE=100 is not a positive power of two")


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


class SourceTreeTest(unittest.TestCase):
    def fake_tree(self, root):
        """A TE-shaped tree: package __init__ files that fail (as TE's do without its extension) and
        permutation files with the imports of TE d0067d0da's, ending in a marker."""
        for pkg in ("transformer_engine", "transformer_engine/common", "transformer_engine/pytorch"):
            write(root, pkg + "/__init__.py", "raise ImportError('TE package __init__ ran')\n")
        write(root, "transformer_engine/pytorch/permutation.py", "\n".join([
            "import transformer_engine_torch as tex",
            "import transformer_engine.pytorch.triton.permutation as triton_permutation",
            "from transformer_engine.pytorch.constants import TE_DType",
            "from transformer_engine.pytorch.quantized_tensor import QuantizedTensor, _quantized_tensor_passthrough_ops",
            "from transformer_engine.pytorch.tensor.float8_tensor import Float8Tensor",
            "from transformer_engine.pytorch.tensor.float8_blockwise_tensor import Float8BlockwiseQTensor",
            "from transformer_engine.pytorch.tensor.mxfp8_tensor import MXFP8Tensor", ""]))
        write(root, "transformer_engine/pytorch/triton/permutation.py",
              "from transformer_engine.common.triton.permutation import MARK\n")
        write(root, "transformer_engine/common/triton/permutation.py", "MARK = 42\n")

    def test_standins_import_the_trees_files_and_never_its_package_inits(self):
        with tempfile.TemporaryDirectory() as root:
            self.fake_tree(root)
            self.assertEqual(loader.source_tree({"PERMCHECK_TE_PATH": root}), os.path.abspath(root))
            script = "\n".join([
                "import sys; sys.path.insert(0, %r)" % KIT,
                "from te_torch import standins; standins.install(%r)" % root,
                "import transformer_engine.pytorch.permutation as p",
                "assert p.triton_permutation.MARK == 42",
                "assert p.__file__.startswith(%r)" % root,
                "try:\n    p.tex.moe_permute_fwd\nexcept RuntimeError as e:\n    print(e)"])
            out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn("TE's compiled extension is not loaded", out.stdout)

    def test_a_te_tree_serves_and_a_print_in_te_cannot_break_the_protocol(self):
        with tempfile.TemporaryDirectory() as tmp:
            tree, fake = os.path.join(tmp, "te"), os.path.join(tmp, "fake")
            self.fake_tree(tree)
            write(tree, "transformer_engine/common/triton/permutation.py", "print('stray output from TE')\nMARK = 42\n")
            write(tree, "COMMIT", "0123abc\n")
            env = UnavailableTest.fake_torch(None, fake, True)
            env["PERMCHECK_TE_PATH"] = tree
            p, answers = serve(env, HELLO, BYE)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual([a["type"] for a in answers], ["hello", "bye"])     # stdout held only protocol lines
            hello = answers[0]
            self.assertNotIn("unavailable", hello)
            self.assertEqual(hello["device"], "Fake GPU (torch fake)")
            self.assertEqual(hello["details"]["te_commit"], "0123abc")
            self.assertEqual(hello["details"]["te_source"], os.path.abspath(tree))
            self.assertEqual(hello["capabilities"]["ops"], capabilities.OPS)    # registered == claimed
            self.assertIn("stray output from TE", p.stderr)

    def test_copy_te_source_copies_the_files_and_records_the_commit(self):
        with tempfile.TemporaryDirectory() as tmp:
            src, dest = os.path.join(tmp, "te"), os.path.join(tmp, "copy")
            self.fake_tree(src)
            write(src, "LICENSE", "license\n")
            write(src, "build_tools/VERSION.txt", "9.9.9\n")
            git = ["git", "-C", src, "-c", "user.name=t", "-c", "user.email=t@t"]
            subprocess.run(["git", "init", "-q", src], check=True)
            subprocess.run(git + ["add", "."], check=True)
            subprocess.run(git + ["commit", "-qm", "fake TE"], check=True)
            head = subprocess.run(git + ["rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
            script = os.path.join(KIT, "te_torch", "copy_te_source.sh")
            subprocess.run([script, os.path.join(src, ".git"), "HEAD", dest], check=True, capture_output=True)
            for f in loader.TE_FILES:
                with open(os.path.join(src, f)) as a, open(os.path.join(dest, f)) as b:
                    self.assertEqual(a.read(), b.read(), f)
            self.assertEqual(loader.te_commit(dest), head)
            self.assertEqual(loader.te_version(dest), "9.9.9")
            self.assertFalse(os.path.exists(os.path.join(dest, "transformer_engine", "__init__.py")))


class SummaryTest(unittest.TestCase):
    def test_two_runs_of_the_same_cases_are_compared_case_by_case(self):
        sys.path.insert(0, os.path.join(KIT, "te_torch"))
        import summarize
        with tempfile.TemporaryDirectory() as tmp:
            for name, second in (("quick", "PASS"), ("quick-pinned", "FAIL")):
                cases = [{"id": "a", "op": "token_combine", "status": "PASS"},
                         {"id": "b", "op": "token_combine", "status": second, "violations": [{"rule": "C1"}]}]
                write(tmp, name + "/report.json", json.dumps({"verdict": "V", "cases": cases}))
            summarize.main(tmp, ["quick=" + os.path.join(tmp, "quick"), "quick-pinned=" + os.path.join(tmp, "quick-pinned"),
                                 "full=" + os.path.join(tmp, "missing")])
            with open(os.path.join(tmp, "report.json")) as f:
                js = json.load(f)
            self.assertEqual(js["agreement quick vs quick-pinned"], {"common": 2, "differ": ["b"]})
            self.assertEqual([c["id"] for c in js["quick-pinned"]["not_passing"]], ["b"])
            self.assertIsNone(js["full"])


if __name__ == "__main__":
    unittest.main()
