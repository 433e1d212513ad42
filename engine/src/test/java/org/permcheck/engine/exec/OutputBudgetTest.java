package org.permcheck.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Profile;
import org.permcheck.engine.fuzz.CaseGenerator;
import org.permcheck.engine.fuzz.CaseSpec;
import org.permcheck.engine.fuzz.EdgeCases;
import org.permcheck.engine.fuzz.Routing;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.run.Shard;
import org.permcheck.engine.run.Tier;
import org.permcheck.engine.vectors.VectorSet;
import org.permcheck.oracle.Oracle;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;
import org.permcheck.tensor.npy.Npy;

/**
 * Issue 9, "a perfect protocol backend is NOT CONFORMANT": every correct answer fits the output
 * budget (docs/protocol.md section 5). The correct answer is the oracle's, written as a port would
 * write it (the .npy header plus its elements), and, stronger, as if every element were 8 bytes wide
 * (an i64 or f64 answer of the right shape). Over every op, both profiles, every payload dtype the
 * generator makes, at extreme shapes (E=1, a routing that sends nothing anywhere, T=1024 with E=32,
 * E=512 with one token, k=E, align far above the counts, extra rows, a bool routing_map), and over
 * every case of the quick tier, the full tier's edge cases and a share of its sampled cases.
 * On the code at 7433f50 the combine's [T, H] output and a bool map's row_id_map did not fit.
 */
class OutputBudgetTest {
    /** X5: the payload dtypes of the contract. */
    static final List<DType> PAYLOADS = List.of(DType.F32, DType.BF16, DType.F16, DType.F8E4M3, DType.F8E5M2);
    static final List<Profile> PROFILES = List.of(Profile.TE_JAX, Profile.TORCH_MASK_PAD);
    /** T, E, H, k: the extremes (a single token, a single expert, many experts, every expert). */
    static final int[][] SHAPES = {{1, 1, 1, 1}, {1024, 32, 8, 1}, {1, 512, 4, 8}, {64, 1, 4, 1}, {256, 8, 1, 8}, {33, 4, 3, 0}};
    static final List<Routing> ROUTINGS = List.of(Routing.NOWHERE, Routing.ONE_EXPERT, Routing.ALL, Routing.EMPTY_FIRST, Routing.UNIFORM);

    /** Why one output does not fit, or null. */
    static String misfit(String id, Invocation inv, Expected expected) {
        for (Map.Entry<String, Tensor> e : expected.values().entrySet()) {
            Tensor t = e.getValue();
            long budget = OutputBudget.bytesFor(inv, inv.op().output(e.getKey()));
            long header = Npy.header(t.dtype(), t.shape()).length;
            long asWritten = header + t.numel() * t.dtype().size();
            long widest = header + t.numel() * 8L;
            if (asWritten > budget || widest > budget) {
                return id + ": " + inv.describe() + " output '" + e.getKey() + "' " + t.dtype() + java.util.Arrays.toString(t.shape())
                        + " is " + asWritten + " bytes (" + widest + " at 8 bytes an element), over the budget of " + budget;
            }
        }
        return null;
    }

    static Invocation withBoolRoutingMap(Invocation inv) {
        Tensor m = inv.input(Ports.ROUTING_MAP);
        Tensor b = Tensor.zeros(DType.BOOL, m.shape());
        for (long i = 0; i < m.numel(); i++) b.setLong(i, m.getLong(i) != 0 ? 1 : 0);
        Map<String, Tensor> in = new LinkedHashMap<>(inv.inputs());
        in.put(Ports.ROUTING_MAP, b);
        return new Invocation(inv.op(), inv.profile(), in, inv.attrs());
    }

