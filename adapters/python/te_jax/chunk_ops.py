"""Chunk sort, its gradient and the expert-parallel helpers: TE has one path for them (the local
permutes call the Triton-backed sort_chunks_by_index under either dispatch path, permutation.py),
so PERMCHECK_TE_JAX_PATH does not change these ops. `te` is transformer_engine.jax.permutation.
"""
import jax.numpy as jnp

from .arrays import dev, host, opt


def register(adapter, te):
    @adapter.op("sort_chunks_by_index")
    def sort_chunks_by_index(inputs, attrs, profile):
        x, split, order = dev(inputs["inp"]), dev(inputs["split_sizes"]), dev(inputs["sorted_indices"])
        if "probs" not in inputs:
            out, rmap = te.sort_chunks_by_index(x, split, order)
            return {"output": host(out), "row_id_map": host(rmap)}
        # TE's public chunk sort takes no probs; the two Triton calls its forward rule makes do, and
        # sort_chunks_by_map moves probs with the rows (S2)
        rmap = te.make_chunk_sort_map(split, order, x.shape[0], split.shape[0])
        out, pp = te.sort_chunks_by_map(x, rmap, dev(inputs["probs"]), x.shape[0], x.shape[-1], is_forward=True)
        return {"output": host(out), "row_id_map": host(rmap), "permuted_probs": host(pp)}

    @adapter.op("sort_chunks_by_index_backward")
    def sort_chunks_by_index_backward(inputs, attrs, profile):
        g, gpp = dev(inputs["grad_output"]), opt(inputs, "grad_permuted_probs")
        # the call _sort_chunks_by_index_bwd_rule makes (with the probs gradient, which the public VJP
        # drops): its residual row_id_map is this op's input, the forward's split sizes are not given
        gi, gp = te.sort_chunks_by_map(g, dev(inputs["row_id_map"]), gpp, g.shape[0], g.shape[-1], is_forward=False)
        res = {"grad_inp": host(gi)}
        if gpp is not None:
            res["grad_probs"] = host(gp)
        return res

    def params(name):
        # looked up per call: a TE without the EP helpers answers each such call with the error
        def run(inputs, attrs, profile):
            io, send, oo, recv = getattr(te, name)(dev(inputs["all_shards_tokens_per_expert"]), jnp.int32(attrs.get("shard_id")),
                                    attrs.get("num_shards"))
            return {"input_offsets": host(io), "send_sizes": host(send), "output_offsets": host(oo),
                    "recv_sizes": host(recv)}
        return run

    adapter.op("compute_ragged_all_to_all_params")(params("compute_ragged_all_to_all_params"))
    adapter.op("compute_reverse_ragged_all_to_all_params")(params("compute_reverse_ragged_all_to_all_params"))

    @adapter.op("local_permute_after_a2a")
    def local_permute_after_a2a(inputs, attrs, profile):
        out, sizes, state = te.local_permute_after_a2a(dev(inputs["inp"]), dev(inputs["all_shards_tokens_per_expert"]),
                                                       jnp.int32(attrs.get("shard_id")), attrs.get("num_shards"))
        return {"output": host(out), "local_group_sizes": host(sizes),
                "sorted_split_sizes": host(state["sorted_split_sizes"]),
                "inverse_chunk_indices": host(state["inverse_chunk_indices"])}

    @adapter.op("local_unpermute_before_a2a")
    def local_unpermute_before_a2a(inputs, attrs, profile):
        # TE's opaque state is the dict local_permute_after_a2a returns; this op's inputs are its entries
        state = {"sorted_split_sizes": dev(inputs["sorted_split_sizes"]),
                 "inverse_chunk_indices": dev(inputs["inverse_chunk_indices"])}
        return {"output": host(te.local_unpermute_before_a2a(dev(inputs["inp"]), state))}
