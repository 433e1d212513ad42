#!/usr/bin/env python3
"""An example port of TransformerEngine's JAX MoE permutation contract (and of Megatron-Core's
permute / unpermute, docs/spec.md Q1-Q6), written with numpy, served through permcheck's backend protocol. Run it through permcheck:

    permcheck smoke --backend exec:'python3 adapters/python/examples/numpy_port.py'
    permcheck run   --backend exec:'python3 adapters/python/examples/numpy_port.py'

The rule ids in comments are those of docs/spec.md. A deliberately broken copy is available for
testing the suite itself: PERMCHECK_PLANT_BUG=<name> (see BUGS) plants one bug.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from permcheck_adapter import Adapter, NotSupported, Tensor  # noqa: E402
from permcheck_adapter.ops import OPS  # noqa: E402

BUGS = {
    "zero-prob": "dispatch copies the row even when its probability is 0.0 (breaks D3)",
    "token-order": "dispatch orders an expert's rows by descending token (breaks D1/D2)",
    "pad-offsets": "dispatch reports pad_offsets one too large for the last expert (breaks P1/P4)",
    "combine-weights": "combine ignores merging_probs of the highest expert (breaks C1)",
    "chunk-tail": "chunk sort zeroes the tail rows beyond sum(split_sizes) (breaks S1/S2)",
    "index-minus-one": "index form: topk_ids scattered with numpy indexing, so -1 lands on expert E-1 (breaks I4)",
    "index-weights-sorted": "index form: weights paired with the row's ids sorted ascending, not by slot (breaks I3)",
    "maxtext-unstable-sort": "maxtext: the flat ids sorted with an unstable sort (ties last-first) (breaks J3/D1)",
    "align-only-first-slot": "moe_align_block_size keeps only each group's first slot, the others the sentinel (breaks K2)",
    "scales-unpermuted": "quantized dispatch: permuted_scale_inv row r is scale_inv row r, not its token's (breaks F2)",
    "inference-pad-rows-unset": "mcore_inference_permute leaves the pad rows of permutation_map unset (0), not -1 (breaks V4)",
}
BUG = os.environ.get("PERMCHECK_PLANT_BUG", "")
if BUG and BUG not in BUGS:
    sys.exit("unknown PERMCHECK_PLANT_BUG=%s (known: %s)" % (BUG, ", ".join(BUGS)))

PAYLOADS = ["f32", "bf16", "f16", "f8e4m3", "f8e5m2"]
REDUCIBLE = ("f32", "bf16", "f16")

adapter = Adapter(
    name="numpy-port" + ("+bug:" + BUG if BUG else ""), version="0.1.0",
    device="CPU (numpy %s)" % np.__version__,
    dtypes=PAYLOADS, profiles=["te-jax", "torch-mask-pad", "maxtext"], features=["padding", "probs", "merging_probs", "index_form", "quantized"],
    details={"numpy": np.__version__, "planted_bug": BUG or "none"},
    # R1: bit_exact for every op: each sum is one numpy reduction over the same arrays in the same order, and no op
    # (moe_align_block_size included: a stable argsort) depends on timing, so a second call gives the same bits
    determinism={op: "bit_exact" for op in OPS})


def counts_dtype(profile):
    return ("i64", np.int64) if profile == "torch-mask-pad" else ("i32", np.int32)  # maxtext: int32 (J2)


# ---------------------------------------------------------------- the index form (I1-I4, X9, X10)

def index_form(inputs, attrs):
    """I1, I3, I4: topk_ids [T,k] (and topk_weights) read as the routing map (and probs) of the same
    assignment (X9, X10 were checked by check_x before)."""
    E = attrs["num_experts"]
    ids = inputs["topk_ids"].data.astype(np.int64)
    weights = inputs.get("topk_weights")
    T = ids.shape[0]
    tt, jj = np.nonzero(ids >= 0)                        # I4: -1 slots route nowhere
    if BUG == "index-minus-one":
        tt, jj = np.nonzero(np.ones_like(ids, dtype=bool))  # BUG: every slot scattered, numpy's x[-1] is expert E-1
    ee = ids[tt, jj] % E
    R = np.zeros((T, E), dtype=bool)
    R[tt, ee] = True                                     # I1
    probs = None
    if weights is not None:
        p = np.zeros((T, E), dtype=weights.data.dtype)
        if BUG == "index-weights-sorted":
            sid = np.sort(ids, axis=1)                   # BUG: the weights paired with the row's sorted ids
            st, sj = np.nonzero(sid >= 0)
            p[st, sid[st, sj]] = weights.data[st, sj]
        else:
            p[tt, ee] = weights.data[tt, jj]             # I3: the weight of the slot that names e
        probs = Tensor(p, weights.dtype)
    return R, probs


# ---------------------------------------------------------------- profile maxtext (J1-J4, X19-X21)

def maxtext_permute(inputs, attrs):
    """MaxText's RoutedMoE.permute as it computes it: roll the flat ids (J4), a stable argsort (J3),
    repeat(inputs, K) gathered by it (J1), group_sizes by bincount in int32 (J2). row_id_map is the one
    of the rolled ids' table (M1-M4), taken from the te-jax path of the same rolled call."""
    E = attrs["num_experts"]
    ids = inputs["topk_ids"].data.astype(np.int64)
    T, K = ids.shape
    flat = (ids.reshape(-1) - attrs.get("roll_to_expert_id", 0)) % E     # J4: floored modulo, before the sort
    if BUG == "maxtext-unstable-sort":
        order = np.lexsort((-np.arange(T * K), flat))                     # BUG: ties in descending flat index
    else:
        order = np.argsort(flat, kind="stable")                           # J3: (expert, token, slot)
    rolled = dict(inputs)
    rolled["topk_ids"] = Tensor(flat.reshape(T, K).astype(inputs["topk_ids"].data.dtype), inputs["topk_ids"].dtype)
    te = dict(attrs)
    te.pop("roll_to_expert_id", None)
    out = token_dispatch(rolled, te, "te-jax")                            # row_id_map of the rolled table
    inp = inputs["inp"]
    data = np.repeat(inp.data, K, axis=0)[order]                         # J1: one row per slot
    weights = inputs.get("topk_weights")
    if weights is not None:
        w = weights.data.reshape(-1)[order]
        data[Tensor(w, weights.dtype).is_zero()] = 0                      # D3
        out["permuted_probs"] = Tensor(w.copy(), weights.dtype)           # I3: weights gathered alike
    out["output"] = Tensor(data, inp.dtype)
    out["tokens_per_expert"] = Tensor(np.bincount(flat, minlength=E).astype(np.int32), "i32")   # J2
    out["sorted_selected_experts"] = Tensor(order.astype(np.int32), "i32")                     # J3
    return out


# ---------------------------------------------------------------- token_dispatch (D, P, N, M)

