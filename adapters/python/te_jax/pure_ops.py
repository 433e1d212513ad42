"""Token dispatch, combine and their gradients through TE's pure-JAX path (PERMCHECK_TE_JAX_PATH=pure):
pure_jax_token_dispatch / pure_jax_token_combine of transformer_engine/jax/permutation.py (argsort +
gather, plain XLA), claimed under te-jax like the Triton path.

That path speaks another convention than our ops (TE says so in permutation.py): dense
`selected_experts[T, k]` and top-k weights instead of a routing map and sparse probs, an opaque
PureJaxPermState (the sort's indices) instead of a row_id_map, no pad_offsets, no num_out_tokens.
The adapter translates, and each translation is one of these (docs/adapters.md):
  - routing_map -> selected_experts and merging_probs -> weights: TE's routing_map_to_selected_experts;
  - its buffer (T·k rows, + E·(A−1) placeholder rows when padded) is cut or extended to the te-jax
    length (P3: ((N + E(A−1)) // A)·A rows padded, D5: N rows unpadded); only rows past Σ target go,
    zero placeholders in TE's buffer, and added rows are zero;
  - row_id_map and pad_offsets are read off TE's sort (state.sorted_indices) and group_sizes: they say
    where TE put each row, so M2–M4, P1 and P4 judge TE's layout, not a formula of ours;
  - combine rebuilds the PureJaxPermState from row_id_map and pad_offsets, the inverse of the above.
A call the convention cannot carry is NOT_SUPPORTED with the reason: tokens with different expert
counts (the path takes exactly k per token), probs at dispatch (it permutes none: its weights are
applied at combine), and the padded dispatch gradient (its align_size is not among that op's inputs).
"""
import jax
import jax.numpy as jnp
import numpy as np

from permcheck_adapter import NotSupported

from .arrays import dev, host, ints, opt


def top_k(counts):
    """The k every token is routed to; NOT_SUPPORTED when the counts differ or are 0."""
    ks = sorted(set(int(c) for c in counts))
    if len(ks) != 1 or ks[0] < 1:
        raise NotSupported("TE's pure-JAX path routes every token to exactly k >= 1 experts "
                           "(selected_experts[T, k]); this routing has %s experts per token" % ks)
    return ks[0]


def routing_of(rid):
    """The routing map a row_id_map encodes (its valid expert columns, M3, M4), on the host."""
    T, E = rid.shape[0], (rid.shape[1] - 1) // 2
    R = np.zeros((T, E), np.int32)
    for t in range(T):
        R[t, rid[t, E:E + rid[t, 2 * E]]] = 1
    return R


def fit_rows(buf, rows):
    """TE's buffer cut or zero-extended to `rows` rows (the te-jax length)."""
    if buf.shape[0] >= rows:
        return buf[:rows]
    return jnp.concatenate([buf, jnp.zeros((rows - buf.shape[0],) + buf.shape[1:], buf.dtype)])


