"""CPU-side tests of the TransformerEngine JAX adapter (adapters/python/te_jax_port.py): what its hello
claims, that it answers in the protocol with a one-line reason when jax / triton / a GPU / TE is missing
(never a traceback, never a pass), that the stand-ins load TE's JAX permutation files from a source tree
without TE's package __init__ files, and the pure-JAX path's translation (row_id_map and pad_offsets read
off TE's sort, the sort rebuilt for combine) against hand-computed layouts. jax, TE and the GPU are
replaced by small fakes where a test needs them; the GPU runs are in docs/adapters.md.
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
KIT = os.path.join(HERE, "..")
PORT = os.path.join(KIT, "te_jax_port.py")
sys.path.insert(0, KIT)

from te_jax import capabilities, loader  # noqa: E402  (neither imports jax)

HAS_JAX = importlib.util.find_spec("jax") is not None

HELLO = '{"type": "hello", "protocol": 1, "scratch": "/tmp"}'
RUN = '{"type": "run", "id": 7, "op": "token_dispatch", "profile": "te-jax", "dir": "/tmp", "inputs": {}}'
BYE = '{"type": "bye"}'


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(textwrap.dedent(text))


def serve(env_extra, *lines):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERMCHECK_TE_")}
    env.update(env_extra)
    p = subprocess.run([sys.executable, PORT], input="".join(l + "\n" for l in lines), capture_output=True,
                       text=True, env=env, timeout=60)
    return p, [json.loads(l) for l in p.stdout.splitlines()]


def fake_jax(root, gpu=True):
    """Importable jax, triton and ml_dtypes that are neither: numpy arrays stand for device arrays,
    enough for the loader and the adapter's own bookkeeping (no TE kernel runs on them)."""
    write(root, "jax/__init__.py", """
        import numpy as _np
        from . import numpy, sharding
        __version__ = "fake"
        class config:
            jax_enable_x64 = False
        class _Gpu:
            device_kind = "Fake GPU"
        def devices(kind=None):
            if not %r:
                raise RuntimeError("Unknown backend: 'gpu' requested, but no platforms that are instances of gpu are present")
            return [_Gpu()]
        def device_put(a):
            return _np.asarray(a)
        def device_get(a):
            return _np.asarray(a)
        """ % gpu)
    write(root, "jax/numpy.py", "from numpy import *\n")
    write(root, "jax/sharding.py", "class NamedSharding:\n    def __init__(self, *a, **k):\n        pass\n")
    write(root, "triton/__init__.py", "__version__ = 'fake'\n")
    write(root, "ml_dtypes/__init__.py", "import numpy as np\nbfloat16, float8_e4m3fn, float8_e5m2 = "
                                         "np.dtype('V2'), np.dtype('S1'), np.dtype('V1')\n")
    return {"PYTHONPATH": root}


def fake_tree(root, te_print=False):
    """A TE-shaped tree: package __init__ files that fail (as TE's do without its extension) and the JAX
    permutation files with the imports of TE d0067d0da's, ending in markers."""
    for pkg in ("transformer_engine", "transformer_engine/common", "transformer_engine/jax",
                "transformer_engine/jax/cpp_extensions", "transformer_engine/jax/triton_extensions"):
        write(root, pkg + "/__init__.py", "raise ImportError('TE package __init__ ran')\n")
    write(root, "transformer_engine/jax/permutation.py", """
        from transformer_engine.jax.triton_extensions.permutation import MARK
        _TRITON_PERMUTATION_AVAILABLE = True
        """)
    write(root, "transformer_engine/jax/triton_extensions/permutation.py", """
        import triton
        from transformer_engine.jax.cpp_extensions.base import REGISTERED
        from transformer_engine.jax.cpp_extensions.misc import get_padded_spec, NamedSharding
        from transformer_engine.jax.sharding import get_mesh_axis_size
        from transformer_engine.common.triton.permutation import KERNEL
        from .utils import triton_call_lowering
        MARK = (REGISTERED, KERNEL, get_padded_spec)
        """)
    write(root, "transformer_engine/jax/triton_extensions/utils.py", "from ..version_utils import V\n"
                                                                     "triton_call_lowering = V\n")
    write(root, "transformer_engine/jax/cpp_extensions/base.py", """
        import transformer_engine_jax
        if hasattr(transformer_engine_jax, "get_ep_instance_state_type_id"):   # as TE's base.py probes it
            raise ImportError("the stand-in claims an EP state type")
        REGISTERED = dict(transformer_engine_jax.registrations())
        """)
    write(root, "transformer_engine/jax/sharding.py", "def get_padded_spec(spec, ndim):\n"
                                                      "    return ('padded', spec, ndim)\n"
                                                      "def get_mesh_axis_size(axis, mesh=None):\n    return 1\n")
    write(root, "transformer_engine/jax/version_utils.py", "V = 'version_utils'\n")
    write(root, "transformer_engine/common/triton/permutation.py",
          ("print('stray output from TE')\n" if te_print else "") + "KERNEL = 'kernel'\n")


