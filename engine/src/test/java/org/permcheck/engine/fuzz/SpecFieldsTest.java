package org.permcheck.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.engine.model.Case;
import org.permcheck.oracle.Oracle;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/** The spec fields added for issue 11: routing_dtype and values=distinct; old lines read as before. */
class SpecFieldsTest {

    static final String OLD = "op=token_dispatch profile=te-jax T=5 E=3 H=4 k=2 routing=uniform align=0 extra=1 dtype=f32 "
            + "probs_dtype=f32 probs=true merging_probs=false zero_probs=true values=bits chunks=1 chunk_order=random shards=1 seed=0x2a";

    @Test
    void aLineWithoutTheNewFieldsReadsAsInt32AndPrintsUnchanged() {
        CaseSpec s = CaseSpec.parse(OLD);
        assertEquals(DType.I32, s.routingDtype());
        assertEquals(OLD, s.toString());
    }

    @Test
    void newFieldsRoundTrip() {
        for (DType d : new DType[] {DType.BOOL, DType.I64}) {
            CaseSpec s = CaseSpec.parse(OLD).withRoutingDtype(d).withValues(Values.DISTINCT);
            assertEquals(OLD.replace("values=bits", "values=distinct") + " routing_dtype=" + d.id(), s.toString());
            assertEquals(s, CaseSpec.parse(s.toString()));
        }
        assertThrows(IllegalArgumentException.class, () -> CaseSpec.parse(OLD + " routing_dtype=nonsense"));
        assertNotNull(CaseGenerator.problem(CaseSpec.parse(OLD).withRoutingDtype(DType.F32)), "f32 routing map refused (X2)");
        assertNotNull(CaseGenerator.problem(CaseSpec.parse(OLD).withOp(Op.COMBINE).withRoutingDtype(DType.BOOL)), "combine has no routing map");
        assertNotNull(CaseGenerator.problem(CaseSpec.parse(OLD).withOp(Op.COMBINE).withDtype(DType.BF16).withValues(Values.DISTINCT)),
                "16-bit distinct codes include inf and NaN: no reductions");
    }

    /** Same routing entries, another dtype; the oracle's answer (D1) is the same as for int32. */
    @Test
    void boolAndInt64RoutingMapsCarryTheSameRouting() {
        CaseSpec base = CaseSpec.parse(OLD).withTokens(40).withExperts(9).withTopK(3).withRouting(Routing.NOWHERE);
        Case i32 = CaseGenerator.generate("a", base, null, "property");
        Tensor ref = i32.invocation().input(Ports.ROUTING_MAP);
        for (DType d : new DType[] {DType.BOOL, DType.I64}) {
            Case c = CaseGenerator.generate("b", base.withRoutingDtype(d), null, "property");
            Tensor map = c.invocation().input(Ports.ROUTING_MAP);
            assertEquals(d, map.dtype());
            for (long t = 0; t < 40; t++) for (long e = 0; e < 9; e++) assertEquals(ref.getLong(t, e), map.getLong(t, e));
            assertTrue(c.invocation().input(Ports.INP).bitEquals(i32.invocation().input(Ports.INP)), "no extra draws");
            assertTrue(Oracle.expected(c.invocation()).values().get(Ports.OUTPUT).bitEquals(Oracle.expected(i32.invocation()).values().get(Ports.OUTPUT)));
            assertTrue(c.features().contains(CaseFeatures.routingDtypeLabel(d)), c.features().toString());
        }
        assertTrue(i32.features().contains("int32-routing-map"));
        assertTrue(i32.features().contains("size-small"), "a small shape's class, from its shape");
    }

    /** Hand-computed codes: f32 the values 1, 2, 3, ...; raw bits 1, 2, ... otherwise; fp8 wraps after 251. */
    @Test
    void distinctValuesAreTheDocumentedCodes() {
        Tensor f = Values.DISTINCT.generate(new SplitMix64(1), DType.F32, 2, 3);
        for (int i = 0; i < 6; i++) assertEquals(i + 1f, f.getF32(i / 3, i % 3));
        Tensor b = Values.DISTINCT.generate(new SplitMix64(1), DType.BF16, 2, 3);
        for (int i = 0; i < 6; i++) assertEquals(i + 1, b.bits(i / 3, i % 3));
        Tensor q = Values.DISTINCT.generate(new SplitMix64(1), DType.F8E4M3, 300, 1);
        assertEquals(251, q.bits(250, 0));
        assertEquals(1, q.bits(251, 0), "1 + (251 mod 251)");
        assertEquals(FloatFormats.fromF32(DType.F32, 16777213f), Values.distinct(DType.F32, 16777212));
        assertEquals(FloatFormats.fromF32(DType.F32, 1f), Values.distinct(DType.F32, 16777213));
    }

    /** Every row of a 16-bit payload of 16385 rows and 7 columns differs from every other (FlashInfer #4087). */
    @Test
    void distinctRowsStayDistinct() {
        Tensor t = Values.DISTINCT.generate(new SplitMix64(1), DType.F16, 16385, 7);
        Set<String> rows = new HashSet<>();
        long[] row = new long[7];
        for (long r = 0; r < 16385; r++) {
            for (int c = 0; c < 7; c++) row[c] = t.bits(r, c);
            assertTrue(rows.add(java.util.Arrays.toString(row)), "row " + r + " repeats");
        }
        assertNotEquals(t.bits(0, 0), t.bits(0, 1), "columns differ too");
    }

    /** The shrinker never moves to distinct values, and from them it tries index values; from bool routing, int32. */
    @Test
    void shrinkerCandidates() {
        CaseSpec small = CaseSpec.parse(OLD).withValues(Values.SMALL);
        assertTrue(Shrinker.candidates(small).stream().noneMatch(c -> c.values() == Values.DISTINCT));
        CaseSpec d = CaseSpec.parse(OLD).withValues(Values.DISTINCT).withRoutingDtype(DType.BOOL);
        assertTrue(Shrinker.candidates(d).contains(d.withValues(Values.INDEX)));
        assertTrue(Shrinker.candidates(d).contains(d.withRoutingDtype(DType.I32)));
    }
}
