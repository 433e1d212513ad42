package org.permcheck.engine.testbackends;

import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.tensor.Tensor;

/**
 * Planted bug: a padded dispatch whose buffer is not pre-zeroed: every row no token lands on
 * holds 0x5A bytes (as if the allocation were recycled), as TE had before #2026.
 */
public final class DirtyPaddingBackend extends MutatingBackend {
    @Override
    protected void mutate(Invocation inv, Map<String, Tensor> outputs) {
        if (inv.op() != Op.DISPATCH || !inv.attrs().containsKey("align_size")) return;
        Tensor map = outputs.get("row_id_map");
        Tensor out = outputs.get("output");
        Tensor pad = outputs.get("pad_offsets");
        long experts = (map.dim(1) - 1) / 2;
        boolean[] holds = new boolean[(int) out.rows()];
        for (long t = 0; t < map.dim(0); t++) {
            for (long i = 0; i < map.getLong(t, 2 * experts); i++) {
                long e = map.getLong(t, experts + i);
                holds[(int) (map.getLong(t, i) + (pad == null ? 0 : pad.getLong(e)))] = true;
            }
        }
        long fill = 0x5A5A5A5A5A5A5A5AL;
        for (int r = 0; r < holds.length; r++) {
            if (holds[r]) continue;
            for (long c = 0; c < out.rowElems(); c++) out.setBits(r, c, fill);
        }
    }
}