class ClaimsTest(unittest.TestCase):
    def test_hello_claims_every_op_under_te_jax_only(self):
        caps = capabilities.make_adapter().hello()["capabilities"]
        # by hand from transformer_engine/jax/permutation.py (TE d0067d0da): token_dispatch /
        # token_combine / sort_chunks_by_index with their VJPs, and the four EP helpers of its __all__
        self.assertEqual(caps["ops"], ["token_dispatch", "token_combine", "token_dispatch_backward",
                                       "token_combine_backward", "sort_chunks_by_index", "sort_chunks_by_index_backward",
                                       "compute_ragged_all_to_all_params", "compute_reverse_ragged_all_to_all_params",
                                       "local_permute_after_a2a", "local_unpermute_before_a2a"])
        self.assertEqual(caps["profiles"], ["te-jax"])
        self.assertEqual(caps["dtypes"], ["f32", "bf16", "f16", "f8e4m3", "f8e5m2"])
        self.assertEqual(caps["features"], ["padding", "probs", "merging_probs"])

    def test_the_path_switch_is_triton_by_default_and_checked(self):
        self.assertEqual(capabilities.te_path({}), "triton")
        self.assertEqual(capabilities.te_path({"PERMCHECK_TE_JAX_PATH": " Pure "}), "pure")
        with self.assertRaises(capabilities.ConfigError) as e:
            capabilities.te_path({"PERMCHECK_TE_JAX_PATH": "xla"})
        self.assertEqual(str(e.exception), "PERMCHECK_TE_JAX_PATH=xla is neither triton nor pure")


class UnavailableTest(unittest.TestCase):
    def assert_unavailable(self, env, needle):
        p, answers = serve(env, HELLO, RUN, BYE)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([a["type"] for a in answers], ["hello", "not_supported", "bye"])
        hello, refused = answers[0], answers[1]
        self.assertIn(needle, hello["unavailable"])
        self.assertEqual(hello["capabilities"]["profiles"], ["te-jax"])
        self.assertEqual(refused["id"], 7)
        self.assertIn(needle, refused["reason"])
        self.assertNotIn("Traceback", p.stderr)
        self.assertEqual(p.stderr.strip().splitlines(), ["te_jax_port: unavailable: " + hello["unavailable"]])

    @unittest.skipIf(HAS_JAX, "jax is installed here")
    def test_without_jax_hello_says_unavailable_in_one_line(self):
        self.assert_unavailable({}, "jax and triton are needed: No module named 'jax'")

    def test_jax_without_a_gpu_is_one_line(self):
        with tempfile.TemporaryDirectory() as root:
            self.assert_unavailable(fake_jax(root, gpu=False), "no GPU visible to jax fake: RuntimeError: Unknown backend")

    def test_jax_without_te_is_one_line(self):
        with tempfile.TemporaryDirectory() as root:
            self.assert_unavailable(fake_jax(root), "cannot import transformer_engine.jax.permutation "
                                    "(installed; or set PERMCHECK_TE_PATH to a TE source tree): ModuleNotFoundError")

    def test_a_te_path_without_te_is_one_line(self):
        self.assert_unavailable({"PERMCHECK_TE_PATH": "/nonexistent/te"},
                                "PERMCHECK_TE_PATH=/nonexistent/te holds no transformer_engine/jax/permutation.py")

    def test_a_bad_path_switch_is_one_line(self):
        self.assert_unavailable({"PERMCHECK_TE_JAX_PATH": "xla"}, "PERMCHECK_TE_JAX_PATH=xla is neither triton nor pure")

    def test_a_te_without_its_triton_module_is_one_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            tree = os.path.join(tmp, "te")
            fake_tree(tree)
            # TE's permutation.py swallows the ImportError of its Triton module; the adapter says it
            write(tree, "transformer_engine/jax/permutation.py", "_TRITON_PERMUTATION_AVAILABLE = False\n")
            write(tree, "transformer_engine/jax/triton_extensions/permutation.py", "import no_such_module\n")
            env = fake_jax(os.path.join(tmp, "fake"))
            env["PERMCHECK_TE_PATH"] = tree
            self.assert_unavailable(env, "TE's Triton permutation module does not load from %s: "
                                    "ModuleNotFoundError: No module named 'no_such_module'" % os.path.abspath(tree))


