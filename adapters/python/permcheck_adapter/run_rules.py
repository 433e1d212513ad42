"""The run-level rules the Java engine adds to every vector (docs/spec.md "Run-level rules",
docs/checks.md section 2): R1, the same call made twice gives the same bits on the specified
elements of its DATA and INDEX outputs (engine DeterminismCheck); R2, combining the port's own
dispatch output with weights 1/n(t) gives each token's input row back (engine RoundTrip and
RoundTripCheck). Same conditions, same skips, same tolerance as there.
"""
import numpy as np

from .dtypes import to_f32
from .reductions import REDUCTIONS, TOLERANCE
from .tensor import Tensor


def _bits(data):
    return data.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[data.dtype.itemsize])


def _align_groups(inputs, attrs):
    """(start, rows) of every expert's group in moe_align_block_size's sorted_token_ids (K3), from the call's inputs."""
    ids = inputs["topk_ids"].data.astype(np.int64).reshape(-1)
    B, E = attrs["block_size"], attrs["num_experts"]
    target = -(-np.bincount(ids, minlength=E) // B) * B
    start = np.concatenate(([0], np.cumsum(target)[:-1]))
    return [(int(s), int(t)) for s, t in zip(start, target)]


def _ep_slabs_differ(first, second, inputs, attrs):
    """(slabs judged, the first problem or None): each te_ep_dispatch slab (Y1: its aligned rows) the same multiset of
    (row bits, weight bits) on both runs (engine EpSlabCheck.secondRun)."""
    ids = inputs["topk_idx"].data.astype(np.int64)
    S, E, C = attrs["num_ranks"], attrs["num_experts"], attrs["recv_capacity"]
    A = attrs.get("alignment", 0)
    count = np.bincount(ids.reshape(-1), minlength=E)
    rows = count if A <= 1 else (count + A - 1) // A * A
    L = E // S
    ta, wa, tb, wb = (first.get("recv_tokens"), first.get("recv_topk_weights"), second.get("recv_tokens"), second.get("recv_topk_weights"))
    if any(t is None for t in (ta, wa, tb, wb)) or tuple(ta.shape) != tuple(tb.shape) or tuple(wa.shape) != tuple(wb.shape):
        return 1, "outputs 'recv_tokens', 'recv_topk_weights': absent or another shape on the second run"
    def entries(t, w, s, n):
        tt, ww = _bits(t.data).reshape(t.data.shape[0], -1), _bits(w.data).reshape(-1)
        return sorted((tuple(tt[r].tolist()), int(ww[r])) for r in range(s, s + n))
    for r in range(S):
        at = r * C
        for e in range(r * L, (r + 1) * L):
            n = int(rows[e])
            if entries(ta, wa, at, n) != entries(tb, wb, at, n):
                return E, "output 'recv_tokens' expert %d's slab (rows %d..%d): another multiset on the second run" % (e, at, at + n)
            at += n
    return E, None


def determinism_problems(call, op, expected, specified_mask, first, second, level="group_order", inputs=None, attrs=None):
    """[R1] problems of two answers to the same call (dicts name -> Tensor) judged against the declared
    `level` (engine DeterminismCheck): bit_exact compares reductions too; multiset compares each group of
    moe_align_block_size's sorted_token_ids as a multiset (needs the call's `inputs` and `attrs`); [] when they agree.

    `specified_mask(name, shape)` gives the output's specified elements."""
    first_bad = None
    bad = 0
    judged = 0
    for name in expected:
        if (op, name) in REDUCTIONS and level != "bit_exact":
            continue
        if level == "multiset" and op == "moe_align_block_size" and name == "sorted_token_ids":
            a, b = first.get(name), second.get(name)
            if a is None or b is None or tuple(b.shape) != tuple(a.shape) or tuple(expected[name].shape) != tuple(a.shape):
                if a is not None and (b is None or tuple(b.shape) != tuple(a.shape)):
                    bad += 1
                    first_bad = first_bad or "output '%s': first run %s%s, second run %s" % (
                        name, a.dtype, list(a.shape), "absent" if b is None else "%s%s" % (b.dtype, list(b.shape)))
                continue
            x, y = a.data.astype(np.int64), b.data.astype(np.int64)
            groups = _align_groups(inputs, attrs)
            for e, (start, rows) in enumerate(groups):
                judged += 1
                if not np.array_equal(np.sort(x[start:start + rows]), np.sort(y[start:start + rows])):
                    bad += 1
                    first_bad = first_bad or "output '%s' expert %d's group (rows %d..%d): another multiset on the second run" % (
                        name, e, start, start + rows)
            post = sum(rows for _, rows in groups)
            for r in np.flatnonzero(x[post:] != y[post:]):
                judged += 1
                bad += 1
                first_bad = first_bad or "output '%s' row %d (past the groups): first run %d, second run %d" % (
                    name, post + r, x[post + r], y[post + r])
            continue
        if level == "multiset" and op == "te_ep_dispatch" and name in ("recv_tokens", "recv_topk_weights"):
            # Y1: slabs without order; recv_tokens and recv_topk_weights compared together as (row, weight) entries
            if name == "recv_tokens":
                n, problem = _ep_slabs_differ(first, second, inputs, attrs)
                judged += n
                if problem:
                    bad += 1
                    first_bad = first_bad or problem
            continue
        a, b = first.get(name), second.get(name)
        if a is None:
            continue
        if b is None or b.dtype != a.dtype or tuple(b.shape) != tuple(a.shape):
            bad += 1
            first_bad = first_bad or "output '%s': first run %s%s, second run %s" % (
                name, a.dtype, list(a.shape), "absent" if b is None else "%s%s" % (b.dtype, list(b.shape)))
            continue
        if tuple(expected[name].shape) != tuple(a.shape) or a.data.ndim == 0 or np.array_equal(_bits(a.data), _bits(b.data)):
            continue  # the engine counts the rows of outputs that differ somewhere only
        mask = specified_mask(name, a.shape).reshape(a.shape[0], -1)
        differ = (_bits(a.data) != _bits(b.data)).reshape(a.shape[0], -1) & mask
        rows = mask.any(axis=1)
        judged += int(np.count_nonzero(rows))
        for r in np.flatnonzero(differ.any(axis=1)):
            bad += 1
            if first_bad is None:
                c = int(np.flatnonzero(differ[r])[0])
                first_bad = "output '%s' row %d column %d: first run 0x%x, second run 0x%x" % (
                    name, r, c, int(_bits(a.data).reshape(a.shape[0], -1)[r, c]), int(_bits(b.data).reshape(a.shape[0], -1)[r, c]))
    if not bad:
        return []
    return ["%s: [R1] declared %s: two runs of the same call differ (%d of %d specified rows): first at %s" % (
        call, level, bad, judged, first_bad)]


def mask_form(inputs, attrs):
    """The routing map and probs of a dispatch's inputs (docs/spec.md I1-I4): a routing_map as given,
    topk_ids [T,k] scattered into one (-1 slots route nowhere) with topk_weights by slot."""
    if "topk_ids" not in inputs:
        return inputs["routing_map"].data, inputs.get("probs")
    ids = inputs["topk_ids"].data.astype(np.int64)
    E = int(attrs["num_experts"])
    if "roll_to_expert_id" in attrs:  # J4 (profile maxtext): the table is the rolled ids' (no -1 slots there, X20)
        ids = (ids - int(attrs["roll_to_expert_id"])) % E
    routing = np.zeros((ids.shape[0], E), dtype=np.int32)
    tt, jj = np.nonzero(ids >= 0)
    routing[tt, ids[tt, jj]] = 1
    w = inputs.get("topk_weights")
    if w is None:
        return routing, None
    p = np.zeros((ids.shape[0], E), dtype=w.data.dtype)
    p[tt, ids[tt, jj]] = w.data[tt, jj]
    return routing, Tensor(p, w.dtype)


def combine_after(inputs, outputs, claims, profile, attrs=None):
    """The inputs of R2's follow-up combine (the port's own output, row_id_map, pad_offsets, f32
    weights 1/n(t)), or None when the rule does not apply: fp8 payload, outputs malformed, or the
    combine outside the port's claims."""
    x = inputs["inp"]
    if x.dtype not in ("f32", "bf16", "f16"):
        return None
    routing, _ = mask_form(inputs, attrs or {})
    y, rid = outputs.get("output"), outputs.get("row_id_map")
    if routing.ndim != 2 or y is None or rid is None or y.dtype != x.dtype or y.data.ndim != 2 or x.data.ndim != 2 \
            or y.shape[1] != x.shape[1]:
        return None
    tokens, experts = routing.shape
    if tuple(rid.shape) != (tokens, 2 * experts + 1) or rid.dtype not in ("i32", "i64", "u8", "u16"):
        return None
    routed = routing != 0
    n = routed.sum(axis=1)
    weights = np.where(routed, (np.float32(1.0) / np.maximum(n, 1).astype(np.float32))[:, None], np.float32(0.0))
    combine = {"inp": y, "row_id_map": rid, "merging_probs": Tensor(weights.astype(np.float32), "f32")}
    pad = outputs.get("pad_offsets")
    if pad is not None:
        if tuple(pad.shape) != (experts,) or pad.dtype not in ("i32", "i64", "u8", "u16"):
            return None
        combine["pad_offsets"] = pad
    if claims.why_not("token_combine", profile, combine, {}) is not None:
        return None
    return combine


def round_trip_problems(call, inputs, combined, failure=None, attrs=None):
    """[R2] problems of the follow-up combine's answer `combined` (dict name -> Tensor) to a dispatch
    of `inputs`; `failure` is the combine's ERROR text when it failed. [] when the input comes back."""
    call = call + " then token_combine(merging_probs=1/n(t))"
    if failure is not None:
        return ["%s: [R2] the combine failed: %s" % (call, failure)]
    x = inputs["inp"]
    y = combined.get("output")
    if y is None or y.dtype != x.dtype or tuple(y.shape) != tuple(x.shape):
        return ["%s: [R2] combine returned %s, expected %s%s" % (
            call, "no output" if y is None else "%s%s" % (y.dtype, list(y.shape)), x.dtype, list(x.shape))]
    routing, probs = mask_form(inputs, attrs or {})
    routed = routing != 0
    n = routed.sum(axis=1)
    zero_prob = np.zeros(n.shape, dtype=bool)
    if probs is not None:
        # a +-0.0 prob on a routed entry zeroes that row (D3): the sum is partial by design, skipped
        with np.errstate(invalid="ignore"):
            zero_prob = (routed & (to_f32(probs.data, probs.dtype) == 0.0)).any(axis=1)
    tol = TOLERANCE[x.dtype]
    nn = n[:, None].astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):  # NaN payloads are values here, not accidents
        want = to_f32(x.data, x.dtype).astype(np.float64)
        got = to_f32(y.data, y.dtype).astype(np.float64)
        slack = (nn + 1) * 2.0 ** -24 * np.abs(want) * 2
        close = np.isfinite(got) & (np.abs(got - want) <= tol + tol * np.abs(want) + slack)
        ok = np.where(n[:, None] == 0, _bits(y.data) == 0,                         # routed nowhere: +0.0 exactly
                      np.where(np.isnan(want), np.isnan(got),
                               np.where(n[:, None] == 1, got == want,              # weight 1: exactly back
                                        np.isinf(want) | (np.abs(want) > 1e30) | close)))  # n * (x/n) may overflow
    bad_tokens = [t for t in range(x.shape[0]) if not zero_prob[t] and not ok[t].all()]
    if not bad_tokens:
        return []
    t = bad_tokens[0]
    h = int(np.flatnonzero(~ok[t])[0])
    expect = "0x0" if n[t] == 0 else "0x%x" % int(_bits(x.data)[t, h])
    return ["%s: [R2] does not give the input back (%d of %d tokens): first at token %d column %d: expected %s (the input), got 0x%x"
            % (call, len(bad_tokens), int(np.count_nonzero(~zero_prob)), t, h, expect, int(_bits(y.data)[t, h]))]
