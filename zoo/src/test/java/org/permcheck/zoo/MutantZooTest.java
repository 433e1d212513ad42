package org.permcheck.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.permcheck.engine.model.Status;

/**
 * The meta-test of the suite: every mutant of the zoo is caught with FAIL (not ERROR, CRASH or a
 * pass) by the zoo's quick tier or by fuzzing within the budget (at most 1,000 cases or 30 s), and
 * the clean backends (the planted CPU backend without a bug, the numpy example port) are not.
 * A mutant that survives means a hole in the checks or the generators, not in the mutant.
 */
class MutantZooTest {

    private static final KillSearch.Budget BUDGET = KillSearch.Budget.standard();

    /**
     * Mutants the shipped suite (vectors, quick tier, fuzzer) is known to miss, so that only the zoo's
     * extra cases kill them: each is a generator gap, reported in reports/kill-matrix.md. A mutant
     * killed only by the zoo and not listed here fails the meta-test (a new gap), and so does a
     * listed one the suite now kills (a stale entry: remove it).
     */
    static final Set<String> KNOWN_GENERATOR_GAPS = Set.of(
            // the generators draw all_shards_tokens_per_expert as small int32 counts; int64 counts near 2^30 are needed
            "a2a-int32-offsets");
    /**
     * The protocol backends run as subprocesses (tens of ms a case with the follow-up calls): the
     * vectors, the quick tier's edge cases and its first 100 sampled cases, 100 fuzz cases, 60 zoo
     * cases, no xl cases (no protocol mutant is planted past T = 32768). (NumpyPortConformanceTest runs the whole quick tier against the clean port; the kill
     * matrix hunts with the full budget.)
     */
    private static final KillSearch.Budget PROTOCOL_BUDGET = new KillSearch.Budget(100, 100, Duration.ofSeconds(30), BUDGET.fuzzSeed(), 100, 60, 0);

    @TestFactory
    Stream<DynamicTest> everyCpuMutantIsKilledWithFail() {
        return Catalogue.cpu().stream().map(m -> DynamicTest.dynamicTest(m.id() + " (" + m.rule() + ")", () -> assertKilled(m, BUDGET)));
    }

    @TestFactory
    Stream<DynamicTest> everyProtocolMutantIsKilledWithFail() {
        return Catalogue.protocol().stream().map(m -> DynamicTest.dynamicTest(m.id() + " (" + m.rule() + ")", () -> {
            assumeTrue(hasNumpy(), "python3 with numpy is not available");
            assertKilled(m, PROTOCOL_BUDGET);
        }));
    }

    private static void assertKilled(Mutant m, KillSearch.Budget budget) {
        KillSearch.Kill k = KillSearch.hunt(m, budget);
        assertEquals(Status.FAIL, k.status(), m.id() + " was not killed with FAIL: " + k.stage() + " " + k.status() + " at " + k.caseId()
                + " after " + k.cases() + " cases: " + k.message());
        assertFalse(k.rules().isEmpty(), m.id() + ": a FAIL must cite the rules it breaks");
        if (budget == BUDGET) {
            boolean zooOnly = k.stage().equals("zoo");
            assertEquals(KNOWN_GENERATOR_GAPS.contains(m.id()), zooOnly, m.id() + (zooOnly
                    ? " is killed only by the zoo's extra cases: a new gap in the suite's generators (" + k.message() + ")"
                    : " is listed in KNOWN_GENERATOR_GAPS but the suite kills it at " + k.caseId() + ": remove the entry"));
        }
        assertTrue(k.cases() <= KillSearch.quickCount(budget) + budget.fuzzCases() + budget.xlCases() + budget.zooCases(), m.id() + " needed " + k.cases() + " cases");
    }