@adapter.op("token_dispatch")
def token_dispatch(inputs, attrs, profile):
    if profile == "maxtext":
        return maxtext_permute(inputs, attrs)
    inp = inputs["inp"]
    if "topk_ids" in inputs:
        R, probs = index_form(inputs, attrs)
    else:
        R = inputs["routing_map"].data.astype(bool)
        probs = inputs.get("probs")
    T, E = R.shape
    N = attrs["num_out_tokens"]
    A = attrs.get("align_size")
    if profile == "torch-mask-pad" and A is None:
        raise ValueError("[X4] torch-mask-pad requires align_size")
    cname, cnp = counts_dtype(profile)

    count = R.sum(axis=0).astype(np.int64)
    offset = np.concatenate(([0], np.cumsum(count)[:-1]))
    rank = np.cumsum(R, axis=0) - 1                      # rank(t,e) where R[t,e]
    tt, ee = np.nonzero(R)                               # row-major: ascending t, then e
    dst = offset[ee] + rank[tt, ee]                      # D1: expert-major, ascending token
    if BUG == "token-order":
        dst = offset[ee] + (count[ee] - 1 - rank[tt, ee])
    if N < len(dst) and BUG != "index-minus-one":
        raise ValueError("[X3] num_out_tokens %d < %d routed pairs" % (N, len(dst)))

    out = {}
    if A is None:
        rows = N                                         # D5: rows [N_used, N) unspecified (we write 0)
        row = dst
        tokens_per_expert = count
    else:
        if A <= 0:
            raise ValueError("[X4] align_size must be > 0")
        target = (count + A - 1) // A * A                # P1
        pad_offsets = np.concatenate(([0], np.cumsum(target - count)[:-1]))
        row = dst + pad_offsets[ee]                      # P2
        rows = (N + E * (A - 1)) // A * A if profile == "te-jax" else int(target.sum())   # P3
        tokens_per_expert = target
        reported = pad_offsets.copy()
        if BUG == "pad-offsets":
            reported[-1] += 1
        if profile == "te-jax" or np.any(target != count):  # P4
            out["pad_offsets"] = Tensor(reported.astype(cnp), cname)

    if BUG == "index-minus-one":  # the extra pairs run past the buffer: an unchecked kernel writes there, we drop them
        keep = row < rows
        tt, ee, dst, row = tt[keep], ee[keep], dst[keep], row[keep]
    data = np.zeros((rows,) + inp.data.shape[1:], dtype=inp.data.dtype)
    # D2: bit copy of whole rows, one expert at a time (a single fancy-indexed copy would first
    # gather every routed row into a temporary as large as the output)
    for e in range(E):
        sel = ee == e
        if sel.any():
            data[row[sel]] = inp.data[tt[sel]]
    if probs is not None:
        p = probs.data[tt, ee]
        if BUG != "zero-prob":
            data[row[Tensor(p, probs.dtype).is_zero()]] = 0  # D3: +0.0 and -0.0 zero the row
        pp = np.zeros((rows,), dtype=probs.data.dtype)
        pp[row] = p                                      # D4
        out["permuted_probs"] = Tensor(pp, probs.dtype)
    out["output"] = Tensor(data, inp.dtype)
    scale = inputs.get("scale_inv")
    if scale is not None:
        # F1-F4: the scale rows follow the payload rows, bit for bit, zero-probability rows too (F4); pad and tail rows zero (F3)
        ps = np.zeros((rows, scale.data.shape[1]), dtype=scale.data.dtype)
        ps[row] = scale.data[tt]
        if BUG == "scales-unpermuted":
            ps[:] = 0
            k = min(rows, scale.data.shape[0])
            ps[:k] = scale.data[:k]
        out["permuted_scale_inv"] = Tensor(ps, scale.dtype)

    # M1-M4: per token, routed experts in descending order; unspecified slots (M5) left at -1
    rid = np.full((T, 2 * E + 1), -1, dtype=np.int32)
    n = R.sum(axis=1)
    col = n[tt] - np.cumsum(R, axis=1)[tt, ee]           # descending expert -> ascending column
    rid[tt, col] = dst                                   # unpadded dst even when padding (M2)
    rid[tt, E + col] = ee
    rid[:, 2 * E] = n
    out["row_id_map"] = Tensor(rid, "i32")
    out["tokens_per_expert"] = Tensor(tokens_per_expert.astype(cnp), cname)  # N1
    return out


def routed_slots(rid, pad_offsets):
    """(token, source row, expert) per valid slot, grouped by column i = 0..E-1 (descending expert)."""
    T = rid.shape[0]
    E = (rid.shape[1] - 1) // 2
    n = rid[:, 2 * E]
    for i in range(E):
        ts = np.nonzero(n > i)[0]
        if len(ts) == 0:
            break
        e = rid[ts, E + i].astype(np.int64)
        src = rid[ts, i].astype(np.int64)
        if pad_offsets is not None:
            src = src + pad_offsets.data[e].astype(np.int64)
        yield ts, src, e


# ---------------------------------------------------------------- token_combine (C)

@adapter.op("token_combine")
def token_combine(inputs, attrs, profile):
    inp = inputs["inp"]
    if inp.dtype not in REDUCIBLE:
        raise NotSupported("combine of %s (fp8 is moved, never reduced)" % inp.dtype)
    rid = inputs["row_id_map"].data
    mp = inputs.get("merging_probs")
    mpf = mp.f32() if mp is not None else None
    x = inp.f32()
    T = rid.shape[0]
    E = (rid.shape[1] - 1) // 2
    acc = np.zeros((T,) + x.shape[1:], dtype=np.float32)  # C3: unrouted tokens stay +0.0
    with np.errstate(over="ignore", invalid="ignore"):  # inf and NaN are values here, not errors
        for i, (ts, src, e) in enumerate(routed_slots(rid, inputs.get("pad_offsets"))):
            v = x[src]
            if mpf is not None and not (BUG == "combine-weights" and i == 0):
                v = v * mpf[ts, e][:, None]              # C2 (te-jax): separate multiply and add
            acc[ts] = acc[ts] + v                        # C1: f32, descending expert order
    return {"output": Tensor.from_f32(acc, inp.dtype)}   # one final rounding


# ---------------------------------------------------------------- gradients (G)

@adapter.op("token_dispatch_backward")
def token_dispatch_backward(inputs, attrs, profile):
    g = inputs["grad_output"]
    if g.dtype not in REDUCIBLE:
        raise NotSupported("dispatch backward of %s" % g.dtype)
    rid = inputs["row_id_map"].data
    T = rid.shape[0]
    E = (rid.shape[1] - 1) // 2
    x = g.f32()
    gpp = inputs.get("grad_permuted_probs")
    acc = np.zeros((T,) + x.shape[1:], dtype=np.float32)
    gp = np.zeros((T, E), dtype=gpp.data.dtype) if gpp is not None else None
    for ts, src, e in routed_slots(rid, inputs.get("pad_offsets")):
        with np.errstate(over="ignore", invalid="ignore"):
            acc[ts] = acc[ts] + x[src]                   # G1
        if gp is not None:
            gp[ts, e] = gpp.data[src]                    # G2
    out = {"grad_inp": Tensor.from_f32(acc, g.dtype)}
    if gp is not None:
        out["grad_probs"] = Tensor(gp, gpp.dtype)
    return out


@adapter.op("token_combine_backward")
def token_combine_backward(inputs, attrs, profile):
    g = inputs["grad_output"]
    fwd = inputs["fwd_input"]
    mp = inputs.get("merging_probs")
    rid = inputs["row_id_map"].data
    T = rid.shape[0]
    E = (rid.shape[1] - 1) // 2
    if mp is not None and (g.dtype not in REDUCIBLE or fwd.dtype not in REDUCIBLE):
        raise NotSupported("combine backward with merging_probs of %s" % g.dtype)
    grad_inp = np.zeros(fwd.data.shape, dtype=g.data.dtype)   # G3: untargeted rows unspecified (0 here)
    gmp = np.zeros((T, E), dtype=np.float64) if mp is not None else None
    gf = g.f32() if mp is not None else None
    for ts, src, e in routed_slots(rid, inputs.get("pad_offsets")):
        if mp is None:
            grad_inp[src] = g.data[ts]
        else:
            p = mp.f32()[ts, e][:, None]
            grad_inp[src] = Tensor.from_f32(gf[ts] * p, g.dtype).data
            # G4: a reduction over h; summed in f64 then rounded once (inside the C5 tolerance)
            gmp[ts, e] = (fwd.f32()[src].astype(np.float64) * gf[ts].astype(np.float64)).sum(axis=1)
    out = {"grad_inp": Tensor(grad_inp, g.dtype)}
    if mp is not None:
        out["grad_merging_probs"] = Tensor.from_f32(gmp.astype(np.float32), mp.dtype)
    return out


# ---------------------------------------------------------------- chunk sort (S)

def chunk_sort_map(num_tokens, split, order):
    split = split.astype(np.int64)
    order = order.astype(np.int64)
    total = int(split.sum())
    starts_in = np.concatenate(([0], np.cumsum(split)[:-1]))
    starts_out_sorted = np.concatenate(([0], np.cumsum(split[order])[:-1]))
    start_out = np.empty_like(split)
    start_out[order] = starts_out_sorted                 # where input chunk c lands
    i = np.arange(num_tokens, dtype=np.int64)
    c = np.searchsorted(np.cumsum(split), i[:total], side="right")   # S1
    m = i.copy()
    m[:total] = start_out[c] + (i[:total] - starts_in[c])
    return m


@adapter.op("sort_chunks_by_index")
def sort_chunks_by_index(inputs, attrs, profile):
    inp = inputs["inp"]
    m = chunk_sort_map(inp.data.shape[0], inputs["split_sizes"].data, inputs["sorted_indices"].data)
    data = np.empty_like(inp.data)
    data[m] = inp.data                                   # S2
    if BUG == "chunk-tail":
        total = int(inputs["split_sizes"].data.sum())
        data[total:] = 0
    out = {"output": Tensor(data, inp.dtype), "row_id_map": Tensor(m.astype(np.int32), "i32")}
    probs = inputs.get("probs")
    if probs is not None:
        pp = np.empty_like(probs.data)
        pp[m] = probs.data
        out["permuted_probs"] = Tensor(pp, probs.dtype)
    return out


@adapter.op("sort_chunks_by_index_backward")
def sort_chunks_by_index_backward(inputs, attrs, profile):
    g = inputs["grad_output"]
    m = inputs["row_id_map"].data.astype(np.int64)
    out = {"grad_inp": Tensor(g.data[m], g.dtype)}       # S3
    gpp = inputs.get("grad_permuted_probs")
    if gpp is not None:
        out["grad_probs"] = Tensor(gpp.data[m], gpp.dtype)
    return out


# ---------------------------------------------------------------- expert-parallel helpers (A)

