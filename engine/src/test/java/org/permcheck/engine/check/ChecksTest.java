package org.permcheck.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.run.Tier;
import org.permcheck.oracle.Oracle;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * Each check against a hand-made wrong answer: the oracle's expectation (never the code under
 * test) is the reference, the CPU backend's answer is mutated in one place, and the check must
 * cite the right rule with the right position - or stay silent where the contract leaves freedom.
 */
class ChecksTest {

    private static List<Violation> judge(String caseId, BiConsumer<Invocation, Map<String, Tensor>> mutation) {
        Case c = Tier.caseById(caseId).orElseThrow();
        Expected e = Oracle.expected(c.invocation());
        Map<String, Tensor> out = new LinkedHashMap<>(new CpuBackend().run(c.invocation()).tensors());
        out.replaceAll((k, v) -> v.copy());
        mutation.accept(c.invocation(), out);
        return runDeclared(c.invocation(), e, out);
    }

    /** Checks.run, and on the way: every check cites only rules it declares (Check.rules()). */
    private static List<Violation> runDeclared(Invocation inv, Expected e, Map<String, Tensor> out) {
        CheckContext ctx = new CheckContext(inv, e, new Outputs(out), null, null);
        for (Check check : Checks.ALL) {
            List<Violation> own = new java.util.ArrayList<>();
            check.check(ctx, own);
            for (Violation v : own) {
                assertTrue(check.rules().stream().anyMatch(r -> r.id().equals(v.rule())),
                        check.getClass().getSimpleName() + " cites " + v.rule() + " but declares " + check.rules());
            }
        }
        return Checks.run(new CheckContext(inv, e, new Outputs(out), null, null));
    }

    private static List<String> rules(List<Violation> v) { return v.stream().map(Violation::rule).collect(Collectors.toList()); }

    @Test
    void unmutatedAnswersPass() {
        for (String id : List.of("quick/edge/dispatch-probs-zero", "quick/edge/combine-merging-probs-zero", "quick/edge/chunk-sort-tail",
                "quick/edge/combine-bwd-padded-bf16", "quick/edge/local-permute")) {
            assertEquals(List.of(), judge(id, (i, o) -> {}), id);
        }
    }

    /** The index form (I1-I4): the CPU answer passes; a -1 slot counted as a route, and a weight at the wrong row, cite I4 and I3. */
    @Test
    void indexFormAnswersAreJudgedUnderTheIRules() {
        assertEquals(List.of(), judge("quick/edge/dispatch-index-form", (i, o) -> {}));
        assertEquals(List.of(), judge("quick/edge/dispatch-index-form-i64-padded", (i, o) -> {}));
        // token 0's count column says one more expert than its slots with an id >= 0 name (a -1 slot read as expert E-1)
        List<Violation> v = judge("quick/edge/dispatch-index-form", (inv, o) -> {
            Tensor map = o.get("row_id_map");
            long col = map.dim(1) - 1;
            map.setLong(0, col, map.getLong(0, col) + 1);
        });
        assertTrue(rules(v).contains("I4"), rules(v).toString());
        // two rows' weights swapped between experts: the weight does not belong to the slot naming the row's expert
        List<Violation> w = judge("quick/edge/dispatch-index-form", (inv, o) -> {
            Tensor pp = o.get("permuted_probs");
            long a = pp.bits(0, 0), b = pp.bits(pp.rows() - 1, 0);
            if (a == b) b ^= 1;
            pp.setBits(0, 0, b);
            pp.setBits(pp.rows() - 1, 0, a);
        });
        assertTrue(rules(w).contains("I3") && !rules(w).contains("D4"), rules(w).toString());
    }