    static List<CaseSpec> extremes() {
        List<CaseSpec> specs = new ArrayList<>();
        long seed = 1;
        for (Op op : Op.values()) {
            for (Profile profile : PROFILES) {
                for (DType dtype : PAYLOADS) {
                    for (int[] s : SHAPES) {
                        for (Routing routing : ROUTINGS) {
                            for (int align : new int[] {0, 1, 128}) {
                                int shards = s[1] % 4 == 0 ? 4 : 1;
                                boolean flag = (seed & 1) == 0;
                                specs.add(CaseSpec.of(op, s[0], s[1], s[2], s[3], seed++).withProfile(profile).withDtype(dtype)
                                        .withRouting(routing).withAlign(align).withExtra(flag ? 0 : 50).withProbs(flag)
                                        .withMergingProbs(!flag).withZeroProbs(flag).withShards(shards).withChunks(1 + s[3]));
                            }
                        }
                    }
                }
            }
        }
        return specs;
    }

    @Test
    void everyCorrectAnswerAtTheExtremesFits() {
        List<String> misfits = new ArrayList<>();
        Set<String> reached = new TreeSet<>();
        int judged = 0;
        for (CaseSpec spec : extremes()) {
            if (CaseGenerator.problem(spec) != null) continue;
            Case c;
            try {
                c = CaseGenerator.generate("extreme/" + spec.seed(), spec, null, "property");
            } catch (IllegalArgumentException noSuchCase) {
                continue; // a dtype the generator's values cannot make for this op
            }
            List<Invocation> variants = new ArrayList<>(List.of(c.invocation()));
            if (spec.op() == Op.DISPATCH) variants.add(withBoolRoutingMap(c.invocation()));
            for (Invocation inv : variants) {
                String why = misfit(c.id(), inv, Oracle.expected(inv));
                if (why != null) misfits.add(why);
                reached.add(inv.op().wireName() + "/" + inv.profile().id() + "/" + spec.dtype().id());
                judged++;
            }
        }
        assertEquals(List.of(), misfits.subList(0, Math.min(5, misfits.size())), misfits.size() + " correct answers do not fit");
        // not vacuous: every op in both profiles, and the dispatch in every dtype, was reached
        for (Op op : Op.values()) {
            for (Profile p : PROFILES) {
                assertTrue(reached.stream().anyMatch(r -> r.startsWith(op.wireName() + "/" + p.id() + "/")), op + " in " + p + " never reached");
            }
        }
        for (DType d : PAYLOADS) {
            assertTrue(reached.contains("token_dispatch/te-jax/" + d.id()), "dispatch of " + d + " never reached: " + reached);
        }
        assertTrue(judged > 5000, "only " + judged + " extreme answers measured");
    }

    @Test
    void everyCorrectAnswerOfTheTiersFits() throws IOException {
        List<Case> cases = new ArrayList<>(VectorSet.load(Path.of("..").resolve("vectors")));
        cases.addAll(Tier.QUICK.cases(Tier.DEFAULT_SEED, new Shard(0, 1)));
        // every 10th case of the full tier keeps this to seconds on CI's 2 cores (and its heap)
        cases.addAll(Tier.FULL.cases(Tier.DEFAULT_SEED, new Shard(0, 10)));
        List<String> misfits = new ArrayList<>();
        for (Case c : cases) check(c, misfits);
        // the full tier's large edge cases (T up to 4096, H 7168), one at a time
        int large = 0;
        for (Map.Entry<String, CaseSpec> e : EdgeCases.full().entrySet()) {
            check(CaseGenerator.generate("full/edge/" + e.getKey(), e.getValue(), null, "property"), misfits);
            large++;
        }
        assertEquals(List.of(), misfits.subList(0, Math.min(5, misfits.size())), misfits.size() + " correct answers do not fit");
        assertTrue(cases.size() > 2500 && large > 20, "only " + cases.size() + " tier cases and " + large + " large edge cases measured");
    }

    private static void check(Case c, List<String> misfits) {
        Expected e;
        try {
            e = Oracle.expected(c.invocation());
        } catch (RuntimeException negativeVector) {
            return; // a negative vector: outside the contract, no correct answer exists
        }
        String why = misfit(c.id(), c.invocation(), e);
        if (why != null) misfits.add(why);
    }
}
