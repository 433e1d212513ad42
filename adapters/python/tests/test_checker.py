"""The offline vector checker (examples/check_vectors.py) judges as the Java engine does (issue 9):
the port's claims (Capabilities.whyNot), the empty sums (EmptySumCheck), the specified masks, the
set's refusals and pin (VectorSet), and never a traceback. Expected wording is the Java side's
(quoted from spi/.../Capabilities.java, engine/.../vectors/VectorSet.java); expected values are
computed by hand in each test.
"""
import contextlib
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import types
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
KIT = os.path.join(HERE, "..")
REPO = os.path.abspath(os.path.join(KIT, "..", ".."))
sys.path.insert(0, KIT)
sys.path.insert(0, os.path.join(KIT, "examples"))

from permcheck_adapter import Adapter, NotSupported, Tensor  # noqa: E402
from permcheck_adapter.claims import ClaimError, Claims  # noqa: E402
from permcheck_adapter.pin import pin_line  # noqa: E402
from permcheck_adapter.vectors import VectorError, judge, load_vectors  # noqa: E402
import check_vectors  # noqa: E402

VECTORS = os.path.join(REPO, "vectors")
PORT = os.path.join(KIT, "examples", "numpy_port.py")


def f32(*values):
    return Tensor(np.array(values, dtype=np.float32), "f32")


def hello(ops=("token_dispatch",), dtypes=("f32",), profiles=("te-jax",), features=()):
    return {"type": "hello", "protocol": 1, "name": "t", "capabilities": {"ops": list(ops), "dtypes": list(dtypes), "profiles": list(profiles), "features": list(features)}}