    /**
     * Profile maxtext (J1-J4): the CPU answers pass; two entries of sorted_selected_experts swapped cite J3 (the
     * buffer no longer matches them either); the counts of the ids before the roll, and the argsort of the ids
     * before the roll, cite J4; a row dropped from the T*K buffer cites J1.
     */
    @Test
    void maxtextAnswersAreJudgedUnderTheJRules() {
        for (String id : List.of("quick/edge/dispatch-maxtext", "quick/edge/dispatch-maxtext-k3-zipf-i64", "quick/edge/dispatch-maxtext-zero-weights-bf16",
                "quick/edge/dispatch-maxtext-empty-expert-f8", "quick/edge/dispatch-maxtext-all-experts", "quick/edge/dispatch-maxtext-T64-E16-k4")) {
            assertEquals(List.of(), judge(id, (i, o) -> {}), id);
        }
        List<Violation> swapped = judge("quick/edge/dispatch-maxtext", (inv, o) -> {
            Tensor ssx = o.get("sorted_selected_experts");
            long a = ssx.getLong(0);
            ssx.setLong(0, ssx.getLong(ssx.numel() - 1));
            ssx.setLong(ssx.numel() - 1, a);
        });
        assertEquals(List.of("J3", "J3"), rules(swapped).stream().filter(r -> r.startsWith("J")).collect(Collectors.toList()), swapped.toString());
        Case c = Tier.caseById("quick/edge/dispatch-maxtext").orElseThrow();
        long roll = c.invocation().attr("roll_to_expert_id");
        assertTrue(roll > 0, "the edge case's drawn roll is > 0");
        // the same ids without the roll: the CPU answer of that call is what a kernel that ignores the roll returns
        Map<String, Long> attrs = new LinkedHashMap<>(c.invocation().attrs());
        attrs.remove("roll_to_expert_id");
        Outputs unrolled = new CpuBackend().run(new Invocation(c.invocation().op(), c.invocation().profile(), c.invocation().inputs(), attrs));
        List<Violation> counts = judge("quick/edge/dispatch-maxtext", (inv, o) -> o.put("tokens_per_expert", unrolled.get("tokens_per_expert")));
        assertTrue(rules(counts).contains("J4") && !rules(counts).contains("J2"), counts.toString());
        List<Violation> sorted = judge("quick/edge/dispatch-maxtext", (inv, o) -> o.put("sorted_selected_experts", unrolled.get("sorted_selected_experts")));
        assertTrue(rules(sorted).contains("J4"), sorted.toString());
        List<Violation> shortBuffer = judge("quick/edge/dispatch-maxtext", (inv, o) -> {
            Tensor out = o.get("output");
            Tensor cut = Tensor.zeros(out.dtype(), out.rows() - 1, out.dim(1));
            for (long r = 0; r < cut.rows(); r++) cut.copyRowFrom(out, r, r);
            o.put("output", cut);
        });
        assertTrue(rules(shortBuffer).contains("J1"), shortBuffer.toString());
    }

    /** D2 is bitwise: -0.0 for +0.0 in a copied row is a violation; the mismatch names token, expert, row, column and bits. */
    @Test
    void payloadComparisonIsBitwise() {
        List<Violation> v = judge("quick/edge/dispatch-uniform-f32", (inv, o) -> {
            Tensor out = o.get("output");
            out.setBits(2, 3, out.bits(2, 3) ^ 0x80000000L); // flip the sign bit of one element
        });
        assertEquals(List.of("D2"), rules(v));
        Violation d2 = v.get(0);
        assertEquals(2, d2.first().row());
        assertEquals(3, d2.first().column());
        assertTrue(d2.first().token() >= 0 && d2.first().expert() >= 0);
        assertTrue(d2.first().expected().contains("(0x") && d2.first().actual().contains("(0x"), d2.render());
        assertEquals(0, d2.more());
    }

    /** D5: rows past N_used of an unpadded buffer are unspecified: garbage there is never judged. */
    @Test
    void unspecifiedRowsAreNeverCompared() {
        List<Violation> v = judge("quick/edge/dispatch-num-out-above-used", (inv, o) -> {
            Tensor out = o.get("output");
            Tensor pp = o.get("permuted_probs");
            for (long r = out.rows() - 3; r < out.rows(); r++) {
                out.setBits(r, 0, 0x7FC00001L);
                pp.setBits(r, 0, 0x7FC00001L);
            }
        });
        assertEquals(List.of(), v);
    }

