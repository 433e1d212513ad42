package org.permcheck.engine.testbackends;

import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/** Planted bug: tokens_per_expert returned as int64 whatever the profile (te-jax wants int32). */
public final class Int64CountsBackend extends MutatingBackend {
    @Override
    protected void mutate(Invocation inv, Map<String, Tensor> outputs) {
        if (inv.op() != Op.DISPATCH) return;
        Tensor tpe = outputs.get("tokens_per_expert");
        Tensor wide = Tensor.zeros(DType.I64, tpe.numel());
        for (long e = 0; e < tpe.numel(); e++) wide.setLong(e, tpe.getLong(e));
        outputs.put("tokens_per_expert", wide);
    }
}
