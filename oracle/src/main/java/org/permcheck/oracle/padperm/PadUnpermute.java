package org.permcheck.oracle.padperm;

import java.util.Map;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.PadPermutePreconditions;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.Tensor;

/**
 * torchtitan's {@code TorchAOTokenDispatcher._unpermute}, {@code torchao_unpermute} (docs/spec.md W6): the scatter
 * {@code out[permuted_indices] = inp} into T+1 rows with the last (where every -1 pad lands) dropped: row i of the
 * output is the row p of inp with {@code permuted_indices[p] = i}, bit for bit. X29 makes that p unique.
 */
public final class PadUnpermute {
    private PadUnpermute() {}

    public static Expected expected(Invocation inv) {
        long tokens = PadPermutePreconditions.unpermute(inv); // X1, X5, X29
        Tensor inp = inv.input(Ports.INP);
        Tensor idx = inv.input(Ports.PERMUTED_INDICES);
        return new Expected(Map.of(Ports.OUTPUT, scatter(inp, idx, tokens)), Map.of(), Map.of());
    }

    /** W6: {@code output[permuted_indices[p]] = inp[p]} for every p that is not -1; the pad rows are dropped. */
    static Tensor scatter(Tensor inp, Tensor idx, long tokens) {
        Tensor out = Tensor.zeros(inp.dtype(), tokens, inp.dim(1));
        for (long p = 0; p < idx.numel(); p++) {
            long i = idx.getLong(p);
            if (i >= 0) out.copyRowFrom(inp, p, i);
        }
        return out;
    }
}