    /** M5: row_id_map garbage slots are free; a wrong valid slot is M2, M3 or M4 by column. */
    @Test
    void rowIdMapIsComparedOnValidSlotsOnly() {
        assertEquals(List.of(), judge("quick/edge/dispatch-varying-k", (inv, o) -> {
            Tensor m = o.get("row_id_map");
            long experts = (m.dim(1) - 1) / 2;
            for (long t = 0; t < m.dim(0); t++) {
                long n = m.getLong(t, 2 * experts);
                for (long j = n; j < experts; j++) m.setLong(t, j, 12345);
                for (long j = experts + n; j < 2 * experts; j++) m.setLong(t, j, -777);
            }
        }));
        List<Violation> v = judge("quick/edge/dispatch-uniform-f32", (inv, o) -> {
            Tensor m = o.get("row_id_map");
            long experts = (m.dim(1) - 1) / 2;
            m.setLong(1, 2 * experts, m.getLong(1, 2 * experts) - 1); // n(1) one too small
        });
        assertTrue(rules(v).contains("M4"), rules(v).toString());
        assertTrue(rules(v).contains("D1"), "the bijection invariant sees the missing pair: " + rules(v));
    }

    /** D3: a routed +-0.0 probability must give a +0.0 row, not the token's row. */
    @Test
    void zeroProbabilityRowsAreD3() {
        List<Violation> v = judge("quick/edge/dispatch-probs-zero", (inv, o) -> {
            Tensor probs = inv.input("probs");
            Tensor routing = inv.input("routing_map");
            Tensor m = o.get("row_id_map");
            long experts = routing.dim(1);
            for (long t = 0; t < routing.dim(0); t++) {
                for (long i = 0; i < m.getLong(t, 2 * experts); i++) {
                    long e = m.getLong(t, experts + i);
                    if (FloatFormats.toF64(probs.dtype(), probs.bits(t, e)) == 0.0) {
                        o.get("output").copyRowFrom(inv.input("inp"), t, m.getLong(t, i)); // "forgot" the zeroing
                        return;
                    }
                }
            }
            throw new AssertionError("the edge case must contain a zero prob");
        });
        assertEquals(List.of("D3"), rules(v));
    }

    /** C5: one bf16 ulp off the bit-faithful value is inside the tolerance; 10 % off is C1. */
    @Test
    void reductionsUseTheDtypeTolerance() {
        assertEquals(List.of(), judge("quick/edge/combine-bf16-merging-bf16", (inv, o) -> {
            Tensor out = o.get("output");
            for (long r = 0; r < out.rows(); r++) {
                float x = out.getF32(r, 0);
                if (x != 0f && Float.isFinite(x) && Math.abs(x) > 0.5f) { out.setBits(r, 0, out.bits(r, 0) + 1); return; }
            }
        }));
        List<Violation> v = judge("quick/edge/combine-bf16-merging-bf16", (inv, o) -> {
            Tensor out = o.get("output");
            for (long r = 0; r < out.rows(); r++) {
                float x = out.getF32(r, 1);
                if (Math.abs(x) > 0.5f) { out.setF32(r, 1, x * 1.1f); return; }
            }
        });
        assertEquals(List.of("C1"), rules(v));
        assertTrue(v.get(0).first().expected().contains("+-"), v.get(0).render());
        assertEquals(1, v.get(0).first().column());
    }

