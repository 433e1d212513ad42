package org.permcheck.contract;

import java.util.Optional;

import org.permcheck.tensor.Tensor;

import static org.permcheck.contract.Preconditions.violation;

/**
 * X19-X21 (docs/spec.md): the calls an argsort profile (maxtext, {@link Profile#argsortOutputs()}) takes,
 * checked after X9/X10 have read the index form. The oracle and {@link CallPreconditions} both call it.
 */
public final class ArgsortPreconditions {
    private ArgsortPreconditions() {}

    /** X19-X21 of a token_dispatch call; quiet for every other op. */
    public static void check(Invocation inv) {
        if (inv.op() != Op.DISPATCH) return;
        Optional<Long> roll = inv.optionalAttr(Attrs.ROLL_TO_EXPERT_ID);
        if (!inv.profile().argsortOutputs()) {
            if (roll.isPresent()) throw violation(Rule.X21, "roll_to_expert_id belongs to an argsort profile (maxtext), not to " + inv.profile().id());
            return;
        }
        // X19: MaxText's permute reads top-k ids [B,S,K] (flattened to [T,K] by the caller) and never aligns
        if (!inv.inputs().containsKey(Ports.TOPK_IDS)) throw violation(Rule.X19, "profile " + inv.profile().id() + " takes the index form (topk_ids), not a routing_map");
        if (inv.attrs().containsKey(Attrs.ALIGN_SIZE)) throw violation(Rule.X19, "profile " + inv.profile().id() + " has no per-expert alignment (align_size refused)");
        Tensor ids = inv.input(Ports.TOPK_IDS);
        // X20: bincount and argsort give every slot a group; a -1 would sort first and belong to none
        for (long t = 0; t < ids.dim(0); t++) {
            for (long j = 0; j < ids.dim(1); j++) {
                if (ids.getLong(t, j) < 0) throw violation(Rule.X20, "profile " + inv.profile().id() + ": topk_ids[" + t + "," + j + "] = -1, but every slot names an expert");
            }
        }
        long slots = ids.numel();
        Optional<Long> n = inv.optionalAttr(Attrs.NUM_OUT_TOKENS);
        if (n.isPresent() && n.get() != slots) {
            throw violation(Rule.X20, "profile " + inv.profile().id() + ": num_out_tokens must be T*K = " + slots + " (the buffer holds every slot), got " + n.get());
        }
        if (roll.isPresent()) {
            long experts = Preconditions.numExperts(inv);
            if (roll.get() < 0 || roll.get() >= experts) throw violation(Rule.X21, "roll_to_expert_id must be in [0, " + experts + "), got " + roll.get());
        }
    }
}
