package org.permcheck.contract;

import java.util.List;
import java.util.Locale;

import org.permcheck.tensor.DType;

/**
 * A contract profile: the explicit parameters in which implementations of the same contract
 * differ (docs/sources.md#profile-parameters). The oracle computes one canonical assignment table and
 * derives every output from it through these parameters; a new profile is a new constant here,
 * never a change of the core.
 *
 * @param id                    stable name ("te-jax", "torch-mask-pad")
 * @param bufferLength          how many rows the padded dispatch output has
 * @param padOffsetsWhenAligned whether pad_offsets is returned when every count is already aligned
 * @param countsDtype           dtype of tokens_per_expert (and pad_offsets)
 * @param fusedMultiplyAdd      whether combine's bit-faithful mode fuses x*p+acc (docs/sources.md#te-16)
 * @param paddingRequired       whether dispatch must be called with align_size
 * @param argsortOutputs        whether dispatch is MaxText's argsort permute (docs/spec.md J1-J4): index form
 *                              only, a buffer of exactly T*K slots, padding refused, the argsort permutation
 *                              {@code sorted_selected_experts} returned and {@code roll_to_expert_id} accepted
 */
public record Profile(String id, BufferLength bufferLength, boolean padOffsetsWhenAligned, DType countsDtype,
                      boolean fusedMultiplyAdd, boolean paddingRequired, boolean argsortOutputs) {

    /** The TE profiles' constructor: no argsort outputs (te-jax's default of every component added since). */
    public Profile(String id, BufferLength bufferLength, boolean padOffsetsWhenAligned, DType countsDtype,
                   boolean fusedMultiplyAdd, boolean paddingRequired) {
        this(id, bufferLength, padOffsetsWhenAligned, countsDtype, fusedMultiplyAdd, paddingRequired, false);
    }

    /** Rows of the padded dispatch buffer. */
    public enum BufferLength {
        /** JAX: {@code ((num_out_tokens + E*(A-1)) // A) * A}, tail rows zero. */
        WORST_CASE,
        /** PyTorch pad variant: exactly {@code sum(target)} rows. */
        EXACT,
        /**
         * MaxText: exactly {@code T*K} rows, one per slot of {@code topk_ids[T,K]} (docs/spec.md J1); no
         * padding is taken (X19), so this length is the unpadded buffer's, never a padded one's.
         */
        SLOTS
    }

    /** TransformerEngine JAX {@code token_dispatch}/{@code token_combine} (the default). */
    public static final Profile TE_JAX = new Profile("te-jax", BufferLength.WORST_CASE, true, DType.I32, false, false);

    /** TransformerEngine PyTorch {@code moe_permute_and_pad_with_probs} / {@code moe_unpermute}. */
    public static final Profile TORCH_MASK_PAD = new Profile("torch-mask-pad", BufferLength.EXACT, false, DType.I64, true, true);

    /**
     * MaxText's {@code RoutedMoE.permute} (docs/sources.md#maxtext-permute): a stable argsort of the flat
     * (rolled) ids, group_sizes by bincount in int32, a buffer of exactly T*K rows, no alignment; combine
     * as te-jax's (a separate multiply and add).
     */
    public static final Profile MAXTEXT = new Profile("maxtext", BufferLength.SLOTS, true, DType.I32, false, false, true);

    public static final List<Profile> ALL = List.of(TE_JAX, TORCH_MASK_PAD, MAXTEXT);

    public static Profile byId(String id) {
        String k = id.toLowerCase(Locale.ROOT);
        for (Profile p : ALL) if (p.id.equals(k)) return p;
        throw new IllegalArgumentException("unknown profile '" + id + "' (known: te-jax, torch-mask-pad, maxtext)");
    }

    @Override
    public String toString() { return id; }
}