    /** C3: a token routed nowhere combines to exactly +0.0; -0.0 is within the tolerance of 0 but still C3 (issue 9). */
    @Test
    void routedNowhereIsExactlyPositiveZero() {
        List<Violation> v = judge("quick/edge/combine-nowhere", (inv, o) -> {
            Tensor m = inv.input("row_id_map");
            Tensor out = o.get("output");
            for (long t = 0; t < m.dim(0); t++) {
                if (m.getLong(t, m.dim(1) - 1) == 0) { out.setBits(t, 1, 0x8000L << (out.dtype().size() == 4 ? 16 : 0)); return; }
            }
            throw new AssertionError("the edge case must route a token nowhere");
        });
        assertEquals(List.of("C3"), rules(v));
        assertEquals(1, v.get(0).first().column());
        assertTrue(v.get(0).first().actual().startsWith("-0.0"), v.get(0).render());
    }

    /**
     * C4: merging_probs of an expert a token is not routed to is never read. A NaN answer for a
     * token whose only non-finite merging prob sits there is C4 (a dense 0 * NaN); the same NaN
     * with every merging prob finite is C5's non-finite clause (a NaN against a finite reference).
     */
    @Test
    void nanFromAnUnreadMergingProbIsC4AndOtherwiseC5() {
        Case c = Tier.caseById("quick/edge/combine-plain").orElseThrow();
        Tensor m = c.invocation().input("row_id_map");
        long experts = (m.dim(1) - 1) / 2;
        long token = -1;
        long unrouted = -1;
        for (long t = 0; t < m.dim(0) && token < 0; t++) {
            long n = m.getLong(t, 2 * experts);
            if (n == 0 || n == experts) continue;
            java.util.Set<Long> routed = new java.util.HashSet<>();
            for (long i = 0; i < n; i++) routed.add(m.getLong(t, experts + i));
            for (long e = 0; e < experts; e++) if (!routed.contains(e)) { token = t; unrouted = e; break; }
        }
        assertTrue(token >= 0, "combine-plain has a token routed to some but not all experts");
        Map<String, Tensor> in = new LinkedHashMap<>(c.invocation().inputs());
        Tensor probs = in.containsKey("merging_probs") ? in.get("merging_probs").copy() : Tensor.zeros(DType.F32, m.dim(0), experts);
        for (long t = 0; t < m.dim(0); t++) for (long e = 0; e < experts; e++) if (!Float.isFinite(probs.getF32(t, e))) probs.setF32(t, e, 0.5f);
        Invocation finite = withMergingProbs(c.invocation(), in, probs.copy());
        probs.setF32(token, unrouted, Float.NaN);
        Invocation leaky = withMergingProbs(c.invocation(), in, probs);
        assertEquals(List.of("C4"), rules(nanAt(leaky, token)));
        assertEquals(List.of("C5"), rules(nanAt(finite, token)));
    }

    private static Invocation withMergingProbs(Invocation base, Map<String, Tensor> inputs, Tensor probs) {
        Map<String, Tensor> in = new LinkedHashMap<>(inputs);
        in.put("merging_probs", probs);
        return new Invocation(base.op(), base.profile(), in, base.attrs());
    }

    /** The oracle's answer to {@code inv} (C4: the unread NaN changes nothing) with output[token, 0] = NaN. */
    private static List<Violation> nanAt(Invocation inv, long token) {
        Expected e = Oracle.expected(inv);
        Map<String, Tensor> out = new LinkedHashMap<>(new CpuBackend().run(inv).tensors());
        out.replaceAll((k, v) -> v.copy());
        assertEquals(List.of(), runDeclared(inv, e, out), "the CPU backend reads no unrouted merging prob");
        out.get("output").setF32(token, 0, Float.NaN);
        return runDeclared(inv, e, out);
    }

    /** P1 has a check of its own: a wrong pad_offsets value cites P1 (not the generic INDEX comparison). */
    @Test
    void wrongPadOffsetsAreP1() {
        List<Violation> v = judge("quick/edge/dispatch-padded-a4", (inv, o) -> {
            Tensor p = o.get("pad_offsets");
            p.setLong(p.numel() - 1, p.getLong(p.numel() - 1) + 1);
        });
        assertTrue(rules(v).contains("P1"), rules(v).toString());
        assertEquals(List.of(), judge("quick/edge/dispatch-padded-a4", (inv, o) -> {}));
    }