def register(adapter, te):
    @adapter.op("token_dispatch")
    def token_dispatch(inputs, attrs, profile):
        if "probs" in inputs:
            raise NotSupported("pure_jax_token_dispatch permutes no probs (its weights are applied in pure_jax_token_combine)")
        routing = dev(inputs["routing_map"])
        T, E = routing.shape
        k = top_k((ints(inputs["routing_map"]) != 0).sum(axis=1))
        A, N = attrs.get("align_size"), attrs.get("num_out_tokens")
        selected, _ = te.routing_map_to_selected_experts(routing, routing, k)
        buf, state, group_sizes = te.pure_jax_token_dispatch(dev(inputs["inp"]), selected, E, k, align_size=A or 0)
        rows = N if A is None else ((N + E * (A - 1)) // A) * A
        # where TE put each (token, j-th selected expert): position of flattened index t·k + j in its sort
        pos = np.argsort(np.asarray(state.sorted_indices))[:T * k].reshape(T, k)
        sel = np.asarray(selected).astype(np.int64)
        counts = np.bincount(sel.ravel(), minlength=E)
        starts = np.concatenate([[0], np.cumsum(np.asarray(group_sizes))[:-1]])
        pad = starts - np.concatenate([[0], np.cumsum(counts)[:-1]])      # P1 read off TE's groups
        rid = np.full((T, 2 * E + 1), -1, np.int32)
        order = np.argsort(-sel, axis=1, kind="stable")                      # descending expert ids (M2, M3)
        for t in range(T):
            for i, j in enumerate(order[t]):
                e = sel[t, j]
                rid[t, i], rid[t, E + i] = pos[t, j] - pad[e], e
            rid[t, 2 * E] = k
        res = {"output": host(fit_rows(buf, rows)), "row_id_map": host(jnp.asarray(rid)),
               "tokens_per_expert": host(group_sizes)}
        if A is not None:
            res["pad_offsets"] = host(jnp.asarray(pad.astype(np.int32)))
        return res

    def perm_state(inputs, rows):
        """TE's PureJaxPermState for a row_id_map (+ pad_offsets) and a buffer of `rows` rows, with k."""
        rid = ints(inputs["row_id_map"])
        T, E = rid.shape[0], (rid.shape[1] - 1) // 2
        k = top_k(rid[:, 2 * E])
        pad = ints(inputs["pad_offsets"]) if "pad_offsets" in inputs else np.zeros(E, np.int64)
        order = np.full(rows, -1, np.int64)
        for t in range(T):
            for i in range(k):                     # column i holds the (k−1−i)-th expert in ascending order
                order[rid[t, i] + pad[rid[t, E + i]]] = t * k + (k - 1 - i)
        free = order < 0
        order[free] = T * k + np.arange(int(free.sum()))   # untargeted rows play TE's padding placeholders
        state = te.PureJaxPermState(sorted_indices=jnp.asarray(order.astype(np.int32)), num_real_tokens=T * k,
                                    padding_size=rows - T * k)
        return state, jnp.asarray(routing_of(rid)), T, k

    def combine(state, routing, T, k):
        def run(x, merging_probs):
            if merging_probs is None:
                weights = jnp.ones((T, k), x.dtype)                         # a plain sum
            else:
                _, weights = te.routing_map_to_selected_experts(merging_probs, routing, k)
            return te.pure_jax_token_combine(x, state, weights, k, 1, T).reshape(T, x.shape[-1])
        return run

    @adapter.op("token_combine")
    def token_combine(inputs, attrs, profile):
        x = dev(inputs["inp"])
        return {"output": host(combine(*perm_state(inputs, x.shape[0]))(x, opt(inputs, "merging_probs")))}

    @adapter.op("token_combine_backward")
    def token_combine_backward(inputs, attrs, profile):
        g, fwd = inputs["grad_output"], inputs["fwd_input"]
        if g.dtype != fwd.dtype:
            raise NotSupported("jax.vjp takes a cotangent of the forward output's dtype (%s), not %s" % (fwd.dtype, g.dtype))
        x, m = dev(fwd), opt(inputs, "merging_probs")
        run = combine(*perm_state(inputs, x.shape[0]))
        if m is None:
            _, pullback = jax.vjp(lambda a: run(a, None), x)
            (gi,) = pullback(dev(g))
            return {"grad_inp": host(gi)}
        _, pullback = jax.vjp(run, x, m)
        gi, gm = pullback(dev(g))
        return {"grad_inp": host(gi), "grad_merging_probs": host(gm)}

    @adapter.op("token_dispatch_backward")
    def token_dispatch_backward(inputs, attrs, profile):
        if "pad_offsets" in inputs:
            raise NotSupported("the pure path's padded dispatch VJP needs the forward's align_size, which this op's inputs do not carry")
        if "grad_permuted_probs" in inputs:
            raise NotSupported("pure_jax_token_dispatch permutes no probs, so it has no probs gradient")
        rid = ints(inputs["row_id_map"])
        T, E = rid.shape[0], (rid.shape[1] - 1) // 2
        k = top_k(rid[:, 2 * E])
        g = dev(inputs["grad_output"])
        routing = jnp.asarray(routing_of(rid))
        selected, _ = te.routing_map_to_selected_experts(routing, routing, k)
        # jax.vjp through TE's dispatch (its _sort_activations VJP); rows past T·k of the gradient
        # belong to unspecified buffer rows (D5), which TE's T·k-row buffer does not have
        _, pullback = jax.vjp(lambda a: te.pure_jax_token_dispatch(a, selected, E, k)[0], jnp.zeros((T, g.shape[-1]), g.dtype))
        (gi,) = pullback(fit_rows(g, T * k))
        return {"grad_inp": host(gi)}
