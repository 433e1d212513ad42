package org.permcheck.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.permcheck.engine.fuzz.EdgeCases;
import org.permcheck.engine.model.Case;
import org.permcheck.tensor.Tensor;

/**
 * A tier's list builds its cases on demand (issue 11: the full tier needed ~10 GB because every
 * case was built before the run, and a shard built them all too): making the list generates
 * nothing, an element is the same case each time it is asked for, and the shards' lists are the
 * whole list's elements at positions i mod n.
 */
class TierCasesTest {
    @Test
    void makingTheFullTiersListGeneratesNothing() {
        InFlight.set("sentinel");
        List<Case> full = Tier.FULL.cases(Tier.DEFAULT_SEED, Shard.ALL);
        assertEquals("sentinel", InFlight.what(), "no case was generated to make the list");
        assertEquals(EdgeCases.full().size() + Tier.FULL.sampledCount(), full.size());
    }

    @Test
    void anElementIsTheSameCaseEachTime() {
        List<Case> quick = Tier.QUICK.cases(7, Shard.ALL);
        for (int i : new int[] {0, 5, quick.size() / 2, quick.size() - 1}) {
            Case a = quick.get(i), b = quick.get(i);
            assertEquals(a.id(), b.id());
            assertEquals(a.rules(), b.rules());
            assertEquals(a.invocation().attrs(), b.invocation().attrs());
            for (Map.Entry<String, Tensor> e : a.invocation().inputs().entrySet()) {
                assertTrue(e.getValue().bitEquals(b.invocation().input(e.getKey())), a.id() + " " + e.getKey());
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> quick.get(quick.size()));
    }

    @Test
    void aShardIsEveryNthElementOfTheWholeList() {
        List<Case> all = Tier.QUICK.cases(3, Shard.ALL);
        for (int s = 0; s < 4; s++) {
            List<Case> shard = Tier.QUICK.cases(3, new Shard(s, 4));
            List<String> expected = new ArrayList<>();
            for (int j = s; j < all.size(); j += 4) expected.add(all.get(j).id());
            List<String> got = new ArrayList<>();
            for (Case c : shard) got.add(c.id());
            assertEquals(expected, got, "shard " + s + "/4");
        }
    }

}