    /** P4: an output the oracle says is absent must be absent (torch-mask-pad, already aligned: no pad_offsets). */
    @Test
    void anExtraOutputIsAViolation() {
        List<Violation> v = judge("quick/edge/dispatch-torch-already-aligned", (inv, o) -> o.put("pad_offsets", Tensor.zeros(DType.I64, 5)));
        assertEquals(List.of("P4"), rules(v));
    }

    @Test
    void aMissingOutputIsAViolation() {
        List<Violation> v = judge("quick/edge/dispatch-probs-bf16", (inv, o) -> o.remove("permuted_probs"));
        assertEquals(List.of("D4"), rules(v));
        assertTrue(v.get(0).message().contains("missing"));
    }

    /**
     * Every output of every op, removed in turn, is cited under the rule docs/spec.md defines it by
     * (hand table from docs/spec.md and docs/checks.md, the citations of the former OutputRules switch):
     * the presence rule is the check's own for dispatch and the value check's for the others.
     */
    @Test
    void everyMissingOutputCitesTheRuleThatDefinesIt() {
        Map<String, Map<String, String>> table = new LinkedHashMap<>();
        table.put("quick/edge/dispatch-num-out-above-used", Map.of("output", "D5", "permuted_probs", "D4", "row_id_map", "M1", "tokens_per_expert", "N1"));
        table.put("quick/edge/dispatch-padded-a4", Map.of("output", "P3", "permuted_probs", "D4", "row_id_map", "M1", "pad_offsets", "P4",
                "tokens_per_expert", "N1"));
        table.put("quick/edge/combine-plain", Map.of("output", "C1"));
        table.put("quick/edge/dispatch-bwd-probs", Map.of("grad_inp", "G1", "grad_probs", "G2"));
        table.put("quick/edge/combine-bwd-merging-probs", Map.of("grad_inp", "G3", "grad_merging_probs", "G4"));
        table.put("quick/edge/chunk-sort-random", Map.of("output", "S2", "row_id_map", "S1", "permuted_probs", "S2"));
        table.put("quick/edge/chunk-sort-bwd", Map.of("grad_inp", "S3", "grad_probs", "S3"));
        table.put("quick/edge/ragged-params", Map.of("input_offsets", "A1", "send_sizes", "A1", "output_offsets", "A1", "recv_sizes", "A1"));
        table.put("quick/edge/ragged-params-reverse", Map.of("input_offsets", "A2", "send_sizes", "A2", "output_offsets", "A2", "recv_sizes", "A2"));
        table.put("quick/edge/local-permute", Map.of("output", "A3", "local_group_sizes", "A3", "sorted_split_sizes", "A3",
                "inverse_chunk_indices", "A3"));
        table.put("quick/edge/local-unpermute", Map.of("output", "A4"));
        for (Map.Entry<String, Map<String, String>> c : table.entrySet()) {
            Case k = Tier.caseById(c.getKey()).orElseThrow();
            assertEquals(c.getValue().keySet(), Oracle.expected(k.invocation()).values().keySet(), c.getKey() + ": the table lists every output");
            for (Map.Entry<String, String> o : c.getValue().entrySet()) {
                List<Violation> v = judge(c.getKey(), (inv, out) -> out.remove(o.getKey()));
                assertEquals(List.of(o.getValue()), rules(v), c.getKey() + " without " + o.getKey());
                assertTrue(v.get(0).message().contains("missing"), v.get(0).message());
            }
        }
    }

    /** S1: a wrong chunk-sort map; S2: a wrong moved row. */
    @Test
    void chunkSortMapAndRows() {
        List<Violation> v = judge("quick/edge/chunk-sort-random", (inv, o) -> {
            o.get("row_id_map").setLong(0, 99);
            Tensor out = o.get("output");
            out.setBits(1, 0, out.bits(1, 0) ^ 1);
        });
        assertEquals(List.of("S2", "S1"), rules(v));
    }

