"""The operations of the contract (docs/spec.md, "Operations and ports"; the Java side's contract/Op):
their wire names, which are profile specific, and the outputs each may return.
"""
# wire name -> the Java enum constant's name, which a hello may spell it as too (Op.byWireName)
OPS = {"token_dispatch": "DISPATCH", "token_combine": "COMBINE", "token_dispatch_backward": "DISPATCH_BACKWARD",
       "token_combine_backward": "COMBINE_BACKWARD", "sort_chunks_by_index": "SORT_CHUNKS",
       "sort_chunks_by_index_backward": "SORT_CHUNKS_BACKWARD", "compute_ragged_all_to_all_params": "RAGGED_A2A_PARAMS",
       "compute_reverse_ragged_all_to_all_params": "REVERSE_RAGGED_A2A_PARAMS",
       "local_permute_after_a2a": "LOCAL_PERMUTE_AFTER_A2A", "local_unpermute_before_a2a": "LOCAL_UNPERMUTE_BEFORE_A2A",
       "megatron_permute": "MEGATRON_PERMUTE", "megatron_unpermute": "MEGATRON_UNPERMUTE",
       "moe_align_block_size": "BLOCK_ALIGN", "te_index_permute": "TE_INDEX_PERMUTE",
       "te_index_unpermute": "TE_INDEX_UNPERMUTE", "torchao_permute_and_pad": "TORCHAO_PERMUTE_AND_PAD",
       "torchao_unpermute": "TORCHAO_UNPERMUTE", "deepep_dispatch_layout": "DEEPEP_DISPATCH_LAYOUT",
       "te_ep_dispatch": "TE_EP_DISPATCH", "te_ep_combine": "TE_EP_COMBINE", "mcore_inference_permute": "MCORE_INFERENCE_PERMUTE",
       "mcore_inference_unpermute": "MCORE_INFERENCE_UNPERMUTE", "megatron_pad_routing_map": "MEGATRON_PAD_ROUTING_MAP"}
# chunk sort and the EP helpers mean the same in every profile (docs/spec.md, "Profiles"): a port of
# any profile is judged on them; only these four are profile specific
PROFILE_SPECIFIC = ("token_dispatch", "token_combine", "token_dispatch_backward", "token_combine_backward")

# the outputs each op may return; any other name is a protocol error (the engine's ExecBackend)
OUTPUTS = {
    "token_dispatch": ("output", "permuted_probs", "row_id_map", "pad_offsets", "tokens_per_expert", "sorted_selected_experts",
                       "permuted_scale_inv"),  # F1-F4: block scales moved with their rows
    "token_combine": ("output",),
    "token_dispatch_backward": ("grad_inp", "grad_probs"),
    "token_combine_backward": ("grad_inp", "grad_merging_probs"),
    "sort_chunks_by_index": ("output", "row_id_map", "permuted_probs"),
    "sort_chunks_by_index_backward": ("grad_inp", "grad_probs"),
    "compute_ragged_all_to_all_params": ("input_offsets", "send_sizes", "output_offsets", "recv_sizes"),
    "compute_reverse_ragged_all_to_all_params": ("input_offsets", "send_sizes", "output_offsets", "recv_sizes"),
    "local_permute_after_a2a": ("output", "local_group_sizes", "sorted_split_sizes", "inverse_chunk_indices"),
    "local_unpermute_before_a2a": ("output",),
    "megatron_permute": ("output", "permuted_probs", "sorted_indices"),   # docs/spec.md Q1-Q4
    "megatron_unpermute": ("output",),                                   # Q5, Q6
    # K1-K6: int32 index metadata only; the order inside a group is unspecified (judged as multisets, K2)
    "moe_align_block_size": ("sorted_token_ids", "expert_ids", "num_tokens_post_padded"),
    "te_index_permute": ("output", "row_id_map"),                        # T1-T4: row_id_map int32 [T*K], k-major
    "te_index_unpermute": ("output",),                                   # T5: summed in the payload dtype
    # W1-W5: int32 permuted_indices [max_len] (-1 pads), padded sizes and inclusive end offsets [E_l]
    "torchao_permute_and_pad": ("output", "permuted_indices", "num_tokens_per_expert_padded", "group_offsets"),
    "torchao_unpermute": ("output",),                                    # W6: the pads dropped
    # L1-L3: int32 [R] and [E] counts, bool [T, R] mask, bit for bit
    "deepep_dispatch_layout": ("num_tokens_per_rank", "num_tokens_per_expert", "is_token_in_rank"),
    # Y1-Y3 (world view: every rank's receive buffer, slabs judged as multisets), Y4 (an unweighted sum)
    "te_ep_dispatch": ("recv_tokens", "recv_topk_weights", "recv_tokens_per_expert"),
    "te_ep_combine": ("result",),
    # V1-V5: positions claimed by atomics (groups judged as multisets, V3), -1 pad rows, a fixed buffer
    "mcore_inference_permute": ("output", "permuted_probs", "permutation_map", "inclusive_offsets"),
    "mcore_inference_unpermute": ("output",),                            # V6: an fp32 scatter-add, order free (C5's band)
    "megatron_pad_routing_map": ("padded_routing_map",),                 # Q7-Q9: bool [T, E], bit for bit
}