def send_to(M, num_shards):
    S, E = M.shape
    L = E // num_shards
    return M.reshape(S, num_shards, L).sum(axis=2)       # send_to[i][j]


def exclusive_cumsum(v):
    return np.concatenate(([0], np.cumsum(v)[:-1])).astype(v.dtype)


@adapter.op("compute_ragged_all_to_all_params")
def ragged_params(inputs, attrs, profile):
    Mt = inputs["all_shards_tokens_per_expert"]
    s, S = attrs["shard_id"], attrs["num_shards"]
    st = send_to(Mt.data, S).astype(Mt.data.dtype)
    send = st[s]
    return {"input_offsets": Tensor(exclusive_cumsum(send), Mt.dtype), "send_sizes": Tensor(send.copy(), Mt.dtype),
            "output_offsets": Tensor(st[:s].sum(axis=0).astype(Mt.data.dtype), Mt.dtype),
            "recv_sizes": Tensor(st[:, s].copy(), Mt.dtype)}     # A1


@adapter.op("compute_reverse_ragged_all_to_all_params")
def reverse_ragged_params(inputs, attrs, profile):
    Mt = inputs["all_shards_tokens_per_expert"]
    s, S = attrs["shard_id"], attrs["num_shards"]
    st = send_to(Mt.data, S).astype(Mt.data.dtype)
    send = st[:, s].copy()
    return {"input_offsets": Tensor(exclusive_cumsum(send), Mt.dtype), "send_sizes": Tensor(send, Mt.dtype),
            "output_offsets": Tensor(st[:, :s].sum(axis=1).astype(Mt.data.dtype), Mt.dtype),
            "recv_sizes": Tensor(st[s].copy(), Mt.dtype)}        # A2


@adapter.op("local_permute_after_a2a")
def local_permute_after_a2a(inputs, attrs, profile):
    inp = inputs["inp"]
    Mt = inputs["all_shards_tokens_per_expert"]
    s, S = attrs["shard_id"], attrs["num_shards"]
    E = Mt.data.shape[1]
    L = E // S
    C = Mt.data[:, s * L:(s + 1) * L]
    split = C.reshape(-1)
    order = np.array([i * L + l for l in range(L) for i in range(S)], dtype=np.int64)   # A3
    m = chunk_sort_map(inp.data.shape[0], split, order)
    data = np.empty_like(inp.data)
    data[m] = inp.data
    return {"output": Tensor(data, inp.dtype),
            "local_group_sizes": Tensor(C.sum(axis=0).astype(Mt.data.dtype), Mt.dtype),
            "sorted_split_sizes": Tensor(split[order].astype(Mt.data.dtype), Mt.dtype),
            "inverse_chunk_indices": Tensor(np.argsort(order).astype(np.int32), "i32")}


@adapter.op("local_unpermute_before_a2a")
def local_unpermute_before_a2a(inputs, attrs, profile):
    inp = inputs["inp"]
    m = chunk_sort_map(inp.data.shape[0], inputs["sorted_split_sizes"].data, inputs["inverse_chunk_indices"].data)
    data = np.empty_like(inp.data)
    data[m] = inp.data                                   # A4
    return {"output": Tensor(data, inp.dtype)}


# ---------------------------------------------------------------- Megatron-Core permute / unpermute (Q1-Q6)

@adapter.op("megatron_permute")
def megatron_permute(inputs, attrs, profile):
    inp, probs = inputs["inp"], inputs.get("probs")
    R = inputs["routing_map"].data.astype(np.int8)
    T, E = R.shape
    N = attrs["num_out_tokens"]
    if attrs.get("drop_and_pad", 0) == 1:
        C = N // E
        keep = R.T.copy()                                # [E, T]
        if attrs.get("drop_policy", 0) == 1:             # Q4 probs: the router's top-C per expert column
            p = probs.f32().T
            for e in range(E):
                routed = np.nonzero(keep[e])[0]
                if len(routed) > C:
                    best = routed[np.argsort(-p[e, routed], kind="stable")[:C]]
                    keep[e] = 0
                    keep[e, best] = 1
        # Q3: argsort(descending, stable)[:, :C] of each expert's (kept) column: kept tokens, then the others
        idx = np.argsort(-keep, axis=1, kind="stable")[:, :C]
        sorted_indices = idx.reshape(-1)
        experts = np.repeat(np.arange(E), C)
    else:
        # Q1: the ones of routing_map.T in row-major order (stable descending argsort), first N positions
        flat = np.argsort(-R.T.reshape(-1), kind="stable")[:N]
        sorted_indices, experts = flat % T, flat // T
    out = {"output": Tensor(inp.data[sorted_indices], inp.dtype)}   # Q2: index_select, no zeroing
    if probs is not None:
        out["permuted_probs"] = Tensor(probs.data[sorted_indices, experts], probs.dtype)
    out["sorted_indices"] = Tensor(sorted_indices.astype(np.int64), "i64")
    return out


