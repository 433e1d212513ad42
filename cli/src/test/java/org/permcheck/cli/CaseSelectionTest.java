package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@code run --op / --rule / --case / --list} (issue 13, case selection), end to end through the
 * CLI. Expected sets come from the listing of the whole tier (each line: id, op, rules), filtered
 * here by hand, never from the selection code.
 */
class CaseSelectionTest {
    static final String VECTORS = java.nio.file.Path.of("..", "vectors").toString();

    static List<String[]> listing(String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "run";
        args[1] = "--vectors";
        args[2] = VECTORS;
        args[3] = "--list";
        System.arraycopy(extra, 0, args, 4, extra.length);
        Cli c = Cli.run(args);
        assertEquals(0, c.exit(), c.err());
        return c.out().lines().map(l -> l.split("  ")).toList();
    }

    @Test
    void listPrintsEveryCaseWithItsOpAndRulesAndStartsNoBackend() {
        List<String[]> all = listing("--backend", "exec:false", "--probes", "off"); // a backend that cannot start: never started
        // 95 vectors, 157 edge cases and 2000 sampled ones (issue 14 added 4 index-form vectors and 6 edge cases, for Megatron's
        // permute / unpermute 7 vectors and 6 edge cases, profile maxtext 2 vectors and 6 edge cases, moe_align_block_size 4 vectors
        // and 6 edge cases, TE's index-map permute / unpermute 7 vectors and 9 edge cases; R3/R4 5 relation cases; issue 17's block scales
        // 5 vectors and 9 edge cases; torchao's padded permute / torchtitan's unpermute 4 vectors and 9 edge cases; DeepEP's
        // get_dispatch_layout 4 vectors and 6 edge cases; TE's ep_dispatch / ep_combine 3 vectors and 6 edge cases; Megatron's
        // inference permute / unpermute 4 vectors and 6 edge cases; Megatron's pad_routing_map 3 vectors and 7 edge cases)
        assertEquals(2252, all.size(), "the quick tier with the committed vectors");
        // the robustness tier follows by default: 107 generated probes (12 of them for the index form: X9, X10, X3; 2 torch-mask-pad X3;
        // 5 Megatron X15-X18; 6 maxtext X19-X21; 10 moe_align_block_size X11-X13; 6 block scales X22, X23; 6 TE index map X14, X24-X26;
        // 5 padded permute X27-X29; 6 inference permute / unpermute X30-X32; 5 DeepEP layout X33, X34; 6 TE EP X35-X37; 4 pad_routing_map X39) and the 42
        // committed negative vectors (ProbeCases): 107 + 42
        List<String[]> withProbes = listing("--backend", "exec:false");
        assertEquals(2252 + 149, withProbes.size());
        assertTrue(withProbes.get(2252)[0].startsWith("robustness/X"), withProbes.get(2252)[0]);
        assertTrue(all.get(0)[0].startsWith("vec/"));
        assertTrue(all.stream().allMatch(l -> l.length == 3));
    }

    @Test
    void opRuleAndPatternSelectWhatTheListingSays() {
        List<String[]> all = listing();
        List<String> combineC3 = all.stream().filter(l -> l[1].equals("token_combine") && List.of(l[2].split(",")).contains("C3"))
                .map(l -> l[0]).toList();
        assertTrue(combineC3.size() > 10, "combines of a token routed nowhere: " + combineC3.size());
        assertEquals(combineC3, listing("--op", "token_combine", "--rule", "C3").stream().map(l -> l[0]).toList());
        List<String> edges = all.stream().map(l -> l[0]).filter(id -> id.startsWith("quick/edge/")).toList();
        assertEquals(edges, listing("--case", "quick/edge/*").stream().map(l -> l[0]).toList());
        assertEquals(List.of("quick/seed=20261126/7"), listing("--case", "quick/seed=20261126/7").stream().map(l -> l[0]).toList());
    }

    @Test
    void aSelectionRunsOnlyItsCases() {
        Cli c = Cli.run("run", "--vectors", VECTORS, "--backend", "cpu", "--case", "quick/edge/*", "--rule", "D3",
                "--out", System.getProperty("java.io.tmpdir") + "/permcheck-selection-" + ProcessHandle.current().pid());
        assertEquals(0, c.exit(), c.err());
        long expected = listing("--case", "quick/edge/*", "--rule", "D3").size();
        assertTrue(c.out().contains("CONFORMANT: " + expected + " cases"), c.out());
    }

    @Test
    void unknownNamesAndEmptySelectionsAreOneLine() {
        for (String[] bad : new String[][] {{"--op", "token_dispach"}, {"--rule", "Z9"}, {"--case", "no/such/*"}}) {
            Cli c = Cli.run("run", "--vectors", VECTORS, "--list", bad[0], bad[1]);
            assertEquals(2, c.exit(), c.err());
            assertEquals(1, c.err().strip().lines().count(), c.err());
        }
    }
}