class ClaimsTest(unittest.TestCase):
    """Capabilities.whyNot: op, profile, payload dtype, padding, probs, merging probs, in that order."""

    def test_each_claim_in_the_engines_order_and_words(self):
        c = Claims.of_hello(hello(ops=["token_dispatch", "token_combine", "sort_chunks_by_index"]))
        inp = {"inp": f32(1.0)}
        self.assertIsNone(c.why_not("token_dispatch", "te-jax", inp, {}))
        self.assertEqual(c.why_not("token_combine_backward", "torch-mask-pad", {}, {}), "op token_combine_backward not implemented")
        self.assertEqual(c.why_not("token_dispatch", "torch-mask-pad", inp, {}), "profile torch-mask-pad not implemented")
        # chunk sort means the same in every profile: judged for a port of any profile
        self.assertIsNone(c.why_not("sort_chunks_by_index", "torch-mask-pad", inp, {}))
        self.assertEqual(c.why_not("token_dispatch", "te-jax", {"inp": Tensor(np.zeros(1, np.uint16), "bf16")}, {}),
                         "dtype bf16 not implemented")
        self.assertEqual(c.why_not("token_combine", "te-jax", {"grad_output": Tensor(np.zeros(1, np.float16), "f16")}, {}),
                         "dtype f16 not implemented")
        self.assertEqual(c.why_not("token_dispatch", "te-jax", inp, {"align_size": 4}),
                         "padding (align_size / pad_offsets) not implemented")
        self.assertEqual(c.why_not("token_combine", "te-jax", dict(inp, pad_offsets=Tensor(np.zeros(1, np.int32), "i32")), {}),
                         "padding (align_size / pad_offsets) not implemented")
        # probs may be any float dtype: only the payload's dtype is a claim
        self.assertEqual(c.why_not("token_dispatch", "te-jax", dict(inp, probs=Tensor(np.zeros(1, np.uint16), "bf16")), {}),
                         "probs not implemented")
        self.assertEqual(c.why_not("token_combine", "te-jax", dict(inp, merging_probs=f32(0.5)), {}), "merging_probs not implemented")
        # the first reason wins: a bf16 padded call of an unclaimed profile is a profile problem
        self.assertEqual(c.why_not("token_dispatch", "torch-mask-pad", {"inp": Tensor(np.zeros(1, np.uint16), "bf16")}, {"align_size": 4}),
                         "profile torch-mask-pad not implemented")

    def test_no_profile_leaves_even_chunk_sort_out(self):
        c = Claims.of_hello(hello(ops=["sort_chunks_by_index"], profiles=[]))
        self.assertEqual(c.why_not("sort_chunks_by_index", "te-jax", {"inp": f32(1.0)}, {}), "no profile implemented")

    def test_spellings_the_engine_accepts(self):
        c = Claims.of_hello(hello(ops=["DISPATCH"], dtypes=["bfloat16"], profiles=["TE-JAX"], features=["Merging_Probs"]))
        self.assertEqual((c.ops, c.dtypes, c.profiles, c.features), ({"token_dispatch"}, {"bf16"}, {"te-jax"}, {"merging_probs"}))

    def test_a_hello_the_engine_refuses(self):
        for h, want in ((hello(features=["fused"]), "protocol: hello claims unknown feature 'fused' (known: padding, probs, merging_probs, index_form, quantized)"),
                        (hello(ops=["token_scatter"]), "protocol: hello claims unknown op 'token_scatter'"),
                        (dict(hello(), capabilities={"ops": [], "dtypes": "f32", "profiles": [], "features": []}),
                         "protocol: hello capabilities without a 'dtypes' array"),
                        # every entry is a string before any is looked up
                        (hello(features=["fused", 5]), "protocol: hello capabilities 'features' holds a non-string"),
                        ({"protocol": 1, "name": "t"}, "protocol: hello without a 'capabilities' object"),
                        ({"protocol": "1", "name": "t"}, "protocol: hello without an integer 'protocol'"),
                        ({"protocol": 1, "name": ""}, "protocol: hello without a 'name'"),
                        # R1's declared levels: an unknown level or op is refused with the engine's words
                        (dict(hello(), determinism={"token_dispatch": "bitwise"}),
                         "protocol: hello declares determinism of token_dispatch 'bitwise' (known: bit_exact, group_order, multiset)"),
                        (dict(hello(), determinism={"token_shuffle": "bit_exact"}),
                         "protocol: hello declares determinism for unknown op 'token_shuffle'")):
            with self.assertRaises(ClaimError) as cm:
                Claims.of_hello(h)
            self.assertEqual(str(cm.exception), want)

    def test_another_protocol_version_is_never_judged(self):
        c = Claims.of_hello(dict(hello(), protocol=2))
        self.assertEqual(c.why_not("token_dispatch", "te-jax", {"inp": f32(1.0)}, {}),
                         "backend unavailable: protocol version 2 not supported; this engine speaks 1")

    def test_an_unavailable_port_is_never_judged(self):
        c = Claims.of_hello(dict(hello(), unavailable="no GPU\nhere"))
        self.assertEqual(c.why_not("token_dispatch", "te-jax", {"inp": f32(1.0)}, {}), "backend unavailable: no GPU here")


def combine_vector(map_rows, expected, specified=None):
    """A hand-made token_combine vector over H = 2: row_id_map rows for E = 1 ([row, expert, n])."""
    m = Tensor(np.array(map_rows, dtype=np.int32), "i32")
    exp = Tensor(np.array(expected, dtype=np.float32), "f32")
    ref = Tensor(exp.data.astype(np.float64), "f64")
    spec = {} if specified is None else {"output": Tensor(np.array(specified, dtype=bool), "bool")}
    return types.SimpleNamespace(op="token_combine", inputs={"inp": Tensor(np.ones((1, 2), np.float32), "f32"), "row_id_map": m},
                                 attrs={}, expected={"output": exp}, specified=spec, reference={"output": ref})


def bits(*words):
    return Tensor(np.array(words, dtype=np.uint32).view(np.float32).reshape(-1, 2), "f32")