@adapter.op("megatron_unpermute")
def megatron_unpermute(inputs, attrs, profile):
    inp = inputs["inp"]
    if inp.dtype not in REDUCIBLE:
        raise NotSupported("unpermute of %s (fp8 is moved, never reduced)" % inp.dtype)
    s = inputs["sorted_indices"].data.astype(np.int64)
    x = inp.f32()
    with np.errstate(over="ignore", invalid="ignore"):
        if "probs" in inputs:
            p = inputs["probs"].f32()
            R = inputs["routing_map"].data.astype(bool)
            if attrs.get("drop_and_pad", 0) == 1:
                E = R.shape[1]
                w = p[s, np.arange(len(s)) // (len(s) // E)]      # Q5: expert r // C
            else:
                w = p.T[R.T]                                     # Q5: probs.T.masked_select(routing_map.T)
            x = x * w[:, None]
        acc = np.zeros((attrs["num_tokens"], x.shape[1]), dtype=np.float32)  # Q6: tokens no row names stay +0.0
        np.add.at(acc, s, x)                                     # index_add_: ascending rows
    return {"output": Tensor.from_f32(acc, inp.dtype)}


def check_megatron_permute(inputs, attrs):
    """X15-X17 (with X1, X2 of the routing map)."""
    R = inputs["routing_map"]
    need(R.data.ndim == 2 and R.data.shape[0] == shape(inputs, "inp")[0] and R.data.shape[1] >= 1, "X1", "routing_map must be [T, E] with T of inp")
    need(R.dtype in ("i32", "i64", "bool") and np.isin(R.data, (0, 1)).all(), "X2", "routing_map values must be 0 or 1")
    T, E = R.data.shape
    if "probs" in inputs:
        need(shape(inputs, "probs") == (T, E), "X1", "probs must be [T, E]")
    N = attrs.get("num_out_tokens")
    need(N is not None and N >= 1, "X15", "num_out_tokens >= 1 is required")
    dp, policy = attrs.get("drop_and_pad", 0), attrs.get("drop_policy")
    need(dp in (0, 1), "X16", "drop_and_pad must be 0 or 1")
    if policy is not None:
        need(dp == 1 and policy in (0, 1), "X17", "drop_policy 0 or 1 applies with drop_and_pad = 1")
        need(policy == 0 or "probs" in inputs, "X17", "the probs policy needs probs")
    if dp == 0:
        need(int(R.data.astype(np.int64).sum()) <= N <= T * E, "X15", "num_out_tokens must be between the routed pairs and T*E")
        return
    C = N // E
    need(1 <= C <= T, "X16", "capacity num_out_tokens // E must be in [1, T]")
    if policy == 1:
        p = inputs["probs"].f32()
        for e in range(E):
            v = np.sort(p[R.data[:, e].astype(bool), e])
            need(not np.isnan(v).any(), "X17", "a NaN prob cannot be ranked")
            need(len(v) <= C or v[len(v) - C] != v[len(v) - C - 1], "X17", "a tie at expert %d's capacity cut" % e)


def check_megatron_unpermute(inputs, attrs):
    """X18."""
    rows = shape(inputs, "inp")[0]
    s = inputs["sorted_indices"]
    need(s.dtype in INDEX, "X5", "sorted_indices must be int32 or int64")
    need(s.data.shape == (rows,), "X18", "sorted_indices must be [rows of inp]")
    T = attrs.get("num_tokens")
    need(T is not None and T >= 1, "X18", "num_tokens (restore_shape[0]) >= 1 is required")
    v = s.data.astype(np.int64)
    need(((v >= 0) & (v < T)).all(), "X18", "sorted_indices outside [0, num_tokens)")
    dp = attrs.get("drop_and_pad", 0)
    need(dp in (0, 1), "X18", "drop_and_pad must be 0 or 1")
    if "probs" not in inputs:
        return
    need("routing_map" in inputs, "X18", "probs need the routing_map")
    R = inputs["routing_map"]
    need(R.dtype in ("i32", "i64", "bool") and np.isin(R.data, (0, 1)).all(), "X2", "routing_map values must be 0 or 1")
    need(R.data.ndim == 2 and R.data.shape[0] == T and R.data.shape[1] >= 1, "X18", "routing_map must be [num_tokens, E]")
    need(shape(inputs, "probs") == R.data.shape, "X1", "probs must be [T, E]")
    E = R.data.shape[1]
    if dp == 1:
        need(rows % E == 0, "X18", "drop_and_pad rows must be E * capacity")
    else:
        tokens = np.nonzero(R.data.astype(bool).T)[1]           # the tokens of the routed pairs, (expert, token) order
        need(len(tokens) == rows and (tokens == v).all(), "X18", "with probs, sorted_indices must be the permute's of routing_map")


# ---------------------------------------------------------------- vLLM / SGLang moe_align_block_size (K1-K6)

@adapter.op("moe_align_block_size")
def moe_align_block_size(inputs, attrs, profile):
    ids = inputs["topk_ids"].data.astype(np.int64).reshape(-1)   # flat slot f = t*K + j
    B, E = attrs["block_size"], attrs["num_experts"]
    numel = ids.size
    L = numel + E * (B - 1)                                  # K1
    if attrs.get("pad_sorted_ids", 0) == 1:
        L = -(-L // B) * B
    count = np.bincount(ids, minlength=E)
    target = -(-count // B) * B                              # K3: ceil(count/B)*B, 0 for an empty expert
    start = np.concatenate(([0], np.cumsum(target)[:-1]))
    post = int(target.sum())                                 # K5
    sorted_ids = np.full(L, numel, dtype=np.int32)           # K1: the sentinel numel everywhere else
    order = np.argsort(ids, kind="stable")                   # K2: ascending f inside a group (any order would do)
    rank = np.arange(numel) - np.concatenate(([0], np.cumsum(count)[:-1]))[ids[order]]
    keep = rank == 0 if BUG == "align-only-first-slot" else slice(None)   # BUG: vllm-xpu-kernels #453
    sorted_ids[(start[ids[order]] + rank)[keep]] = order[keep]   # K3: slots at the head of the group, pad at its tail
    blocks = -(-L // B)
    expert_ids = np.zeros(blocks, dtype=np.int32)            # K4: 0 past the used prefix
    owner = np.repeat(np.arange(E), target // B)             # the expert of every used block
    if "expert_map" in inputs:
        owner = inputs["expert_map"].data.astype(np.int64)[owner]   # K6: local id, -1 off this rank
    expert_ids[:len(owner)] = owner
    return {"sorted_token_ids": Tensor(sorted_ids, "i32"), "expert_ids": Tensor(expert_ids, "i32"),
            "num_tokens_post_padded": Tensor(np.array([post], dtype=np.int32), "i32")}


def check_block_align(inputs, attrs):
    """X11-X13."""
    B = attrs.get("block_size")
    need(B is not None and 1 <= B < 2 ** 31, "X11", "block_size must be in [1, 2^31)")
    need(attrs.get("pad_sorted_ids", 0) in (0, 1), "X11", "pad_sorted_ids must be 0 or 1")
    E = attrs.get("num_experts")
    need(E is not None and 1 <= E < 2 ** 31, "X12", "num_experts must be in [1, 2^31)")
    ids = inputs["topk_ids"]
    need(ids.dtype in INDEX, "X12", "topk_ids must be int32 or int64")
    need(ids.data.ndim == 2 and ids.data.shape[0] >= 1 and ids.data.shape[1] >= 1, "X12", "topk_ids must be [T, K], T, K >= 1")
    v = ids.data.astype(np.int64)
    need(((v >= 0) & (v < E)).all(), "X12", "topk_ids must be experts in [0, num_experts)")
    for row in v:
        need(len(np.unique(row)) == len(row), "X12", "an expert appears twice in a row of topk_ids")
    if "expert_map" in inputs:
        m = inputs["expert_map"]
        need(m.dtype in INDEX and m.data.shape == (E,), "X13", "expert_map must be int32 or int64 [E]")
        local = m.data.astype(np.int64)
        need(((local == -1) | ((local >= 0) & (local < E))).all(), "X13", "expert_map entries are -1 or local ids in [0, E)")
        local = local[local >= 0]
        need(len(np.unique(local)) == len(local), "X13", "a local id appears twice in expert_map")
    L = v.size + E * (B - 1)
    need(L < 2 ** 31, "X11", "sorted_token_ids must fit int32")


# ---------------------------------------------------------------- TE's index-map permute (T1-T4)

@adapter.op("te_index_permute")
def te_index_permute(inputs, attrs, profile):
    x = inputs["inp"]
    ids = inputs["indices"].data.astype(np.int64)
    T, K = ids.shape
    keys = ids.reshape(-1) & 0xFFFFFFFF                      # T1: the id's bits as uint32, so -1 sorts last
    order = np.argsort(keys, kind="stable")                  # T1: ties by flat slot j = t*K + k
    N = attrs.get("num_out_tokens", 0) or T * K              # T4: 0 means T*K
    kept = min(N, T * K)
    pos = np.empty(T * K, dtype=np.int64)
    pos[order] = np.arange(T * K)
    rid = np.where(pos < kept, pos, -1).reshape(T, K).T.reshape(-1)   # T2: k-major, -1 for a dropped slot
    out = np.zeros((N, x.data.shape[1]), dtype=x.data.dtype)          # T3: rows past T*K unspecified (zero here)
    out[:kept] = x.data[order[:kept] // K]
    return {"output": Tensor(out, x.dtype), "row_id_map": Tensor(rid.astype(np.int32), "i32")}


@adapter.op("te_index_unpermute")
def te_index_unpermute(inputs, attrs, profile):
    inp = inputs["inp"]
    T, K = attrs["num_tokens"], attrs["top_k"]
    rid = inputs["row_id_map"].data.astype(np.int64).reshape(K, T)   # T2's k-major layout: [k, t]
    x = inp.f32()
    acc = np.zeros((T, x.shape[1]), dtype=np.float32)                # T5: an all-dropped token stays 0
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(K):                                           # k ascending, summed in f32 (inside T5's band)
            kept = rid[k] >= 0
            w = inputs["merging_probs"].f32()[:, k] if "merging_probs" in inputs else np.ones(T, dtype=np.float32)
            acc[kept] += x[rid[k][kept]] * w[kept][:, None]
    return {"output": Tensor.from_f32(acc, inp.dtype)}


# ---------------------------------------------------------------- DeepEP's get_dispatch_layout (L1-L3)

@adapter.op("deepep_dispatch_layout")
def deepep_dispatch_layout(inputs, attrs, profile):
    ids = inputs["topk_idx"].data.astype(np.int64)
    E, R = attrs["num_experts"], attrs["num_ranks"]
    T = ids.shape[0]
    sel = ids >= 0                                                     # -1 counts nowhere (L1-L3)
    per_expert = np.bincount(ids[sel], minlength=E)                    # L3: every (t, e) assignment once
    in_rank = np.zeros((T, R), dtype=bool)
    tt = np.nonzero(sel)[0]
    in_rank[tt, ids[sel] // (E // R)] = True                           # L2: rank r owns [r*E/R, (r+1)*E/R)
    per_rank = in_rank.sum(axis=0)                                     # L1: a token once per rank
    return {"num_tokens_per_rank": Tensor(per_rank.astype(np.int32), "i32"),
            "num_tokens_per_expert": Tensor(per_expert.astype(np.int32), "i32"),
            "is_token_in_rank": Tensor(in_rank, "bool")}


def check_deepep_layout(inputs, attrs):
    """X33, X34."""
    E, R = attrs.get("num_experts", 0), attrs.get("num_ranks", 0)
    need(1 <= E < 2 ** 31 and 1 <= R < 2 ** 31, "X33", "num_experts and num_ranks must be in [1, 2^31)")
    need(E % R == 0, "X33", "num_experts must be a multiple of num_ranks")
    ids = inputs["topk_idx"]
    need(ids.dtype in INDEX, "X34", "topk_idx must be int64 or int32")
    need(ids.data.ndim == 2 and ids.data.shape[1] >= 1, "X34", "topk_idx must be [T, K], K >= 1")
    v = ids.data.astype(np.int64)
    need(((v == -1) | ((v >= 0) & (v < E))).all(), "X34", "every topk_idx is -1 or an expert in [0, E)")
    for row in v:
        named = row[row >= 0]
        need(len(np.unique(named)) == len(named), "X34", "an expert appears twice in a row of topk_idx")


# ---------------------------------------------------------------- Megatron-Core's pad_routing_map (Q7-Q9)

@adapter.op("megatron_pad_routing_map")
def megatron_pad_routing_map(inputs, attrs, profile):
    """Megatron's unfused pad_routing_map: per expert column num_to_pad = (-count) % m, and every cell whose running
    count of zeros is at most num_to_pad set (Q7, Q8); with too few zeros every one is set (Q9)."""
    rm = inputs["routing_map"].data.astype(np.int64).T.copy()          # [E, T]
    num_to_pad = (-rm.sum(axis=1)) % attrs["pad_multiple"]
    zero_ranks = np.cumsum(rm == 0, axis=1)
    rm[zero_ranks <= num_to_pad[:, None]] = 1
    return {"padded_routing_map": Tensor(rm.T.astype(bool), "bool")}


def check_pad_routing_map(inputs, attrs):
    """X39."""
    m = attrs.get("pad_multiple", 0)
    need(1 <= m < 2 ** 31, "X39", "pad_multiple must be in [1, 2^31)")
    rm = inputs["routing_map"]
    need(rm.dtype in ("bool", "i32", "i64"), "X39", "routing_map must be bool, int32 or int64")
    need(rm.data.ndim == 2, "X39", "routing_map must be [T, E]")
    v = rm.data.astype(np.int64)
    need(((v == 0) | (v == 1)).all(), "X39", "routing_map entries must be 0 or 1")


# ---------------------------------------------------------------- TE's ep_dispatch / ep_combine, world view (Y1-Y4)

def ep_slabs(ids, attrs):
    """Y1: each expert's slab start (global row) and count; canonical order inside a slab is ascending source token g."""
    S, E, C = attrs["num_ranks"], attrs["num_experts"], attrs["recv_capacity"]
    A = attrs.get("alignment", 0)
    count = np.bincount(ids.reshape(-1), minlength=E)
    rows = count if A <= 1 else (count + A - 1) // A * A          # Y2: each slab padded to a multiple of A
    L = E // S
    start = np.zeros(E, dtype=np.int64)
    for r in range(S):
        start[r * L:(r + 1) * L] = r * C + np.concatenate(([0], np.cumsum(rows[r * L:(r + 1) * L])[:-1]))
    return start, count, rows


def ep_canonical_rows(ids, start):
    """The receive row of every slot (g, k): its expert's start plus its rank among the slots of that expert by g."""
    flat = ids.reshape(-1)
    order = np.argsort(flat, kind="stable")                          # by expert, then ascending g (and k)
    rank = np.empty_like(flat)
    sorted_e = flat[order]
    first = np.searchsorted(sorted_e, sorted_e, side="left")
    rank[order] = np.arange(flat.size) - first
    return (start[flat] + rank).reshape(ids.shape)


@adapter.op("te_ep_dispatch")
def te_ep_dispatch(inputs, attrs, profile):
    x, w = inputs["tokens"], inputs["topk_weights"]
    ids = inputs["topk_idx"].data.astype(np.int64)
    S, C = attrs["num_ranks"], attrs["recv_capacity"]
    start, count, _rows = ep_slabs(ids, attrs)
    rows = ep_canonical_rows(ids, start)
    recv = np.zeros((S * C, x.data.shape[1]), dtype=x.data.dtype)   # Y2: pad rows zero
    recv_w = np.zeros(S * C, dtype=np.float32)
    g = np.repeat(np.arange(ids.shape[0]), ids.shape[1])
    recv[rows.reshape(-1)] = x.data[g]                               # Y1: one order of many (slabs are multisets)
    recv_w[rows.reshape(-1)] = w.data.reshape(-1)
    return {"recv_tokens": Tensor(recv, x.dtype), "recv_topk_weights": Tensor(recv_w, "f32"),
            "recv_tokens_per_expert": Tensor(count.astype(np.int64), "i64")}


@adapter.op("te_ep_combine")
def te_ep_combine(inputs, attrs, profile):
    out = inputs["expert_out"]
    ids = inputs["topk_idx"].data.astype(np.int64)
    start, _count, _rows = ep_slabs(ids, attrs)
    rows = ep_canonical_rows(ids, start)
    acc = out.f32()[rows].sum(axis=1, dtype=np.float32)              # Y4: the K rows of each token, no weight
    return {"result": Tensor.from_f32(acc, out.dtype)}


def check_te_ep(op, inputs, attrs):
    """X35-X37."""
    S, E, C = attrs.get("num_ranks", 0), attrs.get("num_experts", 0), attrs.get("recv_capacity", 0)
    A = attrs.get("alignment", 0)
    need(1 <= S < 2 ** 31 and 1 <= E < 2 ** 31 and 1 <= C < 2 ** 31, "X35", "num_ranks, num_experts, recv_capacity must be in [1, 2^31)")
    need(E % S == 0, "X35", "num_experts must be a multiple of num_ranks")
    need(A >= 0 and (A <= 1 or A & (A - 1) == 0), "X35", "alignment must be 0, 1 or a power of two")
    x = inputs["tokens" if op == "te_ep_dispatch" else "expert_out"]
    need(x.data.ndim == 2, "X1", "the payload must be [rows, H]")
    need(x.dtype in REDUCIBLE, "X5", "the EP payload is bf16, f16 or f32", NotSupported)
    need(x.data.shape[1] * x.data.dtype.itemsize >= 16, "X35", "a payload row must span at least 16 bytes")
    ids = inputs["topk_idx"]
    need(ids.dtype == "i64", "X36", "topk_idx must be int64")
    need(ids.data.ndim == 2 and ids.data.shape[1] >= 1, "X36", "topk_idx must be [S*T, K], K >= 1")
    v = ids.data.astype(np.int64)
    need(v.shape[0] % S == 0, "X36", "topk_idx's rows must split into S ranks")
    if op == "te_ep_dispatch":
        need(x.data.shape[0] == v.shape[0], "X36", "tokens and topk_idx must have the same rows")
        w = inputs["topk_weights"]
        need(w.dtype == "f32" and w.data.shape == v.shape, "X36", "topk_weights must be f32 of topk_idx's shape")
    else:
        need(x.data.shape[0] == S * C, "X36", "expert_out must have S*C rows")
    need(((v >= 0) & (v < E)).all(), "X36", "every topk_idx is an expert in [0, E)")
    for row in v:
        need(len(np.unique(row)) == len(row), "X36", "an expert appears twice in a row of topk_idx")
    start, count, rows = ep_slabs(v, attrs)
    need((rows.reshape(S, -1).sum(axis=1) <= C).all(), "X37", "a rank's padded receive total exceeds recv_capacity")


def check_te_index_unpermute(inputs, attrs):
    """X5, X25, X26."""
    x, rid = inputs["inp"], inputs["row_id_map"]
    need(x.dtype in REDUCIBLE, "X5", "unpermute reduces: fp8 is moved, never reduced", NotSupported)
    need(x.data.shape[1] * x.data.dtype.itemsize % 16 == 0, "X25", "a row of inp must span a multiple of 16 bytes")
    T, K = attrs.get("num_tokens", 0), attrs.get("top_k", 0)
    need(T >= 1 and K >= 1 and T * K < 2 ** 31, "X26", "num_tokens and top_k must be >= 1")
    need(rid.dtype == "i32" and rid.data.shape == (T * K,), "X26", "row_id_map must be int32 [T*K]")
    v = rid.data.astype(np.int64)
    need(((v >= -1) & (v < x.data.shape[0])).all(), "X26", "row_id_map entries are -1 or rows of inp")
    if "merging_probs" in inputs:
        p = inputs["merging_probs"]
        need(p.dtype == "f32" and p.data.shape == (T, K), "X26", "merging_probs must be f32 [T, K]")


def check_te_index(inputs, attrs):
    """X14, X24, X25."""
    x, ids = inputs["inp"], inputs["indices"]
    need(ids.dtype == "i32", "X24", "indices must be int32")
    need(ids.data.ndim == 2 and ids.data.shape[1] >= 1, "X24", "indices must be [T, K], K >= 1")
    need(ids.data.shape[0] == x.data.shape[0], "X24", "indices must have the T of inp")
    need(x.data.shape[1] * x.data.dtype.itemsize % 16 == 0, "X25", "a row of inp must span a multiple of 16 bytes")
    N = attrs.get("num_out_tokens", 0)
    need(0 <= N < 2 ** 31, "X14", "num_out_tokens must be in [0, 2^31)")


# ---------------------------------------------------------------- torchao's padded permute (W1-W6)

def round_up(x, a):
    return (x + a - 1) // a * a


@adapter.op("torchao_permute_and_pad")
def torchao_permute_and_pad(inputs, attrs, profile):
    x = inputs["inp"]
    counts = inputs["num_tokens_per_expert"].data.astype(np.int64)
    R, L, A = attrs["ep_degree"], attrs["num_local_experts"], attrs["alignment"]
    T = x.data.shape[0]
    starts = np.cumsum(counts) - counts                              # W1: chunk (r, e) starts, rank-major
    total = counts.reshape(R, L).sum(0)                              # W2: rows per local expert over the ranks
    sizes = round_up(np.maximum(total, A), A)                        # W2: an empty expert still gets A rows
    offsets = np.cumsum(sizes)                                       # W3: inclusive, the end of each group
    max_len = round_up(T + L * A, A)                                 # W5
    idx = np.full(max_len, -1, dtype=np.int64)                       # W4, W5: pads and the tail stay -1
    for e in range(L):
        w = offsets[e] - sizes[e]
        for r in range(R):
            n = counts[r * L + e]
            idx[w:w + n] = starts[r * L + e] + np.arange(n)          # W1: (local expert, source rank, position)
            w += n
    padded = np.vstack((x.data, np.zeros((1, x.data.shape[1]), dtype=x.data.dtype)))
    out = padded[idx]                                                # -1 reads the appended zero row
    return {"output": Tensor(out, x.dtype), "permuted_indices": Tensor(idx.astype(np.int32), "i32"),
            "num_tokens_per_expert_padded": Tensor(sizes.astype(np.int32), "i32"),
            "group_offsets": Tensor(offsets.astype(np.int32), "i32")}


@adapter.op("torchao_unpermute")
def torchao_unpermute(inputs, attrs, profile):
    y = inputs["inp"]
    idx = inputs["permuted_indices"].data.astype(np.int64)
    T = attrs["num_tokens"]
    full = np.zeros((T + 1, y.data.shape[1]), dtype=y.data.dtype)
    full[idx] = y.data                                               # W6: a -1 lands on row T, dropped below
    return {"output": Tensor(full[:T], y.dtype)}


def check_padded_permute(inputs, attrs):
    """X27, X28."""
    for a in ("ep_degree", "num_local_experts", "alignment"):
        need(a in attrs and 1 <= attrs[a] < 2 ** 31, "X27", "%s must be >= 1" % a)
    c = inputs["num_tokens_per_expert"]
    R, L, A = attrs["ep_degree"], attrs["num_local_experts"], attrs["alignment"]
    T = inputs["inp"].data.shape[0]
    need(c.dtype in INDEX, "X28", "num_tokens_per_expert must be int32 or int64")
    need(c.data.shape == (R * L,), "X28", "num_tokens_per_expert must be [ep_degree * num_local_experts]")
    v = c.data.astype(np.int64)
    need((v >= 0).all() and int(v.sum()) == T, "X28", "counts must be >= 0 and add up to the rows of inp")
    need(round_up(T + L * A, A) < 2 ** 31, "X27", "max_len must fit int32")


def check_padded_unpermute(inputs, attrs):
    """X29."""
    y, idx = inputs["inp"], inputs["permuted_indices"]
    T = attrs.get("num_tokens", -1)
    need(0 <= T < 2 ** 31, "X29", "num_tokens must be in [0, 2^31)")
    need(idx.dtype == "i32" and idx.data.shape == (y.data.shape[0],), "X29", "permuted_indices must be int32 [rows of inp]")
    v = idx.data.astype(np.int64)
    need(((v == -1) | ((v >= 0) & (v < T))).all(), "X29", "permuted_indices entries are -1 or rows [0, num_tokens)")
    named = v[v >= 0]
    need(named.size == T and np.unique(named).size == T, "X29", "every row [0, num_tokens) named exactly once")


# ---------------------------------------------------------------- Megatron-Core's inference permute (V1-V5)

@adapter.op("mcore_inference_permute")
def mcore_inference_permute(inputs, attrs, profile):
    x, p = inputs["inp"], inputs["probs"]
    ids = inputs["topk_ids"].data.astype(np.int64)
    T, K = ids.shape
    s, L = attrs["local_expert_start"], attrs["num_local_experts"]
    V, A, R = attrs.get("valid_tokens", T), attrs.get("alignment", 1), attrs.get("row_alignment", 1)
    S = -(-(T * min(K, L) + A * L) // R) * R                 # V1: the fixed worst case, rounded up to row_alignment
    lid = ids[:V] - s                                        # V2: rows past valid_tokens are not read
    local = (lid >= 0) & (lid < L)                           # V2: ids of other ranks (and -1) skipped
    count = np.bincount(lid[local], minlength=L)
    target = np.where(count > 0, -(-count // A) * A, 0)      # V2: a non-empty group rounded up to the alignment
    inclusive = np.cumsum(target)
    start = inclusive - target
    out = np.zeros((S, x.data.shape[1]), dtype=x.data.dtype)      # V5: pad rows and rows past n_used unspecified (zero here)
    probs = np.zeros(S, dtype=p.data.dtype)
    pmap = np.full(S, 0 if BUG == "inference-pad-rows-unset" else -1, dtype=np.int32)   # V4 (BUG: PR #4258's init skipped)
    for e in range(L):
        t, k = np.nonzero(local & (lid == e))
        t, k = t[::-1], k[::-1]                              # V3: descending token inside a group (any order would do)
        rows = start[e] + np.arange(len(t))
        pmap[rows], out[rows], probs[rows] = t, x.data[t], p.data[t, k]
    return {"output": Tensor(out, x.dtype), "permuted_probs": Tensor(probs, p.dtype), "permutation_map": Tensor(pmap, "i32"),
            "inclusive_offsets": Tensor(inclusive.astype(np.int32), "i32")}


@adapter.op("mcore_inference_unpermute")
def mcore_inference_unpermute(inputs, attrs, profile):
    x = inputs["inp"].f32()
    T, V = attrs["num_tokens"], attrs.get("valid_tokens", attrs["num_tokens"])
    n_used = int(inputs["inclusive_offsets"].data.astype(np.int64)[-1])
    pmap = inputs["permutation_map"].data.astype(np.int64)[:n_used]          # V6: rows past n_used not read
    p = inputs["permuted_probs"].f32()[:n_used]
    out = np.zeros((T, x.shape[1]), dtype=np.float32)                       # V6: rows past valid_tokens unspecified (0 here)
    keep = pmap >= 0                                                        # a pad row adds nothing
    with np.errstate(over="ignore", invalid="ignore"):
        np.add.at(out, pmap[keep], x[:n_used][keep] * p[keep][:, None])    # fp32 products and sums, r ascending
    return {"output": Tensor.from_f32(out, "f32")}


def check_inference_unpermute(inputs, attrs):
    """X30, X32 (X5 before)."""
    x, p, m, o = inputs["inp"], inputs["permuted_probs"], inputs["permutation_map"], inputs["inclusive_offsets"]
    need(x.dtype in REDUCIBLE, "X5", "unpermute reduces: fp8 is moved, never reduced", NotSupported)
    T = attrs.get("num_tokens", 0)
    need(1 <= T < 2 ** 31, "X30", "num_tokens must be in [1, 2^31)")
    V = attrs.get("valid_tokens", T)
    need(0 <= V <= T, "X30", "valid_tokens must be in [0, num_tokens]")
    S = x.data.shape[0]
    need(p.dtype == "f32" and p.data.shape == (S,), "X32", "permuted_probs must be f32 [S]")
    need(m.dtype == "i32" and m.data.shape == (S,), "X32", "permutation_map must be int32 [S]")
    need(o.dtype == "i32" and o.data.ndim == 1 and o.data.shape[0] >= 1, "X32", "inclusive_offsets must be int32 [L], L >= 1")
    off = o.data.astype(np.int64)
    need((np.diff(np.concatenate(([0], off))) >= 0).all() and off[-1] <= S, "X32", "inclusive_offsets must be non-decreasing, n_used <= S")
    used = m.data.astype(np.int64)[:int(off[-1])]
    need(((used >= -1) & (used < V)).all(), "X32", "permutation_map entries up to n_used are -1 or tokens below valid_tokens")


def check_inference_permute(inputs, attrs):
    """X30-X32 (X5 before)."""
    x, ids, p = inputs["inp"], inputs["topk_ids"], inputs["probs"]
    need(ids.dtype in INDEX, "X5", "topk_ids must be int32 or int64")
    need(p.dtype in ("f32", "bf16", "f16"), "X5", "probs must be f32, bf16 or f16")
    need(x.data.ndim == 2, "X1", "inp must be [T, H]")
    need(ids.data.ndim == 2 and ids.data.shape[1] >= 1 and ids.data.shape[0] == x.data.shape[0], "X31", "topk_ids must be [T, K] with the T of inp")
    T, K = ids.data.shape
    L, s = attrs.get("num_local_experts", 0), attrs.get("local_expert_start")
    need(1 <= L < 2 ** 31, "X30", "num_local_experts must be in [1, 2^31)")
    need(s is not None and 0 <= s < 2 ** 31, "X30", "local_expert_start must be in [0, 2^31)")
    V, A, R = attrs.get("valid_tokens", T), attrs.get("alignment", 1), attrs.get("row_alignment", 1)
    need(0 <= V <= T, "X30", "valid_tokens must be in [0, T]")
    need(1 <= A < 2 ** 31 and 1 <= R < 2 ** 31, "X30", "alignment and row_alignment must be in [1, 2^31)")
    need(-(-(T * min(K, L) + A * L) // R) * R < 2 ** 31, "X30", "the buffers must fit int32 positions")
    lid = ids.data.astype(np.int64)[:V] - s
    for row in lid:
        mine = row[(row >= 0) & (row < L)]
        need(len(np.unique(mine)) == len(mine), "X31", "a local expert id appears twice in a row of topk_ids")
    need(p.data.shape == ids.data.shape, "X32", "probs must have the shape of topk_ids")


# ---------------------------------------------------------------- group X: refuse inputs outside the contract (B1)

INDEX = ("i32", "i64")
PORTS = {  # op -> (required inputs, optional inputs, attributes): X1
    # the routing comes as routing_map (and probs) or as topk_ids (and topk_weights, num_experts): X9
    "token_dispatch": (("inp",), ("routing_map", "probs", "topk_ids", "topk_weights", "scale_inv"),
                       ("num_out_tokens", "align_size", "num_experts", "roll_to_expert_id", "scale_recipe")),
    "token_combine": (("inp", "row_id_map"), ("merging_probs", "pad_offsets"), ()),
    "token_dispatch_backward": (("grad_output", "row_id_map"), ("grad_permuted_probs", "pad_offsets"), ()),
    "token_combine_backward": (("grad_output", "row_id_map", "fwd_input"), ("merging_probs", "pad_offsets"), ()),
    "sort_chunks_by_index": (("inp", "split_sizes", "sorted_indices"), ("probs",), ()),
    "sort_chunks_by_index_backward": (("grad_output", "row_id_map"), ("grad_permuted_probs",), ()),
    "compute_ragged_all_to_all_params": (("all_shards_tokens_per_expert",), (), ("shard_id", "num_shards")),
    "compute_reverse_ragged_all_to_all_params": (("all_shards_tokens_per_expert",), (), ("shard_id", "num_shards")),
    "local_permute_after_a2a": (("inp", "all_shards_tokens_per_expert"), (), ("shard_id", "num_shards")),
    "local_unpermute_before_a2a": (("inp", "sorted_split_sizes", "inverse_chunk_indices"), (), ()),
    "megatron_permute": (("inp", "routing_map"), ("probs",), ("num_out_tokens", "drop_and_pad", "drop_policy")),
    "megatron_unpermute": (("inp", "sorted_indices"), ("probs", "routing_map"), ("num_tokens", "drop_and_pad")),
    "moe_align_block_size": (("topk_ids",), ("expert_map",), ("block_size", "num_experts", "pad_sorted_ids")),
    "te_index_permute": (("inp", "indices"), (), ("num_out_tokens",)),
    "te_index_unpermute": (("inp", "row_id_map"), ("merging_probs",), ("num_tokens", "top_k")),
    "torchao_permute_and_pad": (("inp", "num_tokens_per_expert"), (), ("ep_degree", "num_local_experts", "alignment")),
    "torchao_unpermute": (("inp", "permuted_indices"), (), ("num_tokens",)),
    "deepep_dispatch_layout": (("topk_idx",), (), ("num_experts", "num_ranks")),
    "te_ep_dispatch": (("tokens", "topk_idx", "topk_weights"), (), ("num_ranks", "num_experts", "alignment", "recv_capacity")),
    "te_ep_combine": (("expert_out", "topk_idx"), (), ("num_ranks", "num_experts", "alignment", "recv_capacity")),
    "mcore_inference_unpermute": (("inp", "permuted_probs", "permutation_map", "inclusive_offsets"), (), ("num_tokens", "valid_tokens")),
    "megatron_pad_routing_map": (("routing_map",), (), ("pad_multiple",)),
    "mcore_inference_permute": (("inp", "topk_ids", "probs"), (),
                                ("local_expert_start", "num_local_experts", "valid_tokens", "alignment", "row_alignment")),
}


def need(ok, rule, message, refusal=ValueError):
    """Refuses the call (an `error` answer; `not_supported` with refusal=NotSupported) unless ok."""
    if not ok:
        raise refusal("[%s] %s" % (rule, message))


def shape(inputs, name):
    return tuple(inputs[name].data.shape)


def check_row_id_map(inputs, payload, distinct):
    """X1, X5, X6 of a row_id_map input over the `payload` input's rows; returns (T, E)."""
    rid = inputs["row_id_map"]
    need(rid.dtype == "i32" and rid.data.ndim == 2 and rid.data.shape[1] >= 3 and rid.data.shape[1] % 2 == 1,
         "X1", "row_id_map must be int32 [T, 2E+1]")
    T, E = rid.data.shape[0], (rid.data.shape[1] - 1) // 2
    m = rid.data.astype(np.int64)
    pad = np.zeros(E, dtype=np.int64)
    if "pad_offsets" in inputs:
        need(inputs["pad_offsets"].dtype in INDEX, "X5", "pad_offsets must be an integer tensor")
        need(shape(inputs, "pad_offsets") == (E,), "X1", "pad_offsets must be [E]")
        pad = inputs["pad_offsets"].data.astype(np.int64)
        need((pad >= 0).all(), "X6", "pad_offsets has a negative entry")
    n = m[:, 2 * E]
    need(((n >= 0) & (n <= E)).all(), "X6", "a row_id_map count is outside [0, E]")
    rows = inputs[payload].data.shape[0]
    sources = []
    for t in range(T):
        e = m[t, E:E + n[t]]
        need(((e >= 0) & (e < E)).all(), "X6", "row_id_map[%d] names an expert outside [0, E)" % t)
        need((np.diff(e) < 0).all(), "X6", "row_id_map[%d] expert ids are not strictly descending" % t)
        dst = m[t, :n[t]]
        src = dst + pad[e]
        need(((dst >= 0) & (src < rows)).all(), "X6", "row_id_map[%d] names a row outside the %d rows of %s" % (t, rows, payload))
        sources.extend(src.tolist())
    need(not distinct or len(set(sources)) == len(sources), "X6", "row_id_map names a source row twice")
    return T, E


def check_chunks(split, order, rows):
    """X7: split sizes >= 0 summing to at most `rows`, and a permutation of the chunks."""
    need(split.dtype in INDEX and order.dtype in INDEX, "X5", "chunk sizes and indices must be integer tensors")
    s, o = split.data.astype(np.int64), order.data.astype(np.int64)
    need(s.ndim == 1 and o.ndim == 1 and len(s) >= 1 and len(s) == len(o), "X7", "split sizes and indices must be rank 1, same length >= 1")
    need((s >= 0).all() and int(s.sum()) <= rows, "X7", "split sizes must be >= 0 and sum to at most the %d rows" % rows)
    need(sorted(o.tolist()) == list(range(len(o))), "X7", "the chunk indices are not a permutation")


def check_shards(inputs, attrs):
    """X8: shard attributes and per-shard counts."""
    M = inputs["all_shards_tokens_per_expert"]
    need(M.dtype in INDEX, "X5", "all_shards_tokens_per_expert must be an integer tensor")
    need(M.data.ndim == 2, "X1", "all_shards_tokens_per_expert must be 2-D")
    S, s = attrs.get("num_shards"), attrs.get("shard_id")
    need(S is not None and s is not None and S >= 1, "X8", "num_shards >= 1 and shard_id are required")
    need(M.data.shape[0] == S and 0 <= s < S, "X8", "M must be [num_shards, E] and 0 <= shard_id < num_shards")
    E = M.data.shape[1]
    need(E >= 1 and E % S == 0 and (M.data >= 0).all(), "X8", "E must be a positive multiple of num_shards, counts >= 0")
    return M.data.astype(np.int64), S, s, E // S


def check_index_form(inputs, attrs):
    """X9, X10 of an index-form dispatch; returns the routed slots (ids >= 0, I4)."""
    need("probs" not in inputs, "X9", "probs belongs to routing_map; topk_ids come with topk_weights")
    E = attrs.get("num_experts")
    need(E is not None and E >= 1, "X9", "topk_ids need num_experts >= 1")
    ids = inputs["topk_ids"]
    need(ids.dtype in INDEX, "X5", "topk_ids must be int32 or int64")
    need(ids.data.ndim == 2 and ids.data.shape[1] >= 1 and ids.data.shape[0] == shape(inputs, "inp")[0], "X9",
         "topk_ids must be [T, k] with k >= 1 and T of inp")
    if "topk_weights" in inputs:
        need(inputs["topk_weights"].dtype in REDUCIBLE, "X5", "topk_weights must be f32, bf16 or f16")
        need(shape(inputs, "topk_weights") == ids.data.shape, "X9", "topk_weights must have the shape of topk_ids")
    v = ids.data.astype(np.int64)
    need(((v >= -1) & (v < E)).all(), "X10", "topk_ids must be experts in [0, num_experts) or -1")
    for row in v:
        e = row[row >= 0]
        need(len(np.unique(e)) == len(e), "X10", "an expert appears twice in a row of topk_ids")
    return int((v >= 0).sum())


# F1: recipe -> (block size, scale dtype)
SCALE_RECIPES = {1: (128, "f32"), 2: (32, "u8")}


def check_scales(inputs, attrs, profile):
    """X22: scale_inv and scale_recipe together, an fp8 payload, no argsort profile, the recipe's dtype and [T, ceil(H/block)]."""
    scale, recipe = inputs.get("scale_inv"), attrs.get("scale_recipe")
    if scale is None and recipe is None:
        return
    need(scale is not None and recipe is not None, "X22", "scale_inv and scale_recipe come together")
    need(recipe in SCALE_RECIPES, "X22", "scale_recipe must be 1 or 2")
    need(profile != "maxtext", "X22", "profile maxtext takes no block scales")
    need(inputs["inp"].dtype in ("f8e4m3", "f8e5m2"), "X22", "scale_inv comes with an fp8 payload")
    block, dtype = SCALE_RECIPES[recipe]
    T, H = shape(inputs, "inp")
    need(scale.dtype == dtype and scale.data.shape == (T, -(-H // block)), "X22", "scale_inv must be %s [T, ceil(H/%d)]" % (dtype, block))


def check_x(op, inputs, attrs, profile):
    """Every X rule of docs/spec.md for one call, before anything is computed (refused: B1)."""
    required, optional, names = PORTS[op]
    # X23 before X1: only token_dispatch takes block scales
    need(op == "token_dispatch" or ("scale_inv" not in inputs and "scale_recipe" not in attrs), "X23", "%s refuses quantized inputs" % op)
    need(all(k in inputs for k in required) and all(k in required + optional for k in inputs), "X1", "inputs of %s" % op)
    need(all(a in names for a in attrs), "X1", "unknown attribute of %s" % op)
    for name, t in inputs.items():
        if name in ("inp", "grad_output", "fwd_input"):
            need(t.dtype in PAYLOADS and t.data.ndim == 2, "X5" if t.data.ndim == 2 else "X1", "%s must be a 2-D payload" % name)
        if name in ("probs", "merging_probs", "grad_permuted_probs"):
            need(t.dtype in REDUCIBLE, "X5", "%s must be f32, bf16 or f16" % name)
    if op == "token_dispatch":
        need(("routing_map" in inputs) != ("topk_ids" in inputs), "X9", "exactly one of routing_map and topk_ids")
        if "topk_ids" in inputs:
            routed = check_index_form(inputs, attrs)
        else:
            need("topk_weights" not in inputs and "num_experts" not in attrs, "X9", "topk_weights and num_experts belong to topk_ids")
            R = inputs["routing_map"]
            need(R.data.ndim == 2 and R.data.shape[0] == shape(inputs, "inp")[0], "X1", "routing_map must be [T, E] with T of inp")
            if "probs" in inputs:
                need(shape(inputs, "probs") == R.data.shape, "X1", "probs must be [T, E]")
            need(R.dtype in ("i32", "i64", "bool") and np.isin(R.data, (0, 1)).all(), "X2", "routing_map values must be 0 or 1")
            need(R.data.shape[1] >= 1, "X1", "routing_map needs an expert")
            routed = int(R.data.astype(np.int64).sum())
        N = attrs.get("num_out_tokens")
        need(N is not None and 0 < N and N >= routed, "X3", "need 0 < num_out_tokens >= routed pairs (TE #3346)")
        A = attrs.get("align_size")
        need((A is not None or profile != "torch-mask-pad") and (A is None or A > 0), "X4", "align_size must be > 0 (required by torch-mask-pad)")
        roll = attrs.get("roll_to_expert_id")
        if profile != "maxtext":
            need(roll is None, "X21", "roll_to_expert_id belongs to profile maxtext")
        else:
            need("topk_ids" in inputs and A is None, "X19", "maxtext takes topk_ids and no align_size")
            ids = inputs["topk_ids"].data
            need((ids >= 0).all() and N == ids.size, "X20", "maxtext: every slot names an expert, num_out_tokens = T*K")
            need(roll is None or 0 <= roll < attrs["num_experts"], "X21", "roll_to_expert_id must be in [0, num_experts)")
        check_scales(inputs, attrs, profile)
    elif op == "token_combine":
        need(inputs["inp"].dtype in REDUCIBLE, "X5", "combine reduces: fp8 is moved, never reduced", NotSupported)
        T, E = check_row_id_map(inputs, "inp", False)
        if "merging_probs" in inputs:
            need(shape(inputs, "merging_probs") == (T, E), "X1", "merging_probs must be [T, E]")
    elif op == "token_dispatch_backward":
        need(inputs["grad_output"].dtype in REDUCIBLE, "X5", "dispatch backward reduces: fp8 is moved, never reduced", NotSupported)
        check_row_id_map(inputs, "grad_output", False)
        if "grad_permuted_probs" in inputs:
            need(shape(inputs, "grad_permuted_probs") == (shape(inputs, "grad_output")[0],), "X1", "grad_permuted_probs must be [rows]")
    elif op == "token_combine_backward":
        T, E = check_row_id_map(inputs, "fwd_input", True)
        need(shape(inputs, "grad_output") == (T, shape(inputs, "fwd_input")[1]), "X1", "grad_output must be [T, H]")
        if "merging_probs" in inputs:
            need(inputs["grad_output"].dtype in REDUCIBLE and inputs["fwd_input"].dtype in REDUCIBLE, "X5", "fp8 is never reduced", NotSupported)
            need(shape(inputs, "merging_probs") == (T, E), "X1", "merging_probs must be [T, E]")
    elif op == "sort_chunks_by_index":
        rows = shape(inputs, "inp")[0]
        if "probs" in inputs:
            need(shape(inputs, "probs") == (rows,), "X1", "probs must be [N]")
        check_chunks(inputs["split_sizes"], inputs["sorted_indices"], rows)
    elif op == "sort_chunks_by_index_backward":
        m = inputs["row_id_map"]
        rows = shape(inputs, "grad_output")[0]
        need(m.dtype in INDEX, "X5", "row_id_map must be an integer tensor")
        need(m.data.shape == (rows,), "X1", "row_id_map must be [N]")
        need(sorted(m.data.astype(np.int64).tolist()) == list(range(rows)), "X7", "row_id_map is not a permutation")
        if "grad_permuted_probs" in inputs:
            need(shape(inputs, "grad_permuted_probs") == (rows,), "X1", "grad_permuted_probs must be [N]")
    elif op in ("compute_ragged_all_to_all_params", "compute_reverse_ragged_all_to_all_params"):
        check_shards(inputs, attrs)
    elif op == "local_permute_after_a2a":
        M, S, s, L = check_shards(inputs, attrs)
        need(int(M[:, s * L:(s + 1) * L].sum()) <= shape(inputs, "inp")[0], "X8", "the shards send more rows than inp has")
    elif op == "local_unpermute_before_a2a":
        check_chunks(inputs["sorted_split_sizes"], inputs["inverse_chunk_indices"], shape(inputs, "inp")[0])
    elif op == "megatron_permute":
        check_megatron_permute(inputs, attrs)
    elif op == "megatron_unpermute":
        need(inputs["inp"].dtype in REDUCIBLE, "X5", "unpermute reduces: fp8 is moved, never reduced", NotSupported)
        check_megatron_unpermute(inputs, attrs)
    elif op == "moe_align_block_size":
        check_block_align(inputs, attrs)
    elif op == "te_index_permute":
        check_te_index(inputs, attrs)
    elif op == "te_index_unpermute":
        check_te_index_unpermute(inputs, attrs)
    elif op == "torchao_permute_and_pad":
        check_padded_permute(inputs, attrs)
    elif op == "torchao_unpermute":
        check_padded_unpermute(inputs, attrs)
    elif op == "deepep_dispatch_layout":
        check_deepep_layout(inputs, attrs)
    elif op in ("te_ep_dispatch", "te_ep_combine"):
        check_te_ep(op, inputs, attrs)
    elif op == "mcore_inference_permute":
        check_inference_permute(inputs, attrs)
    elif op == "mcore_inference_unpermute":
        check_inference_unpermute(inputs, attrs)
    elif op == "megatron_pad_routing_map":
        check_pad_routing_map(inputs, attrs)


def checked(op, fn):
    def run(inputs, attrs, profile):
        check_x(op, inputs, attrs, profile)
        return fn(inputs, attrs, profile)
    return run


for _name, _fn in list(adapter.functions.items()):
    adapter.functions[_name] = checked(_name, _fn)


if __name__ == "__main__":
    if "--ep-rank" in sys.argv[1:]:
        # the rank mode (docs/protocol.md 8, the ep tier): one rank of expert parallelism, a real
        # all-to-all over TCP between the rank processes; `--ep-rank --plant NAME` for the hostile ranks
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ep"))
        import numpy_rank
        sys.argv = [sys.argv[0]] + [a for a in sys.argv[1:] if a != "--ep-rank"]
        numpy_rank.main()
    else:
        adapter.serve()
