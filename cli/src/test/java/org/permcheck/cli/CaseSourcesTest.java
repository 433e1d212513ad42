package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.run.Shard;
import org.permcheck.engine.run.Tier;

/**
 * {@code --shard i/n} of a tier is every n-th case of the combined list (vectors first, then the
 * tier's cases), and the shards partition the tier: the list of shard i is the unsharded list's
 * cases at positions congruent to i mod n, in order. (Before, the CLI built the whole tier and then
 * filtered it, so a shard cost the memory of the whole; now only the shard's cases are built.)
 */
class CaseSourcesTest {
    static final Path VECTORS = Path.of("..").resolve("vectors");

    static List<String> ids(List<Case> cases) {
        List<String> out = new ArrayList<>();
        for (Case c : cases) out.add(c.id());
        return out;
    }

    @Test
    void shardsAreEveryNthCaseOfTheCombinedListAndPartitionIt() throws Exception {
        List<String> all = ids(CaseSources.tier(Tier.QUICK, Tier.DEFAULT_SEED, Shard.ALL, VECTORS, true));
        assertTrue(all.size() > 2000 && all.get(0).startsWith("vec/"), "vectors first, then the tier: " + all.size());
        int n = 3;
        List<String> union = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> shard = ids(CaseSources.tier(Tier.QUICK, Tier.DEFAULT_SEED, new Shard(i, n), VECTORS, true));
            List<String> expected = new ArrayList<>();
            for (int j = i; j < all.size(); j += n) expected.add(all.get(j));
            assertEquals(expected, shard, "shard " + i + "/" + n);
            union.addAll(shard);
        }
        assertEquals(all.size(), union.size());
        assertEquals(new java.util.TreeSet<>(all), new java.util.TreeSet<>(union));
    }
}