    /**
     * The mutants of the field bugs issue 11 lists (docs/mutants.md, "Field bugs since the zoo was written"): each dies by
     * FAIL on generated cases alone within the quick tier or the fuzzer (not only the zoo's extra cases), and its
     * counterexample shrinks to at most 8 tokens and 4 experts, except the mod-1024 aliasing, which needs E > 1024
     * (it shrinks in T, H and k only: at most 8 tokens and E from the quick tier's big-E edge cases, 1025 to 1152).
     */
    @TestFactory
    Stream<DynamicTest> fieldBugsOfIssue11DieOnGeneratedCasesAndShrink() {
        List<Bug> bugs = List.of(Bug.COMBINE_SUMS_TAIL, Bug.SPARE_ROWS_IN_LAST_EXPERT, Bug.PADDING_TOKENS_AS_LOAD, Bug.EXPERT_ID_MOD_1024,
                Bug.ROW_STRIDE_ROUNDED_TO_8, Bug.COMBINE_ROW_STRIDE_H_PLUS_1, Bug.A2A_EMPTY_RANK_EARLY_EXIT);
        return bugs.stream().map(b -> DynamicTest.dynamicTest(b.id, () -> {
            KillSearch.Kill k = KillSearch.hunt(() -> new PlantedCpuBackend(b), BUDGET, false);
            assertEquals(Status.FAIL, k.status(), b.id + ": " + k.stage() + " " + k.status() + " at " + k.caseId() + ": " + k.message());
            assertTrue(k.stage().equals("quick") || k.stage().equals("fuzz"), b.id + " killed only at stage " + k.stage());
            KillSearch.Size size = k.size();
            if (b == Bug.EXPERT_ID_MOD_1024) {
                assertTrue(size.tokens() <= 8 && size.experts() > 1024 && size.experts() <= 1152, b.id + " shrunk to " + size);
            } else {
                assertTrue(size.small(), b.id + " shrunk only to " + size + " (" + k.shrunk() + ")");
            }
        }));
    }

    /**
     * The maxtext mutants (issue 14 profile 4, docs/mutants.md) die by FAIL in the quick tier (its maxtext vectors and edge
     * cases, which draw rolls above 0) under the J rule each was planted against.
     */
    @TestFactory
    Stream<DynamicTest> maxtextMutantsDieUnderTheirJRule() {
        return killedInTheQuickTier(null, null, Bug.MAXTEXT_UNSTABLE_ARGSORT, Bug.MAXTEXT_COUNTS_BEFORE_ROLL, Bug.MAXTEXT_ROLL_AFTER_SORT,
                Bug.MAXTEXT_PADDING_IN_LAST_GROUP, Bug.MAXTEXT_TILE_PADDED_BUFFER);
    }

    /**
     * The moe_align_block_size mutants (issue 14 profile 2, docs/mutants.md) die by FAIL in the quick tier (its block-align
     * vectors and edge cases) under the K rule each was planted against; the control that hands out every group's slots in
     * a fresh order on every call (K2 leaves the order inside a group unspecified) survives the same cases.
     */
    @TestFactory
    Stream<DynamicTest> blockAlignMutantsDieUnderTheirKRule() {
        return killedInTheQuickTier("align", "block-align", Bug.ALIGN_ONLY_FIRST_SLOT, Bug.ALIGN_EXPERT_IDS_PER_ROW, Bug.ALIGN_EXPERT_IDS_TAIL_UNWRITTEN,
                Bug.ALIGN_EXPERT_MAP_IGNORED);
    }

    /**
     * The mutants of TE's index-map permute (issue 14 profile 5, docs/mutants.md) die by FAIL in the quick tier (its
     * te-index vectors and edge cases: -1 sentinels, a capacity drop, ties of one id) under the T rule each was planted against.
     */
    @TestFactory
    Stream<DynamicTest> teIndexMutantsDieUnderTheirTRule() {
        return killedInTheQuickTier("te-index", "te-index", Bug.TE_INDEX_MINUS_ONE_FIRST, Bug.TE_INDEX_TOKEN_MAJOR_MAP, Bug.TE_INDEX_UNSTABLE_SORT,
                Bug.TE_INDEX_DROP_FROM_FRONT, Bug.TE_INDEX_UNPERMUTE_DROPPED_AS_LAST_ROW);
    }

    /**
     * The mutants of torchao's padded permute and torchtitan's unpermute (issue 14 profile 5, docs/mutants.md) die by FAIL
     * in the quick tier (its padded-permute vectors and edge cases: an empty expert, several ranks, the tail) under the W
     * rule each was planted against.
     */
    @TestFactory
    Stream<DynamicTest> paddedPermuteMutantsDieUnderTheirWRule() {
        return killedInTheQuickTier("padded-", "padded permute", Bug.PADDED_EMPTY_EXPERT_NOT_CLAMPED, Bug.PADDED_TAIL_UNWRITTEN,
                Bug.PADDED_EXCLUSIVE_OFFSETS, Bug.PADDED_RANK_MAJOR_ORDER, Bug.PADDED_UNPERMUTE_GATHERS);
    }

    /**
     * The mutants of DeepEP's get_dispatch_layout (issue 14 profile 5, docs/mutants.md) die by FAIL in the quick tier (its
     * deepep-layout vectors and edge cases: a token on two experts of one rank, -1 slots, int64 ids) under the L rule each
     * was planted against.
     */
    @TestFactory
    Stream<DynamicTest> deepEpLayoutMutantsDieUnderTheirLRule() {
        return killedInTheQuickTier("deepep-layout", "deepep-layout", Bug.LAYOUT_RANK_PER_EXPERT, Bug.LAYOUT_MINUS_ONE_ON_RANK_0,
                Bug.LAYOUT_INT64_READ_AS_INT32);
    }