class SourceTreeTest(unittest.TestCase):
    def test_standins_import_the_trees_files_and_never_its_package_inits(self):
        with tempfile.TemporaryDirectory() as tmp:
            tree = os.path.join(tmp, "te")
            fake_tree(tree)
            self.assertEqual(loader.source_tree({"PERMCHECK_TE_PATH": tree}), os.path.abspath(tree))
            script = "\n".join([
                "import sys; sys.path.insert(0, %r)" % KIT,
                "from te_jax import standins; standins.install(%r)" % tree,
                "import transformer_engine.jax.permutation as p",
                "registered, kernel, spec = p.MARK",
                "assert registered == {} and kernel == 'kernel', p.MARK",
                "class Arg:\n    sharding, ndim = None, 3",
                "assert spec(Arg()) == ('padded', None, 3), spec(Arg())",   # TE's sharding.py, via the stand-in
                "assert p.__file__.startswith(%r)" % os.path.abspath(tree),
                "import transformer_engine_jax as ext",
                "try:\n    ext.get_device_compute_capability\nexcept AttributeError as e:\n    print(e)"])
            env = dict(os.environ, **fake_jax(os.path.join(tmp, "fake")))
            out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn("TE's compiled extension is not loaded", out.stdout)

    def test_a_te_tree_serves_both_paths_and_a_print_in_te_cannot_break_the_protocol(self):
        for path in ("triton", "pure"):
            with tempfile.TemporaryDirectory() as tmp:
                tree = os.path.join(tmp, "te")
                fake_tree(tree, te_print=True)
                write(tree, "COMMIT", "0123abc\n")
                env = fake_jax(os.path.join(tmp, "fake"))
                env.update(PERMCHECK_TE_PATH=tree, PERMCHECK_TE_JAX_PATH=path)
                p, answers = serve(env, HELLO, BYE)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertEqual([a["type"] for a in answers], ["hello", "bye"])     # stdout held only protocol lines
                hello = answers[0]
                self.assertNotIn("unavailable", hello)
                self.assertEqual(hello["device"], "Fake GPU (jax fake)")
                self.assertEqual(hello["details"]["te_commit"], "0123abc")
                self.assertEqual(hello["details"]["te_jax_path"], path)
                self.assertEqual(hello["details"]["te_source"], os.path.abspath(tree))
                self.assertEqual(hello["capabilities"]["ops"], capabilities.OPS)    # registered == claimed
                self.assertIn("stray output from TE", p.stderr)

    def test_copy_te_source_copies_the_jax_files_when_the_commit_has_them(self):
        with tempfile.TemporaryDirectory() as tmp:
            src, dest = os.path.join(tmp, "te"), os.path.join(tmp, "copy")
            fake_tree(src)
            for f in ("transformer_engine/pytorch/permutation.py", "transformer_engine/pytorch/triton/permutation.py",
                      "LICENSE", "build_tools/VERSION.txt"):
                write(src, f, "# %s\n" % f)
            git = ["git", "-C", src, "-c", "user.name=t", "-c", "user.email=t@t"]
            subprocess.run(["git", "init", "-q", src], check=True)
            subprocess.run(git + ["add", "."], check=True)
            subprocess.run(git + ["commit", "-qm", "fake TE"], check=True)
            script = os.path.join(KIT, "te_torch", "copy_te_source.sh")
            subprocess.run([script, os.path.join(src, ".git"), "HEAD", dest], check=True, capture_output=True)
            for f in loader.TE_FILES:
                with open(os.path.join(src, f)) as a, open(os.path.join(dest, f)) as b:
                    self.assertEqual(a.read(), b.read(), f)
            self.assertEqual(loader.source_tree({"PERMCHECK_TE_PATH": dest}), dest)
            self.assertFalse(os.path.exists(os.path.join(dest, "transformer_engine", "jax", "__init__.py")))