    /** A1: ragged all-to-all parameters are exact. */
    @Test
    void raggedParamsAreExact() {
        List<Violation> v = judge("quick/edge/ragged-params", (inv, o) -> o.get("send_sizes").setLong(1, o.get("send_sizes").getLong(1) + 1));
        assertEquals(List.of("A1"), rules(v));
    }

    /** G4 over H terms: the oracle's slack (n+1)*2^-24*sum|x*g| admits any f32 summation order. */
    @Test
    void combineBackwardGradProbsTolerateAnotherSummationOrder() {
        assertEquals(List.of(), judge("quick/edge/combine-bwd-merging-probs", (inv, o) -> {
            // recompute grad_merging_probs summing h in descending order (another admissible order)
            Tensor g = inv.input("grad_output");
            Tensor x = inv.input("fwd_input");
            Tensor m = inv.input("row_id_map");
            Tensor gp = o.get("grad_merging_probs");
            long experts = (m.dim(1) - 1) / 2;
            for (long t = 0; t < m.dim(0); t++) {
                for (long i = 0; i < m.getLong(t, 2 * experts); i++) {
                    float acc = 0f;
                    for (long h = g.dim(1) - 1; h >= 0; h--) acc += x.getF32(m.getLong(t, i), h) * g.getF32(t, h);
                    gp.setF32(t, m.getLong(t, experts + i), acc);
                }
            }
        }));
    }

    /**
     * G3 with merging probs is a product: a NaN there has no contractual payload (TE's GPU returns
     * the canonical NaN), so another NaN payload passes, while a number where NaN is due still fails.
     */
    @Test
    void computedNanInCombineBackwardMatchesAnyNan() {
        String id = "quick/edge/combine-bwd-merging-probs";
        Case c = Tier.caseById(id).orElseThrow();
        Tensor g = c.invocation().input("grad_output");
        long canonical = FloatFormats.fromF32(g.dtype(), Float.intBitsToFloat(0x7fffffff)); // CUDA's canonical NaN
        long[] target = firstTargetedElement(c);
        // the oracle's NaN (quiet, payload of an input) vs the canonical one: both NaN -> no violation
        assertEquals(List.of(), judgeWithNan(c, target, canonical));
        // a finite value where the oracle has NaN -> G3
        assertEquals(List.of("G3"), rules(judgeWithNan(c, target, FloatFormats.fromF32(g.dtype(), 1.0f))));
    }

    /** Makes grad_output[t,0] NaN (so the oracle's grad_inp at the first row t feeds is NaN) and sets the answer there. */
    private static List<Violation> judgeWithNan(Case c, long[] target, long answerBits) {
        Map<String, Tensor> in = new LinkedHashMap<>(c.invocation().inputs());
        Tensor g = in.get("grad_output").copy();
        g.setBits(target[0], 0, FloatFormats.fromF32(g.dtype(), Float.intBitsToFloat(0x7fc01234)));
        in.put("grad_output", g);
        Invocation inv = new Invocation(c.invocation().op(), c.invocation().profile(), in, c.invocation().attrs());
        Expected e = Oracle.expected(inv);
        Map<String, Tensor> out = new LinkedHashMap<>(new CpuBackend().run(inv).tensors());
        out.replaceAll((k, v) -> v.copy());
        out.get("grad_inp").setBits(target[1], 0, answerBits);
        return runDeclared(inv, e, out);
    }

