package org.permcheck.cuda.ops;

import java.util.Optional;

import org.permcheck.contract.PreconditionViolation;
import org.permcheck.contract.Rule;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/** Shape facts of a row_id_map input [T, 2E+1] and the optional pad_offsets beside it. */
record RowIdMapInput(Tensor map, long tokens, int experts, Optional<Tensor> padOffsets) {

    static RowIdMapInput of(Tensor map, Optional<Tensor> padOffsets) {
        if (map.dtype() != DType.I32 || map.rank() != 2 || map.dim(1) % 2 != 1) {
            throw new PreconditionViolation(Rule.X1, "row_id_map must be int32[T, 2E+1], got " + map.dtype() + map.shapeString());
        }
        int experts = Math.toIntExact((map.dim(1) - 1) / 2);
        padOffsets.ifPresent(p -> {
            Units.indexSize(p.dtype());
            if (!p.sameShape(experts)) throw new PreconditionViolation(Rule.X1, "pad_offsets must be [E=" + experts + "], got " + p.shapeString());
        });
        return new RowIdMapInput(map, map.dim(0), experts, padOffsets);
    }

    int padSize() { return padOffsets.map(p -> p.dtype().size()).orElse(0); }
}