# The pure path's translation with a fake TE whose pure_jax_token_dispatch returns the sort TE's stable
# argsort makes for the case below (worked by hand from permutation.py at d0067d0da), and whose combine
# records the PureJaxPermState it is given. T=3, E=2, k=1: token 0 -> expert 1, 1 -> 0, 2 -> 1.
#   unpadded: flattened selected [1, 0, 1]; argsort -> sorted_indices [1, 0, 2]; group_sizes [1, 2]
#   align 2:  + placeholders [0 (expert 0 needs 1), 1 (overflow to E-1)] -> [1, 0, 1, 0, 1];
#             sorted_indices [1, 3, 0, 2, 4]; group_sizes [2, 2]
# The canonical table (docs/spec.md D1, M2, P1) gives dst = [t0: 1, t1: 0, t2: 2], pad_offsets [0, 1],
# padded buffer rows [x1, 0, x0, x2] and W = ((3 + 2·1) // 2)·2 = 4 rows (P3).
PURE_DRIVER = """
import json, sys
import numpy as np
sys.path.insert(0, %(kit)r)
from permcheck_adapter import Adapter, Tensor
from te_jax import pure_ops

SORTS = {0: ([1, 0, 2], [1, 2]), 2: ([1, 3, 0, 2, 4], [2, 2])}
seen = {}

class State:
    def __init__(self, sorted_indices, num_real_tokens, padding_size):
        self.sorted_indices, self.num_real_tokens, self.padding_size = sorted_indices, num_real_tokens, padding_size

class FakeTe:
    PureJaxPermState = State
    @staticmethod
    def routing_map_to_selected_experts(probs, routing, k):
        sel = np.argsort(np.asarray(routing), axis=-1, kind="stable")[..., -k:]
        return sel, np.take_along_axis(np.asarray(probs), sel, axis=-1)
    @staticmethod
    def pure_jax_token_dispatch(x, selected, E, k, align_size=0):
        order, sizes = SORTS[align_size]
        rows = np.concatenate([np.asarray(x), np.zeros((E * max(align_size - 1, 0), x.shape[1]), x.dtype)])
        return rows[order], State(np.array(order), 3, len(order) - 3), np.array(sizes, np.int32)
    @staticmethod
    def pure_jax_token_combine(x, state, weights, k, batch, seq):
        seen["state"] = [np.asarray(state.sorted_indices).tolist(), state.num_real_tokens, state.padding_size]
        return np.zeros((batch, seq, x.shape[1]), x.dtype)

adapter = Adapter("fake", "0")
pure_ops.register(adapter, FakeTe)
x = Tensor(np.array([[10.0], [11.0], [12.0]], np.float32), "f32")
R = Tensor(np.array([[0, 1], [1, 0], [0, 1]], np.int32), "i32")
out = {}
for A in (None, 2):
    attrs = {"num_out_tokens": 3} if A is None else {"num_out_tokens": 3, "align_size": A}
    res = adapter.functions["token_dispatch"]({"inp": x, "routing_map": R}, attrs, "te-jax")
    out[str(A)] = {k: v.data.tolist() for k, v in res.items()}
    inputs = {"inp": res["output"], "row_id_map": res["row_id_map"]}
    if "pad_offsets" in res:
        inputs["pad_offsets"] = res["pad_offsets"]
    adapter.functions["token_combine"](inputs, {}, "te-jax")
    out[str(A)]["combine_state"] = seen["state"]
print(json.dumps(out))
"""