    /** {token, row}: the first token with a routed expert and the row its first slot targets (row_id_map column 0). */
    private static long[] firstTargetedElement(Case c) {
        Tensor m = c.invocation().input("row_id_map");
        long experts = (m.dim(1) - 1) / 2;
        Tensor pad = c.invocation().inputs().get("pad_offsets");
        for (long t = 0; t < m.dim(0); t++) {
            if (m.getLong(t, 2 * experts) > 0) {
                long row = m.getLong(t, 0) + (pad == null ? 0 : pad.getLong(m.getLong(t, experts)));
                return new long[] {t, row};
            }
        }
        throw new IllegalStateException("no routed token in " + c.id());
    }

    /**
     * Block scales (docs/spec.md F1-F4): the CPU answer passes; each wrong answer below is one the oracle's
     * layout view places by hand (a row holding a token, a row zeroed by a +-0.0 probability, a pad row).
     */
    @Test
    void blockScalesAreJudgedUnderTheFRules() {
        for (String id : List.of("quick/edge/dispatch-scales-block-h130", "quick/edge/dispatch-scales-block-padded-zero-probs",
                "quick/edge/dispatch-scales-mxfp8-h40-extra", "quick/edge/dispatch-scales-mxfp8-torch-zero-probs",
                "quick/edge/dispatch-scales-mxfp8-index-form-h33")) {
            assertEquals(List.of(), judge(id, (i, o) -> {}), id);
        }
        String padded = "quick/edge/dispatch-scales-block-padded-zero-probs";
        org.permcheck.oracle.layout.GroupLayout layout = Oracle.layout(Tier.caseById(padded).orElseThrow().invocation()).orElseThrow();
        Tensor probs = Oracle.maskForm(Tier.caseById(padded).orElseThrow().invocation()).input("probs");
        long tokenRow = -1, zeroRow = -1, padRow = -1;
        for (long r = 0; r < layout.bufferRows(); r++) {
            if (layout.token(r) < 0) { if (padRow < 0) padRow = r; continue; }
            if (layout.zeroProb(probs, layout.token(r), layout.expert(r))) { if (zeroRow < 0) zeroRow = r; }
            else if (tokenRow < 0) tokenRow = r;
        }
        assertTrue(tokenRow >= 0 && zeroRow >= 0 && padRow >= 0, tokenRow + " " + zeroRow + " " + padRow);
        long tr = tokenRow, zr = zeroRow, pr = padRow;
        // F2: one block of a token row's scales is another token's (the next scale of BlockScales: never equal)
        List<Violation> f2 = judge(padded, (inv, o) -> { Tensor s = o.get("permuted_scale_inv"); s.setBits(tr, 1, s.bits(tr, 1) + (1L << 23)); });
        assertEquals(List.of("F2"), rules(f2));
        assertTrue(f2.get(0).render().contains("permuted_scale_inv row=" + tr + " column=1"), f2.get(0).render());
        // F4: the scales of a row zeroed by a +-0.0 probability zeroed too (TE copies them)
        assertEquals(List.of("F4"), rules(judge(padded, (inv, o) -> o.get("permuted_scale_inv").zeroRow(zr))));
        // F3: a pad row's scales not zero (TE #2547: the buffer left uninitialized)
        assertEquals(List.of("F3"), rules(judge(padded, (inv, o) -> o.get("permuted_scale_inv").setBits(pr, 0, 0x3F800000L))));
        // F1: the scales missing, or widened / narrowed to another dtype
        assertEquals(List.of("F1"), rules(judge(padded, (inv, o) -> o.remove("permuted_scale_inv"))));
        assertEquals(List.of("F1"), rules(judge("quick/edge/dispatch-scales-mxfp8-h40-extra",
                (inv, o) -> o.put("permuted_scale_inv", o.get("permuted_scale_inv").reinterpret(DType.F8E4M3)))));
        // F3 (unpadded): the rows past N_used are unspecified, garbage there passes
        assertEquals(List.of(), judge("quick/edge/dispatch-scales-mxfp8-h40-extra", (inv, o) -> {
            Tensor s = o.get("permuted_scale_inv");
            s.setBits(s.rows() - 1, 0, 0xAB);
        }));
    }
}