class EmptySumTest(unittest.TestCase):
    """C3: a token routed nowhere (n = 0 in row_id_map) combines to exactly +0.0, bits 0."""

    # token 0 routed to expert 0 at row 0 (sum 1.0); token 1 routed nowhere
    MAP = [[0, 0, 1], [-1, -1, 0]]
    WANT = [[1.0, 1.0], [0.0, 0.0]]

    def test_plus_zero_passes(self):
        self.assertEqual(judge(combine_vector(self.MAP, self.WANT), {"output": bits(0x3F800000, 0x3F800000, 0, 0)}), [])

    def test_negative_zero_fails_citing_c3(self):
        problems = judge(combine_vector(self.MAP, self.WANT), {"output": bits(0x3F800000, 0x3F800000, 0x80000000, 0)})
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("[C3]", problems[0])
        self.assertIn("at [1, 0]: expected 0.0 (0x0), got -0.0 (0x80000000) (1 position(s) in all)", problems[0])

    def test_a_denormal_within_any_tolerance_fails_too(self):
        problems = judge(combine_vector(self.MAP, self.WANT), {"output": bits(0x3F800000, 0x3F800000, 0, 1)})
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("[C3]", problems[0])

    def test_negative_zero_where_a_term_is_summed_is_within_tolerance(self):
        # token 0 routed, its sum 0.0: -0.0 is a C5 answer, not an empty sum
        self.assertEqual(judge(combine_vector(self.MAP, [[0.0, 0.0], [0.0, 0.0]]), {"output": bits(0x80000000, 0, 0, 0)}), [])

    def test_unspecified_rows_of_a_reduction_are_never_compared(self):
        # both tokens routed (sums 1.0), row 1 unspecified: NaN there is nobody's business
        v = combine_vector([[0, 0, 1], [1, 0, 1]], [[1.0, 1.0], [1.0, 1.0]], specified=[True, False])
        self.assertEqual(judge(v, {"output": bits(0x3F800000, 0x3F800000, 0x7FC00000, 0x7FC00000)}), [])
        # ... while the specified row still is: 2.0 is outside the f32 tolerance of 1.0
        self.assertEqual(len(judge(v, {"output": bits(0x40000000, 0x3F800000, 0, 0)})), 1)
        # an unspecified empty sum is not judged either
        v = combine_vector(self.MAP, self.WANT, specified=[True, False])
        self.assertEqual(judge(v, {"output": bits(0x3F800000, 0x3F800000, 0x80000000, 0x80000000)}), [])


class PortCallTest(unittest.TestCase):
    def vectors(self, adapter, only):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err):
            counts = check_vectors.check(VECTORS, adapter, out=out, only=only)
        return counts, out.getvalue(), err.getvalue()

    def test_a_port_that_raises_is_one_error_line_without_traceback(self):
        a = Adapter("raising", "1", dtypes=["f32"], features=["probs"])

        @a.op("token_dispatch")
        def dispatch(inputs, attrs, profile):
            raise ValueError("shape mismatch\n  deep inside numpy")

        counts, out, err = self.vectors(a, "dispatch/worked-example")
        line = [l for l in out.splitlines() if " dispatch/worked-example " in l][0]
        self.assertTrue(line.startswith("ERROR"), line)
        self.assertTrue(line.endswith("ValueError: shape mismatch"), line)
        self.assertEqual(err, "")

    def test_an_output_the_op_does_not_have_is_an_error_as_through_the_protocol(self):
        a = Adapter("extra", "1", dtypes=["f32"], features=["merging_probs"])
        real = check_vectors.load_port(PORT).functions["token_combine"]

        @a.op("token_combine")
        def combine(inputs, attrs, profile):
            return dict(real(inputs, attrs, profile), row_id_map=inputs["row_id_map"])

        counts, out, _ = self.vectors(a, "combine/worked-example")
        self.assertEqual(counts, {"ERROR": 1}, out)
        self.assertIn("unknown output 'row_id_map' for token_combine", out)

    def test_a_call_outside_the_claims_is_not_supported_and_never_made(self):
        calls = []
        a = Adapter("narrow", "1", dtypes=["f32"], profiles=["te-jax"], features=[])

        @a.op("token_combine")
        def combine(inputs, attrs, profile):
            calls.append(sorted(inputs))
            raise NotSupported("should not be asked")

        counts, out, _ = self.vectors(a, "combine/worked-example")
        # combine/worked-example is f32, te-jax, with merging_probs (its case.json)
        self.assertIn("NOT_SUPPORTED combine/worked-example  [C1,C2,C3,C5]  merging_probs not implemented", out)
        self.assertNotIn(["inp", "merging_probs", "row_id_map"], calls)

    def test_the_port_cannot_change_the_inputs_it_is_judged_against(self):
        a = Adapter("vandal", "1", dtypes=["f32"], features=["merging_probs"])
        real = check_vectors.load_port(PORT).functions["token_combine"]

        @a.op("token_combine")
        def combine(inputs, attrs, profile):
            out = real(inputs, attrs, profile)
            inputs["row_id_map"].data[:] = 0  # would make every token look routed to the empty-sum judge
            return out

        counts, out, _ = self.vectors(a, "combine/worked-example")
        self.assertEqual(counts, {"PASS": 1}, out)