    /**
     * The mutants of TE's world-view ep_dispatch / ep_combine (issue 14 profile 5, docs/mutants.md) die by FAIL in the quick
     * tier (its te-ep vectors and edge cases: aligned slabs, a rank at its capacity) under the Y rule each was planted against.
     */
    @TestFactory
    Stream<DynamicTest> teEpMutantsDieUnderTheirYRule() {
        return killedInTheQuickTier("te-ep", "te-ep", Bug.TE_EP_PAD_ROWS_NOT_ZEROED, Bug.TE_EP_CAPACITY_OFF_BY_ONE, Bug.TE_EP_COMBINE_APPLIES_WEIGHTS);
    }

    /**
     * The mutants of Megatron-Core's inference permute (issue 14 profile 5, docs/mutants.md) die by FAIL in the quick tier (its
     * inference vectors and edge cases: EP ranks, alignment, row_alignment, valid_tokens) under the V rule each was planted
     * against; the control that hands out every group's rows in a fresh order on every call (V3) survives the same cases.
     */
    @TestFactory
    Stream<DynamicTest> inferencePermuteMutantsDieUnderTheirVRule() {
        return killedInTheQuickTier("inference", "inference", Bug.INFERENCE_ROW_ALIGNMENT_IGNORED, Bug.INFERENCE_MAP_UNINITIALIZED,
                Bug.INFERENCE_READS_PAST_VALID_TOKENS, Bug.INFERENCE_OFFSETS_UNALIGNED, Bug.INFERENCE_CLAIM_RACE, Bug.INFERENCE_UNPERMUTE_PAST_N_USED);
    }

    /**
     * The mutants of Megatron-Core's pad_routing_map (issue 14 profile 3, docs/mutants.md) die by FAIL in the quick tier (its
     * pad-routing-map vectors and edge cases: an empty expert, aligned counts, m above T, Megatron-LM #6086's case) under the
     * Q rule each was planted against.
     */
    @TestFactory
    Stream<DynamicTest> padRoutingMapMutantsDieUnderTheirQRule() {
        return killedInTheQuickTier("pad-routing-map", "pad-routing-map", Bug.PAD_MAP_HIGHEST_ZEROS, Bug.PAD_MAP_WHOLE_BLOCK_WHEN_ALIGNED,
                Bug.PAD_MAP_OVERFLOW_LEFT_UNPADDED);
    }

    /**
     * The quantized mutants (issue 17, docs/mutants.md) die by FAIL in the quick tier (its scale edge cases and sampled fp8
     * dispatches with scales) under the F rule each was planted against.
     */
    @TestFactory
    Stream<DynamicTest> quantizedMutantsDieUnderTheirFRule() {
        return killedInTheQuickTier(null, null, Bug.SCALE_ROW_STRIDE, Bug.SCALES_TRANSPOSED, Bug.SCALE_PAD_ROWS_GARBAGE, Bug.SCALES_UNPERMUTED,
                Bug.ZERO_PROB_SCALE_ZEROED);
    }

    /**
     * Each planted bug dies by FAIL in the quick tier under the rule it was planted against; with a marker, the killing
     * case is one of the profile's own (its id contains the marker), not a case of another op that happens to catch it.
     */
    private static Stream<DynamicTest> killedInTheQuickTier(String marker, String what, Bug... bugs) {
        return Stream.of(bugs).map(b -> DynamicTest.dynamicTest(b.id, () -> {
            KillSearch.Kill k = KillSearch.hunt(() -> new PlantedCpuBackend(b), BUDGET, false);
            assertEquals(Status.FAIL, k.status(), b.id + ": " + k.stage() + " " + k.status() + " at " + k.caseId() + ": " + k.message());
            assertEquals("quick", k.stage(), b.id + " killed only at stage " + k.stage());
            assertTrue(k.rules().contains(b.rule), b.id + " killed under " + k.rules() + ", planted against " + b.rule);
            if (marker != null) assertTrue(k.caseId().contains(marker), b.id + " killed by " + k.caseId() + ", not by a " + what + " case");
        }));
    }

