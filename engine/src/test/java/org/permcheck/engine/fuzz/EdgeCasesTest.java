package org.permcheck.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Attrs;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.engine.model.Case;
import org.permcheck.tensor.Tensor;

/**
 * The quick tier's edge cases reach the shapes of the field bugs of issue 11 (docs/mutants.md): experts
 * past 1024 actually routed (an id aliased mod 1024 must change the answer), rows not a multiple of 8
 * elements wide, and an expert-parallel shard that sends nothing while others send to it. The routed
 * experts and the send/receive sums are read off the generated inputs here, by the formulas of
 * docs/spec.md A1/A2, so a change of the generator's draws that loses a property fails this test.
 */
class EdgeCasesTest {

    private static Case edge(String name) {
        CaseSpec s = EdgeCases.quick().get(name);
        assertTrue(s != null, "no quick edge case " + name);
        return CaseGenerator.generate("quick/edge/" + name, s, null, "property");
    }

    @Test
    void bigExpertCasesRouteExpertsAtAndPast1024AndStaySmall() {
        int big = 0;
        for (Map.Entry<String, CaseSpec> e : EdgeCases.quick().entrySet()) {
            CaseSpec s = e.getValue();
            if (s.experts() <= 1024) continue;
            big++;
            assertTrue(s.tokens() <= 8 && s.hidden() <= 8, e.getKey() + " keeps T and H small (the quick tier stays fast)");
            Case c = edge(e.getKey());
            assertTrue(routedExperts(c).stream().anyMatch(x -> x >= 1024), e.getKey() + " routes no expert >= 1024");
        }
        assertTrue(big >= 3, "only " + big + " quick edge cases with E > 1024");
        // the all-routed one: every id past the alias boundary (1024 ... E-1) is routed
        assertEquals(1025, routedExperts(edge("dispatch-E1025-all")).size());
    }

    @Test
    void rowWidthsThatAreNotAMultipleOf8AreCoveredForDispatchAndCombine() {
        for (int h : new int[] {7, 9, 33, 100}) {
            for (Op op : new Op[] {Op.DISPATCH, Op.COMBINE}) {
                boolean found = EdgeCases.quick().values().stream().anyMatch(s -> s.op() == op && s.hidden() == h);
                assertTrue(found, "no quick edge case of " + op.wireName() + " with H = " + h);
            }
        }
    }

    @Test
    void emptyRankCasesHaveAShardThatSendsNothingButReceives() {
        for (String name : new String[] {"ragged-params-empty-rank", "ragged-params-reverse-empty-rank"}) {
            Case c = edge(name);
            boolean reverse = c.invocation().op() == Op.REVERSE_RAGGED_A2A_PARAMS;
            Tensor m = c.invocation().input(Ports.ALL_SHARDS_TOKENS_PER_EXPERT);
            int me = (int) (long) c.invocation().attr(Attrs.SHARD_ID);
            int shards = (int) (long) c.invocation().attr(Attrs.NUM_SHARDS);
            int local = (int) m.dim(1) / shards;
            long[][] st = new long[shards][shards]; // send_to[i][j] = sum of M[i, j*L:(j+1)*L] (docs/spec.md A1)
            for (int i = 0; i < shards; i++) for (int e = 0; e < m.dim(1); e++) st[i][e / local] += m.getLong(i, e);
            long sent = 0, received = 0, offsets = 0;
            for (int j = 0; j < shards; j++) {
                sent += reverse ? st[j][me] : st[me][j];
                received += reverse ? st[me][j] : st[j][me];
                for (int i = 0; i < me; i++) offsets += reverse ? st[j][i] : st[i][j];
            }
            assertEquals(0, sent, name + ": shard " + me + " sends nothing");
            assertTrue(received > 0 && offsets > 0, name + ": shard " + me + " receives rows and has nonzero output_offsets");
        }
    }

    /** The experts some token is routed to: the routing_map of a dispatch, the slot experts of a row_id_map input. */
    private static Set<Integer> routedExperts(Case c) {
        Set<Integer> out = new TreeSet<>();
        Tensor r = c.invocation().inputs().get(Ports.ROUTING_MAP);
        if (r != null) {
            for (long t = 0; t < r.dim(0); t++) for (int e = 0; e < r.dim(1); e++) if (r.bits(t, e) != 0) out.add(e);
            return out;
        }
        Tensor map = c.invocation().input(Ports.ROW_ID_MAP); // [T, 2E+1]: slots i < n(t) name expert map[t, E+i]; n(t) = map[t, 2E]
        long experts = (map.dim(1) - 1) / 2;
        for (long t = 0; t < map.dim(0); t++) {
            long n = map.getLong(t, 2 * experts);
            for (long i = 0; i < n; i++) out.add((int) map.getLong(t, experts + i));
        }
        return out;
    }
}