class RunRulesTest(unittest.TestCase):
    """R1 and R2 as the engine's run makes them: the same call twice, a dispatch combined back."""

    def setUp(self):
        self.numpy = check_vectors.load_port(PORT).functions

    def vectors(self, adapter, vid):
        """(verdict, line) of vector `vid` alone (--only matches substrings: worked-example-padded too)."""
        out = io.StringIO()
        check_vectors.check(VECTORS, adapter, out=out, only=vid)
        line = [l for l in out.getvalue().splitlines() if l.split()[1] == vid][0]
        return line.split()[0], line

    def test_r1_against_the_declared_level(self):
        """The engine's DeterminismCheck: bit_exact compares sums, group_order leaves them to C5; multiset compares an
        align group as a multiset. By hand: topk_ids [[1, 0], [1, 0]], flat slots 0..3, block 2, sentinel 4: e0 {1, 3} rows 0-1,
        e1 {0,2} rows 2-3."""
        from permcheck_adapter.run_rules import determinism_problems
        everything = lambda name, shape: np.ones(shape, dtype=bool)
        sums = {"output": Tensor(np.array([[1.0, 2.0]], dtype=np.float32), "f32")}
        off = {"output": Tensor(np.array([[1.0, np.nextafter(np.float32(2.0), np.float32(3.0))]], dtype=np.float32), "f32")}
        [p] = determinism_problems("c", "token_combine", sums, everything, sums, off, "bit_exact")
        self.assertIn("[R1] declared bit_exact: two runs of the same call differ (1 of 1 specified rows)", p)
        self.assertEqual(determinism_problems("c", "token_combine", sums, everything, sums, off, "group_order"), [])
        inputs = {"topk_ids": Tensor(np.array([[1, 0], [1, 0]], dtype=np.int32), "i32")}
        attrs = {"block_size": 2, "num_experts": 2}
        ids = lambda *v: {"sorted_token_ids": Tensor(np.array(v, dtype=np.int32), "i32")}
        first, reordered, other = ids(1, 3, 0, 2, 4, 4), ids(3, 1, 0, 2, 4, 4), ids(1, 2, 0, 3, 4, 4)
        self.assertEqual(determinism_problems("a", "moe_align_block_size", first, everything, first, reordered, "multiset", inputs, attrs), [])
        [p] = determinism_problems("a", "moe_align_block_size", first, everything, first, reordered, "group_order", inputs, attrs)
        self.assertIn("declared group_order", p)
        [p] = determinism_problems("a", "moe_align_block_size", first, everything, first, other, "multiset", inputs, attrs)
        self.assertIn("(2 of 2 specified rows): first at output 'sorted_token_ids' expert 0's group (rows 0..2)", p)

    def test_r1_multiset_of_ep_slabs(self):
        """te_ep_dispatch (docs/spec.md Y1) under multiset: a slab in another order on the second run passes, an entry
        moved to another slab fails. By hand: S = 1, E = 2, topk_idx [[0], [0], [1]], C = 3: expert 0's slab rows 0-1,
        expert 1's row 2."""
        from permcheck_adapter.run_rules import determinism_problems
        everything = lambda name, shape: np.ones(shape, dtype=bool)
        inputs = {"topk_idx": Tensor(np.array([[0], [0], [1]], dtype=np.int64), "i64")}
        attrs = {"num_ranks": 1, "num_experts": 2, "alignment": 0, "recv_capacity": 3}
        def out(rows, weights):
            return {"recv_tokens": Tensor(np.array(rows, dtype=np.float32), "f32"),
                    "recv_topk_weights": Tensor(np.array(weights, dtype=np.float32), "f32"),
                    "recv_tokens_per_expert": Tensor(np.array([2, 1], dtype=np.int64), "i64")}
        first = out([[1.0] * 4, [2.0] * 4, [3.0] * 4], [0.5, 0.25, 1.0])
        reordered = out([[2.0] * 4, [1.0] * 4, [3.0] * 4], [0.25, 0.5, 1.0])
        moved = out([[1.0] * 4, [3.0] * 4, [2.0] * 4], [0.5, 1.0, 0.25])
        self.assertEqual(determinism_problems("d", "te_ep_dispatch", first, everything, first, reordered, "multiset", inputs, attrs), [])
        [p] = determinism_problems("d", "te_ep_dispatch", first, everything, first, reordered, "group_order", inputs, attrs)
        self.assertIn("declared group_order", p)
        [p] = determinism_problems("d", "te_ep_dispatch", first, everything, first, moved, "multiset", inputs, attrs)
        self.assertIn("expert 0's slab (rows 0..2): another multiset on the second run", p)

    def dispatcher(self, second_call):
        """An f32 dispatch port whose second answer goes through `second_call(out)`."""
        a = Adapter("twice", "1", dtypes=["f32"])
        calls = []

        @a.op("token_dispatch")
        def dispatch(inputs, attrs, profile):
            out = self.numpy["token_dispatch"](inputs, attrs, profile)
            calls.append(1)
            return second_call(out) if len(calls) % 2 == 0 else out
        return a

    def test_a_second_answer_differing_in_a_specified_row_is_r1(self):
        def flip_row_0(out):
            data = out["output"].data.copy()
            data.view(np.uint32)[0, 0] ^= 1
            return dict(out, output=Tensor(data, "f32"))

        verdict, out = self.vectors(self.dispatcher(flip_row_0), "dispatch/extra-rows")
        # num_out_tokens 10 with 7 routed pairs: 7 specified rows of 'output', the 3 of the tail are not
        self.assertIn("[R1] declared group_order: two runs of the same call differ (1 of 7 specified rows)", out)
        self.assertEqual(verdict, "FAIL", out)

    def test_a_second_answer_differing_in_unspecified_rows_only_passes(self):
        def garbage_tail(out):
            data = out["output"].data.copy()
            data[7:] = np.nan
            return dict(out, output=Tensor(data, "f32"))

        verdict, out = self.vectors(self.dispatcher(garbage_tail), "dispatch/extra-rows")
        self.assertEqual(verdict, "PASS", out)

    def round_trip_port(self, combine):
        a = Adapter("round-trip", "1", dtypes=["f32"], features=["merging_probs"])
        a.op("token_dispatch")(self.numpy["token_dispatch"])
        if combine is not None:
            a.op("token_combine")(combine)
        return a

    def test_a_combine_that_fails_after_a_correct_dispatch_is_r2(self):
        def combine(inputs, attrs, profile):
            raise RuntimeError("kernel launch failed")

        verdict, out = self.vectors(self.round_trip_port(combine), "dispatch/worked-example")
        self.assertIn("then token_combine(merging_probs=1/n(t)): [R2] the combine failed: ERROR: RuntimeError: kernel launch failed", out)
        self.assertEqual(verdict, "FAIL", out)

    def test_a_combine_that_drops_the_weights_is_r2(self):
        # dispatch/worked-example routes token 0 to two experts: unweighted, it comes back doubled
        def combine(inputs, attrs, profile):
            return self.numpy["token_combine"]({k: v for k, v in inputs.items() if k != "merging_probs"}, attrs, profile)

        verdict, out = self.vectors(self.round_trip_port(combine), "dispatch/worked-example")
        self.assertIn("[R2] does not give the input back", out)

    def test_no_round_trip_where_the_combine_is_declined_or_absent(self):
        def combine(inputs, attrs, profile):
            raise NotSupported("not today")

        for port in (self.round_trip_port(combine), self.round_trip_port(None)):
            verdict, out = self.vectors(port, "dispatch/worked-example")
            self.assertEqual(verdict, "PASS", out)


