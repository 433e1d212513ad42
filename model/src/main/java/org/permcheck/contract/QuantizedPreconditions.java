package org.permcheck.contract;

import java.util.Optional;

import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

import static org.permcheck.contract.Preconditions.violation;

/**
 * X22, X23 (docs/spec.md): the calls that bring block scales ({@code scale_inv}, {@code scale_recipe}).
 * The oracle and {@link CallPreconditions} both call it.
 */
public final class QuantizedPreconditions {
    private QuantizedPreconditions() {}

    /** True when the call brings block scales (the port or the recipe attribute). */
    public static boolean quantized(Invocation inv) {
        return inv.inputs().containsKey(Ports.SCALE_INV) || inv.attrs().containsKey(Attrs.SCALE_RECIPE);
    }

    /**
     * X23: only token_dispatch takes block scales; every other op refuses them (TE's unpermute forward and
     * the backward passes assert a non-quantized input). Checked before X1, so the refusal names X23.
     */
    public static void refuseOutsideDispatch(Invocation inv) {
        if (inv.op() != Op.DISPATCH && quantized(inv)) {
            throw violation(Rule.X23, inv.op().wireName() + " refuses quantized inputs (scale_inv / scale_recipe): only token_dispatch moves block scales");
        }
    }

    /**
     * X22 of a token_dispatch call; returns its recipe, empty when it brings no scales. The scales and the
     * recipe come together, with an fp8 payload, in a profile without argsort outputs; {@code scale_inv} is
     * {@code [T, ceil(H/block)]} of the recipe's dtype (F1).
     */
    public static Optional<ScaleRecipe> dispatch(Invocation inv) {
        if (inv.op() != Op.DISPATCH || !quantized(inv)) return Optional.empty();
        Optional<Long> code = inv.optionalAttr(Attrs.SCALE_RECIPE);
        Optional<Tensor> scale = inv.optionalInput(Ports.SCALE_INV);
        if (code.isEmpty()) throw violation(Rule.X22, "scale_inv needs the scale_recipe attribute (1 fp8-block-1x128, 2 mxfp8)");
        if (scale.isEmpty()) throw violation(Rule.X22, "scale_recipe = " + code.get() + " needs the scale_inv input");
        ScaleRecipe recipe = ScaleRecipe.byCode(code.get())
                .orElseThrow(() -> violation(Rule.X22, "scale_recipe must be 1 (fp8-block-1x128) or 2 (mxfp8), got " + code.get()));
        if (inv.profile().argsortOutputs()) throw violation(Rule.X22, "profile " + inv.profile().id() + " takes no block scales");
        Tensor inp = inv.input(Ports.INP);
        if (inp.dtype() != DType.F8E4M3 && inp.dtype() != DType.F8E5M2) {
            throw violation(Rule.X22, "scale_inv comes with an fp8 payload (f8e4m3, f8e5m2), but inp is " + inp.dtype());
        }
        Tensor s = scale.get();
        if (s.dtype() != recipe.dtype()) throw violation(Rule.X22, "scale_inv of recipe " + recipe.label() + " must be " + recipe.dtype() + ", got " + s.dtype());
        long tokens = inp.rank() == 2 ? inp.dim(0) : -1, blocks = inp.rank() == 2 ? recipe.blocks(inp.dim(1)) : -1;
        if (s.rank() != 2 || s.dim(0) != tokens || s.dim(1) != blocks) {
            throw violation(Rule.X22, "scale_inv of recipe " + recipe.label() + " must be [" + tokens + ", " + blocks + "] (T, ceil(H/" + recipe.blockSize()
                    + ")), got " + s.dtype() + s.shapeString());
        }
        return Optional.of(recipe);
    }
}
