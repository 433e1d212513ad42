package org.permcheck.engine.run;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

import org.permcheck.engine.fuzz.CaseGenerator;
import org.permcheck.engine.fuzz.CaseIds;
import org.permcheck.engine.fuzz.CaseSpec;
import org.permcheck.engine.model.Case;

/**
 * A tier's case list, built on demand: element i is generated when it is asked for and never kept,
 * so a run holds only the cases in flight (the runner's lookahead) whatever the tier's size, and a
 * shard builds only its own cases. Generation is deterministic, so asking twice gives equal cases.
 * The list knows its size and which position of the whole tier each element has, without building.
 */
final class TierCases extends AbstractList<Case> implements RandomAccess {
    private final Tier tier;
    private final long seed;
    private final List<Case> vectors;
    private final List<Map.Entry<String, CaseSpec>> edges;
    /** Sampled case numbers of this shard, in order. */
    private final long[] sampled;

    TierCases(Tier tier, long seed, Shard shard, List<Case> allVectors) {
        this.tier = tier;
        this.seed = seed;
        long index = 0;
        List<Case> v = new ArrayList<>();
        for (Case c : allVectors) if (shard.contains(index++)) v.add(c);
        List<Map.Entry<String, CaseSpec>> e = new ArrayList<>();
        for (Map.Entry<String, CaseSpec> x : tier.edges().entrySet()) if (shard.contains(index++)) e.add(x);
        long[] s = new long[tier.sampledCount()];
        int n = 0;
        for (int i = 0; i < s.length; i++) if (shard.contains(index++)) s[n++] = i;
        this.vectors = v;
        this.edges = e;
        this.sampled = java.util.Arrays.copyOf(s, n);
    }

    @Override
    public int size() { return vectors.size() + edges.size() + sampled.length; }

    @Override
    public Case get(int i) {
        if (i < 0 || i >= size()) throw new IndexOutOfBoundsException("case " + i + " of " + size());
        if (i < vectors.size()) return vectors.get(i);
        i -= vectors.size();
        if (i < edges.size()) {
            Map.Entry<String, CaseSpec> e = edges.get(i);
            String caseId = CaseIds.edge(tier.id(), e.getKey());
            InFlight.set("generating " + caseId);
            return CaseGenerator.generate(caseId, e.getValue(), null, "property");
        }
        return Tier.sampledCase(tier.id(), seed, sampled[i - edges.size()], tier.sizeClass(), "property");
    }
}