class RefusalTest(unittest.TestCase):
    """Exit 2 with one line `check_vectors: ...`, never a traceback."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.set = os.path.join(self.tmp, "v")
        shutil.copytree(VECTORS, self.set)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def main(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = check_vectors.main(list(argv))
        return code, out.getvalue(), err.getvalue()

    def refused(self, *argv):
        code, out, err = self.main(*argv)
        self.assertEqual(code, 2, out + err)
        self.assertEqual(out, "")
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertTrue(err.startswith("check_vectors: "), err)
        return err.strip()

    def port(self, text):
        path = os.path.join(self.tmp, "port.py")
        with open(path, "w") as f:
            f.write("import sys\nsys.path.insert(0, %r)\n%s\n" % (KIT, text))
        return path

    def test_a_pin_that_does_not_match_in_the_java_wording(self):
        pin = os.path.join(self.set, "PIN")
        with open(pin) as f:
            real = f.read().strip()  # the set is unchanged: what the pin must find
        with open(pin, "w") as f:
            f.write("56 " + "0" * 64 + "\n")
        self.assertEqual(self.refused(self.set, "--port", PORT),
                         "check_vectors: %s: the set does not match its pin (pinned 56 %s, found %s); restore the set, "
                         "or regenerate it with permcheck vectors generate" % (pin, "0" * 64, real))

    def test_the_pin_is_computed_as_docs_vectors_md_section_12_says(self):
        with open(os.path.join(VECTORS, "index.json")) as f:
            ids = json.load(f)["cases"]
        with open(os.path.join(VECTORS, "PIN")) as f:
            self.assertEqual(pin_line(VECTORS, ids), f.read().strip())

    def test_a_truncated_tensor_with_a_matching_hash(self):
        case = os.path.join(self.set, "dispatch", "worked-example")
        with open(os.path.join(case, "in_inp.npy"), "r+b") as f:
            f.truncate(100)
        with open(os.path.join(case, "in_inp.npy"), "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        with open(os.path.join(case, "case.json")) as f:
            m = json.load(f)
        m["inputs"]["inp"]["sha256"] = sha
        with open(os.path.join(case, "case.json"), "w") as f:
            json.dump(m, f)
        self.assertIn("in_inp.npy", self.refused(self.set, "--port", PORT))

    def test_a_manifest_without_an_op(self):
        mf = os.path.join(self.set, "dispatch", "worked-example", "case.json")
        with open(mf) as f:
            m = json.load(f)
        del m["op"]
        with open(mf, "w") as f:
            json.dump(m, f)
        self.assertEqual(self.refused(self.set, "--port", PORT), "check_vectors: %s: unknown op ''" % mf)

    def test_a_non_integer_attribute(self):
        mf = os.path.join(self.set, "dispatch", "worked-example", "case.json")
        with open(mf) as f:
            m = json.load(f)
        m["attrs"]["num_out_tokens"] = 7.5
        with open(mf, "w") as f:
            json.dump(m, f)
        self.assertEqual(self.refused(self.set, "--port", PORT),
                         "check_vectors: %s: attribute 'num_out_tokens' is not an integer" % mf)

    def test_no_vector_directory(self):
        self.assertEqual(self.refused(self.tmp, "--port", PORT), "check_vectors: %s: no index.json (not a vector directory)" % self.tmp)

    def test_ports_that_cannot_be_checked(self):
        missing = os.path.join(self.tmp, "nope.py")
        self.assertEqual(self.refused(VECTORS, "--port", missing), "check_vectors: %s: no such port file" % missing)
        p = self.port("raise ImportError('no module named te\\nmore')")
        self.assertEqual(self.refused(VECTORS, "--port", p), "check_vectors: %s: fails to load: ImportError: no module named te" % p)
        p = self.port("sys.exit('unknown PERMCHECK_PLANT_BUG=x')")
        self.assertEqual(self.refused(VECTORS, "--port", p),
                         "check_vectors: %s: exited while loading: unknown PERMCHECK_PLANT_BUG=x" % p)
        p = self.port("x = 1")
        self.assertEqual(self.refused(VECTORS, "--port", p), "check_vectors: %s defines no 'adapter'" % p)

    def test_a_port_whose_hello_the_engine_refuses(self):
        p = self.port("from permcheck_adapter import Adapter\nadapter = Adapter('x', '1', dtypes=['f32'], features=['fused'])")
        self.assertEqual(self.refused(VECTORS, "--port", p),
                         "check_vectors: protocol: hello claims unknown feature 'fused' (known: padding, probs, merging_probs, index_form, quantized)")


if __name__ == "__main__":
    unittest.main()
