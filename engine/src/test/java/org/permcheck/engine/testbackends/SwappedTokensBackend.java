package org.permcheck.engine.testbackends;

import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.tensor.Tensor;

/**
 * Planted bug: in token_dispatch, the rows of the first two tokens of the first expert that has
 * two or more are swapped (row_id_map stays right), i.e. two tokens swapped inside an expert.
 */
public final class SwappedTokensBackend extends MutatingBackend {
    @Override
    protected void mutate(Invocation inv, Map<String, Tensor> outputs) {
        if (inv.op() != Op.DISPATCH) return;
        Tensor map = outputs.get("row_id_map");
        Tensor out = outputs.get("output");
        Tensor pad = outputs.get("pad_offsets");
        long tokens = map.dim(0);
        long experts = (map.dim(1) - 1) / 2;
        for (long e = 0; e < experts; e++) {
            long first = -1;
            for (long t = 0; t < tokens; t++) {
                long n = map.getLong(t, 2 * experts);
                for (long i = 0; i < n; i++) {
                    if (map.getLong(t, experts + i) != e) continue;
                    long row = map.getLong(t, i) + (pad == null ? 0 : pad.getLong(e));
                    if (first < 0) {
                        first = row;
                    } else {
                        Tensor copy = out.copy();
                        out.copyRowFrom(copy, row, first);
                        out.copyRowFrom(copy, first, row);
                        return;
                    }
                }
            }
        }
    }
}