class PureTranslationTest(unittest.TestCase):
    def run_driver(self):
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, **fake_jax(tmp))
            p = subprocess.run([sys.executable, "-c", PURE_DRIVER % {"kit": KIT}], capture_output=True, text=True,
                               timeout=60, env=env)
            self.assertEqual(p.returncode, 0, p.stderr)
            return json.loads(p.stdout)

    def test_row_id_map_and_pad_offsets_are_read_off_tes_sort(self):
        out = self.run_driver()
        for A in ("None", "2"):
            # M2-M4: dst in column 0, the expert in column E, n(t) in column 2E; -1 in the unused slots
            self.assertEqual(out[A]["row_id_map"], [[1, -1, 1, -1, 1], [0, -1, 0, -1, 1], [2, -1, 1, -1, 1]], A)
        self.assertEqual(out["None"]["output"], [[11.0], [10.0], [12.0]])
        self.assertEqual(out["None"]["tokens_per_expert"], [1, 2])
        self.assertNotIn("pad_offsets", out["None"])
        self.assertEqual(out["2"]["output"], [[11.0], [0.0], [10.0], [12.0]])    # TE's 5 rows cut to W = 4
        self.assertEqual(out["2"]["tokens_per_expert"], [2, 2])
        self.assertEqual(out["2"]["pad_offsets"], [0, 1])

    def test_combine_rebuilds_the_sort_dispatch_made(self):
        out = self.run_driver()
        self.assertEqual(out["None"]["combine_state"], [[1, 0, 2], 3, 0])
        # the row TE's placeholder 4 held was cut with the tail; the untargeted row 1 plays placeholder 3
        self.assertEqual(out["2"]["combine_state"], [[1, 3, 0, 2], 3, 1])

    def test_tokens_with_different_expert_counts_are_not_supported(self):
        script = "\n".join([
            "import sys; sys.path.insert(0, %r)" % KIT,
            "from te_jax import pure_ops",
            "from permcheck_adapter import NotSupported",
            "try:\n    pure_ops.top_k([1, 2, 1])\nexcept NotSupported as e:\n    print(e)",
            "try:\n    pure_ops.top_k([0, 0])\nexcept NotSupported as e:\n    print(e)",
            "print(pure_ops.top_k([2, 2]))"])
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, **fake_jax(tmp))
            p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.splitlines(), [
            "TE's pure-JAX path routes every token to exactly k >= 1 experts (selected_experts[T, k]); "
            "this routing has [1, 2] experts per token",
            "TE's pure-JAX path routes every token to exactly k >= 1 experts (selected_experts[T, k]); "
            "this routing has [0] experts per token", "2"])


def te_tree():
    """A TE source tree for the real-JAX tests: PERMCHECK_TE_PATH, else the repository's .te/ copy."""
    for root in (os.environ.get("PERMCHECK_TE_PATH", ""), os.path.join(KIT, "..", "..", ".te")):
        if root and os.path.isfile(os.path.join(root, loader.TE_FILES[0])):
            return os.path.abspath(root)
    return None


# TE's pure-JAX dispatch / combine and its EP parameter helpers are plain XLA, so they run on JAX's CPU
# backend; the port file registers them as te_jax_port.py does, minus the loader's GPU check.
CPU_PORT = """
import sys
sys.path.insert(0, %(kit)r)
from te_jax import capabilities, chunk_ops, pure_ops, standins
standins.install(%(tree)r)
import transformer_engine.jax.permutation as te
adapter = capabilities.make_adapter(device="cpu")
pure_ops.register(adapter, te)
chunk_ops.register(adapter, te)
"""


@unittest.skipUnless(HAS_JAX, "jax is not installed here: TE's pure-JAX path cannot run")
@unittest.skipUnless(te_tree(), "no TE source tree (PERMCHECK_TE_PATH or .te/, te_torch/copy_te_source.sh)")
class RealJaxOnCpuTest(unittest.TestCase):
    def test_tes_pure_path_and_ep_helpers_pass_their_vectors(self):
        with tempfile.TemporaryDirectory() as tmp:
            write(tmp, "cpu_port.py", CPU_PORT % {"kit": KIT, "tree": te_tree()})
            ids = ["ep/ragged-params", "ep/reverse-ragged-params", "dispatch/all-routed",
                   "generated/combine-merging-probs-f16"]
            for vid in ids:
                p = subprocess.run([sys.executable, os.path.join(KIT, "examples", "check_vectors.py"),
                                    os.path.join(KIT, "..", "..", "vectors"), "--port", os.path.join(tmp, "cpu_port.py"),
                                    "--only", vid], capture_output=True, text=True, timeout=120,
                                   env=dict(os.environ, JAX_PLATFORMS="cpu"))
                self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
                self.assertIn("PASS          " + vid, p.stdout)


if __name__ == "__main__":
    unittest.main()
