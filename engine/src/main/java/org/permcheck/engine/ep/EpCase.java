package org.permcheck.engine.ep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.permcheck.oracle.ep.RankChain;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * One case of the ep tier (docs/spec.md A7–A9): per rank its tokens {@code inp [T_r,H]}, its
 * {@code routing_map [T_r,E]}, its {@code probs [T_r,E]} and the gradient of its expert buffer, plus
 * the shared counts {@code all_shards_tokens_per_expert [S,E]} every rank is sent.
 */
public record EpCase(String name, long seed, String shape, List<Tensor> inp, List<Tensor> routingMap, List<Tensor> probs, List<Tensor> gradExpertBuffer) {
    public int worldSize() { return inp.size(); }

    public long experts() { return routingMap.get(0).dim(1); }

    /** The request inputs of rank r (docs/protocol.md 8.2). */
    public Map<String, Tensor> rankInputs(int r) {
        long[][] m = RankChain.counts(routingMap);
        Tensor counts = Tensor.zeros(DType.I32, m.length, m[0].length);
        for (int i = 0; i < m.length; i++) for (int e = 0; e < m[i].length; e++) counts.setLong(i, e, m[i][e]);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put(EpWire.INP, inp.get(r));
        in.put(EpWire.ROUTING_MAP, routingMap.get(r));
        in.put(EpWire.PROBS, probs.get(r));
        in.put(EpWire.ALL_SHARDS_TOKENS_PER_EXPERT, counts);
        in.put(EpWire.GRAD_EXPERT_BUFFER, gradExpertBuffer.get(r));
        return in;
    }

    public List<Map<String, Tensor>> allRankInputs() {
        List<Map<String, Tensor>> all = new ArrayList<>();
        for (int r = 0; r < worldSize(); r++) all.add(rankInputs(r));
        return all;
    }

    /** Tokens per rank, for the report ("3,0,5"). */
    public String tokensPerRank() {
        return inp.stream().map(t -> Long.toString(t.dim(0))).collect(Collectors.joining(","));
    }
}