    /** No false alarm: the planted backend without a bug passes the quick tier and 1,000 fuzz cases. */
    @Test
    void cleanPlantedCpuBackendSurvives() {
        KillSearch.Kill k = KillSearch.hunt(Controls.cleanCpu().factory(), BUDGET);
        assertEquals("survived", k.stage(), "false alarm on the clean CPU backend: " + k.status() + " at " + k.caseId() + ": " + k.message()
                + (k.shrunk() == null ? "" : " (shrunk: " + k.shrunk() + ")"));
        assertTrue(k.cases() >= KillSearch.quickCount(BUDGET), "the whole quick tier ran");
    }

    /** No false alarm on the contract's freedoms: deviations only where the spec leaves things unspecified or admissible. */
    @TestFactory
    Stream<DynamicTest> freedomControlsPass() {
        return Controls.freedoms().stream().map(m -> DynamicTest.dynamicTest(m.id() + " (" + m.rule() + ")", () -> {
            KillSearch.Kill k = KillSearch.hunt(m, BUDGET);
            assertEquals("survived", k.stage(), "false alarm on " + m.id() + " (" + m.bugClass() + "): " + k.status() + " at " + k.caseId()
                    + ": " + k.message());
        }));
    }

    /** No false alarm: the engine's CPU backend (the base of the decorated mutants) passes the same cases. */
    @Test
    void engineCpuBackendSurvives() {
        KillSearch.Kill k = KillSearch.hunt(Controls.engineCpu().factory(), BUDGET);
        assertEquals("survived", k.stage(), "false alarm on the engine's CPU backend: " + k.status() + " at " + k.caseId() + ": " + k.message());
    }

    /** No false alarm: the numpy example port (through the protocol) passes the same cases. */
    @Test
    void numpyPortSurvives() {
        assumeTrue(hasNumpy(), "python3 with numpy is not available");
        KillSearch.Kill k = KillSearch.hunt(Controls.numpyPort().factory(), PROTOCOL_BUDGET);
        assertEquals("survived", k.stage(), "false alarm on the numpy port: " + k.status() + " at " + k.caseId() + ": " + k.message()
                + (k.shrunk() == null ? "" : " (shrunk: " + k.shrunk() + ")"));
    }

    /** The catalogue as the issue asks: at least 30 mutants, at least 3 at protocol level, unique ids, a rule and a field reference each. */
    @Test
    void catalogueIsLargeEnoughAndWellFormed() {
        List<Mutant> all = Catalogue.all();
        assertTrue(all.size() >= 30, "only " + all.size() + " mutants");
        assertTrue(Catalogue.protocol().size() >= 3, "fewer than 3 protocol-level mutants");
        Set<String> ids = new HashSet<>();
        for (Mutant m : all) {
            assertTrue(ids.add(m.id()), "duplicate mutant id " + m.id());
            // a rule of the Rule enum (which RuleTest keeps equal to docs/spec.md), not a fixed set of letters: a profile adds groups (I)
            assertTrue(org.permcheck.contract.Rule.byId(m.rule()).isPresent(), m.id() + ": expected rule '" + m.rule() + "' is not a rule id");
            assertFalse(m.fieldRef().isBlank(), m.id() + ": no field reference");
            assertFalse(m.bugClass().isBlank(), m.id() + ": no bug description");
        }
    }

    /** Every expected rule is one docs/spec.md defines (a renumbering there must be followed here). */
    @Test
    void expectedRulesExistInTheSpec() throws Exception {
        String spec = Files.readString(Catalogue.repoRoot().resolve("docs/spec.md"));
        List<String> missing = new ArrayList<>();
        for (Mutant m : Catalogue.all()) {
            if (m.rule().startsWith("R")) continue; // run-level rules live in docs/checks.md
            if (!spec.contains("**" + m.rule() + "**")) missing.add(m.id() + " -> " + m.rule());
        }
        assertTrue(missing.isEmpty(), "rules not defined in docs/spec.md: " + missing);
    }

    /** The committed kill matrix lists every mutant (regenerate it when the catalogue changes, docs/mutants.md). */
    @Test
    void committedKillMatrixListsEveryMutant() throws Exception {
        Path matrix = Catalogue.repoRoot().resolve("reports/kill-matrix.md");
        assumeTrue(Files.isRegularFile(matrix), "reports/kill-matrix.md not generated yet");
        String text = Files.readString(matrix);
        List<String> missing = new ArrayList<>();
        for (Mutant m : Catalogue.all()) if (!text.contains("| " + m.id() + " |")) missing.add(m.id());
        assertTrue(missing.isEmpty(), "reports/kill-matrix.md is stale, missing: " + missing);
    }

    private static Boolean numpy;

    static synchronized boolean hasNumpy() {
        if (numpy == null) {
            try {
                Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                numpy = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (Exception e) {
                numpy = false;
            }
        }
        return numpy;
    }
}
