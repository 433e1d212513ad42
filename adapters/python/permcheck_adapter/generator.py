"""permcheck's seeded case generator (docs/generator.md), ported so that a port can rebuild the
inputs of any generated case or vector from its spec line, byte for byte, without Java.

    inputs, attrs = generate("op=token_dispatch profile=te-jax T=5 E=3 H=4 k=2 routing=uniform ...")

`inputs` maps port names to Tensor (logical dtype + numpy storage), `attrs` names to ints.
Plain loops, in the documented draw order: speed is not the point, agreement is.
"""
import numpy as np

from .dtypes import from_f32, storage_of
from .tensor import Tensor

MASK64 = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15


def _mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


class SplitMix64:
    """Section 1."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + GAMMA) & MASK64
        return _mix(self.state)

    def below(self, n):
        if n <= 0:
            raise ValueError("below(%d)" % n)
        return self.next() % n

    def unit24(self):
        return float(self.next() >> 40) * 2.0 ** -24

    @staticmethod
    def nth(seed, i):
        return _mix((seed + (i + 1) * GAMMA) & MASK64)


KEYS = ["op", "profile", "T", "E", "H", "k", "routing", "align", "extra", "dtype", "probs_dtype", "probs",
        "merging_probs", "zero_probs", "values", "chunks", "chunk_order", "shards", "seed"]
# optional keys (docs/generator.md section 2) and the value a line without them means
OPTIONAL = {"routing_dtype": "i32", "routing_form": "mask", "scale_recipe": "0"}
INTS = {"T", "E", "H", "k", "align", "extra", "chunks", "shards", "scale_recipe"}
BOOLS = {"probs", "merging_probs", "zero_probs"}


def parse_spec(line):
    """Section 2: the one-line spec as a dict (ints, bools, seed as an unsigned int)."""
    spec = {}
    for part in line.split():
        key, eq, value = part.partition("=")
        if not eq or not key:
            raise ValueError("bad case spec field '%s' (expected key=value)" % part)
        spec[key] = value
    missing = [k for k in KEYS if k not in spec]
    if missing:
        raise ValueError("case spec lacks %s" % ", ".join(missing))
    for k, default in OPTIONAL.items():
        spec.setdefault(k, default)
    if spec["routing_dtype"] not in ROUTING_DTYPES:
        raise ValueError("routing dtype must be i32, i64 or bool (X2), not '%s'" % spec["routing_dtype"])
    if spec["routing_form"] not in ("mask", "index"):
        raise ValueError("routing_form must be mask or index, got '%s'" % spec["routing_form"])
    for k in INTS:
        spec[k] = int(spec[k])
    for k in BOOLS:
        spec[k] = spec[k] == "true"
    seed = spec["seed"]
    spec["seed"] = int(seed, 16) if seed.startswith("0x") else int(seed) & MASK64
    return spec


SPECIALS = {
    "f32": [0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0x7F800001, 0x00000001, 0x7F7FFFFF, 0xFF7FFFFF, 0x3F800000],
    "bf16": [0x0000, 0x8000, 0x7F80, 0xFF80, 0x7FC0, 0x7F81, 0x0001, 0x7F7F, 0xFF7F, 0x3F80],
    "f16": [0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0x7C01, 0x0001, 0x7BFF, 0xFBFF, 0x3C00],
    "f8e4m3": [0x00, 0x80, 0x7F, 0xFF, 0x7F, 0xFF, 0x01, 0x7E, 0xFE, 0x38],
    "f8e5m2": [0x00, 0x80, 0x7C, 0xFC, 0x7E, 0x7D, 0x01, 0x7B, 0xFB, 0x3C],
}
SIZE = {"f32": 4, "bf16": 2, "f16": 2, "f8e4m3": 1, "f8e5m2": 1}
BITS_VIEW = {4: np.uint32, 2: np.uint16, 1: np.uint8}
# values=distinct: code 1 + (i mod P) of flat element i, P prime per element size (section 4)
DISTINCT_PRIME = {4: 16777213, 2: 65521, 1: 251}
ROUTING_DTYPES = {"i32": np.int32, "i64": np.int64, "bool": np.bool_}


def _round_bits(dtype, value):
    """round_to_d(value) as raw bits (value is exactly representable in binary32)."""
    stored = from_f32(np.array([value], dtype=np.float32), dtype)
    return int(np.ascontiguousarray(stored).view(BITS_VIEW[SIZE[dtype]])[0])


def _tensor_from_bits(dtype, shape, bits):
    arr = np.array(bits, dtype=np.uint64).astype(BITS_VIEW[SIZE[dtype]]).reshape(shape)
    return Tensor(arr.view(storage_of(dtype)), dtype)


def payload(rng, kind, dtype, rows, cols):
    """Section 4."""
    size = SIZE[dtype]
    mask = (1 << (8 * size)) - 1
    fp8 = dtype.startswith("f8")
    bits = []
    for r in range(rows):
        for c in range(cols):
            if kind == "bits":
                b = rng.next() & mask
            elif kind == "specials":
                b = SPECIALS[dtype][rng.below(10)] if rng.below(4) == 0 else rng.next() & mask
            elif kind == "normal":
                b = rng.next() & mask if fp8 else _round_bits(dtype, rng.unit24() * 4 - 2)
            elif kind == "small":
                v = rng.below(8)
                b = v if fp8 else _round_bits(dtype, v)
            elif kind == "index":
                b = (r + 1) & 0xFF if fp8 else _round_bits(dtype, r + 1)
            elif kind == "distinct":
                code = 1 + (r * cols + c) % DISTINCT_PRIME[size]
                b = _round_bits(dtype, float(code)) if dtype == "f32" else code
            else:
                raise ValueError("unknown values '%s'" % kind)
            bits.append(b)
    return _tensor_from_bits(dtype, (rows, cols), bits)


def _probability_bits(rng, dtype, zeros, routed):
    """Section 5."""
    if zeros:
        c = rng.below(8)
        if c == 0:
            v = 0.0
        elif c == 1:
            v = -0.0
        elif c == 2 and not routed:
            v = float("nan")
        else:
            v = rng.unit24()
    else:
        v = rng.unit24()
    return _round_bits(dtype, v)


def probabilities(rng, spec, R):
    T, E = R.shape
    bits = [_probability_bits(rng, spec["probs_dtype"], spec["zero_probs"], R[t, e] != 0) for t in range(T) for e in range(E)]
    return _tensor_from_bits(spec["probs_dtype"], (T, E), bits)


def probability_vector(rng, spec, rows):
    bits = [_probability_bits(rng, spec["probs_dtype"], spec["zero_probs"], True) for _ in range(rows)]
    return _tensor_from_bits(spec["probs_dtype"], (rows,), bits)


def routing(rng, kind, T, E, k):
    """Section 3."""
    R = np.zeros((T, E), dtype=np.int32)
    k = min(k, E)
    fixed = rng.below(E) if kind == "one_expert" else -1
    excluded = {"empty_first": 0, "empty_last": E - 1, "empty_middle": E // 2}.get(kind, -1)

    def distinct(t, n, excl):
        a = [e for e in range(E) if e != excl]
        for i in range(n):
            j = i + rng.below(len(a) - i)
            a[i], a[j] = a[j], a[i]
            R[t, a[i]] = 1

    for t in range(T):
        if kind == "uniform":
            distinct(t, k, -1)
        elif kind == "zipf":
            for _ in range(k):
                e = rng.below(rng.below(E) + 1)
                while R[t, e] != 0:
                    e = (e + 1) % E
                R[t, e] = 1
        elif kind == "one_expert":
            R[t, fixed] = 1
        elif kind in ("empty_first", "empty_last", "empty_middle"):
            distinct(t, min(k, E - 1), excluded)
        elif kind == "nowhere":
            if rng.below(4) != 0:
                distinct(t, k, -1)
        elif kind == "varying":
            distinct(t, rng.below(k + 1), -1)
        elif kind == "all":
            R[t, :] = 1
        else:
            raise ValueError("unknown routing '%s'" % kind)
    return R


def layout(R, align, extra, profile):
    """Section 6: counts, padding and the buffer rows."""
    T, E = R.shape
    count = [int(R[:, e].sum()) for e in range(E)]
    used = sum(count)
    num_out = max(1, used + extra)
    target = [(c + align - 1) // align * align if align > 0 else c for c in count]
    pad_offsets, acc = [], 0
    for e in range(E):
        pad_offsets.append(acc)
        acc += target[e] - count[e]
    if align == 0:
        rows = num_out
    elif profile == "te-jax":
        rows = (num_out + E * (align - 1)) // align * align
    else:
        rows = sum(target)
    return {"count": count, "num_out": num_out, "target": target, "pad_offsets": pad_offsets, "rows": rows,
            "aligned": target == count}


def row_id_map(R):
    """Section 6: what TE returns, garbage slots included."""
    T, E = R.shape
    m = np.zeros((T, 2 * E + 1), dtype=np.int32)
    offset = np.concatenate(([0], np.cumsum(R.sum(axis=0))[:-1]))
    rank = [0] * E
    for t in range(T):
        dst = []
        for e in range(E):
            if R[t, e]:
                dst.append(int(offset[e]) + rank[e])
                rank[e] += 1
            else:
                dst.append(-1)
        n = sum(1 for d in dst if d >= 0)
        i = 0
        for e in range(E - 1, -1, -1):
            if dst[e] < 0:
                continue
            m[t, i] = dst[e]
            m[t, E + i] = e
            i += 1
        for j in range(n, E):
            m[t, j] = dst[j]
        m[t, E + n:2 * E] = -1
        m[t, 2 * E] = n
    return Tensor(m, "i32")


def _pad_offsets_input(lay, spec):
    if spec["align"] == 0:
        return None
    if spec["profile"] == "torch-mask-pad":
        if lay["aligned"]:
            return None
        return Tensor(np.array(lay["pad_offsets"], dtype=np.int64), "i64")
    return Tensor(np.array(lay["pad_offsets"], dtype=np.int32), "i32")


def chunk_map(sizes, order, rows):
    in_start, acc = [], 0
    for s in sizes:
        in_start.append(acc)
        acc += s
    m = list(range(rows))
    out = 0
    for c in order:
        for i in range(sizes[c]):
            m[in_start[c] + i] = out + i
        out += sizes[c]
    return Tensor(np.array(m, dtype=np.int32), "i32")


def index_form_inputs(rng, s, R, probs, inputs, attrs):
    """Section 7, index form (docs/spec.md I1-I4): topk_ids [T, max n(t) + 1] ([T, max n(t)] in maxtext), each row's experts in
    ascending id then -1s, shuffled by Fisher-Yates from the last slot down; topk_weights[t, j] the
    probability of slot j's expert, NaN on a -1 slot when zero_probs, else a fresh probability draw."""
    T, E = R.shape
    width = int(max([int((R[t] != 0).sum()) for t in range(T)] + [0]))
    if s["profile"] != "maxtext":
        width += 1  # maxtext (X20): no spare slot, every slot names an expert
    ids_dtype = "i64" if s["routing_dtype"] == "i64" else "i32"
    ids = np.zeros((T, width), dtype=np.int64)
    wbits = []
    for t in range(T):
        slot = [e for e in range(E) if R[t, e] != 0]
        slot += [-1] * (width - len(slot))
        for j in range(width - 1, 0, -1):
            o = rng.below(j + 1)
            slot[j], slot[o] = slot[o], slot[j]
        for j in range(width):
            ids[t, j] = slot[j]
            if probs is None:
                continue
            if slot[j] >= 0:
                wbits.append(int(_bits_of(probs)[t, slot[j]]))
            elif s["zero_probs"]:
                wbits.append(_round_bits(probs.dtype, float("nan")))
            else:
                wbits.append(_probability_bits(rng, probs.dtype, False, True))
    inputs["topk_ids"] = Tensor(ids.astype(ROUTING_DTYPES[ids_dtype]), ids_dtype)
    if probs is not None:
        inputs["topk_weights"] = _tensor_from_bits(probs.dtype, (T, width), wbits)
    attrs["num_experts"] = E


# section 7c (docs/spec.md F1): recipe -> (block size, scale dtype)
SCALE_RECIPES = {1: (128, "f32"), 2: (32, "u8")}


def block_scales(recipe, T, H):
    """Section 7b: scale_inv [T, ceil(H/block)], position p = t*B + j alone (no draw): recipe 1 the f32 power of two
    with exponent field 1 + p mod 254, recipe 2 the E8M0 byte p mod 255."""
    block, dtype = SCALE_RECIPES[recipe]
    B = -(-H // block)
    p = np.arange(T * B, dtype=np.int64).reshape(T, B)
    if recipe == 1:
        return Tensor(((1 + p % 254) << 23).astype(np.uint32).view(np.float32), dtype)
    return Tensor((p % 255).astype(np.uint8), dtype)


def _bits_of(t):
    """The raw bits of a float tensor, as unsigned ints of its element size."""
    return np.ascontiguousarray(t.data).view(BITS_VIEW[SIZE[t.dtype]])


def generate(line):
    """Sections 7 and 8: the inputs and attributes of the case a spec line describes."""
    s = parse_spec(line) if isinstance(line, str) else line
    rng = SplitMix64(s["seed"])
    op = s["op"]
    inputs, attrs = {}, {}
    if op in ("token_dispatch", "token_combine", "token_dispatch_backward", "token_combine_backward"):
        R = routing(rng, s["routing"], s["T"], s["E"], s["k"])
        lay = layout(R, s["align"], s["extra"], s["profile"])
        rows = lay["rows"]
        if op == "token_dispatch":
            probs = probabilities(rng, s, R) if s["probs"] else None
            inputs["inp"] = payload(rng, s["values"], s["dtype"], s["T"], s["H"])
            if s["routing_form"] == "index":
                index_form_inputs(rng, s, R, probs, inputs, attrs)
                if s["profile"] == "maxtext":
                    attrs["roll_to_expert_id"] = rng.below(s["E"])  # J4: drawn last, maxtext cases only
            else:
                inputs["routing_map"] = Tensor(R.astype(ROUTING_DTYPES[s["routing_dtype"]]), s["routing_dtype"])
                if probs is not None:
                    inputs["probs"] = probs
            if s["scale_recipe"]:
                inputs["scale_inv"] = block_scales(s["scale_recipe"], s["T"], s["H"])  # F1-F4, no draw
                attrs["scale_recipe"] = s["scale_recipe"]
            attrs["num_out_tokens"] = lay["num_out"]
            if s["align"] > 0:
                attrs["align_size"] = s["align"]
        elif op == "token_combine":
            mp = probabilities(rng, s, R) if s["merging_probs"] else None
            inputs["inp"] = payload(rng, s["values"], s["dtype"], rows, s["H"])
            inputs["row_id_map"] = row_id_map(R)
            if mp is not None:
                inputs["merging_probs"] = mp
        elif op == "token_dispatch_backward":
            inputs["grad_output"] = payload(rng, s["values"], s["dtype"], rows, s["H"])
            inputs["row_id_map"] = row_id_map(R)
            if s["probs"]:
                inputs["grad_permuted_probs"] = probability_vector(rng, s, rows)
        else:
            mp = probabilities(rng, s, R) if s["merging_probs"] else None
            inputs["grad_output"] = payload(rng, s["values"], s["dtype"], s["T"], s["H"])
            inputs["row_id_map"] = row_id_map(R)
            inputs["fwd_input"] = payload(rng, s["values"], s["dtype"], rows, s["H"])
            if mp is not None:
                inputs["merging_probs"] = mp
        if op != "token_dispatch":
            pad = _pad_offsets_input(lay, s)
            if pad is not None:
                inputs["pad_offsets"] = pad
    elif op in ("sort_chunks_by_index", "sort_chunks_by_index_backward"):
        n, chunks = s["T"], s["chunks"]
        total = max(0, n - s["extra"])
        cuts = sorted(rng.below(total + 1) for _ in range(chunks - 1))
        sizes, prev = [], 0
        for i in range(chunks):
            end = cuts[i] if i < len(cuts) else total
            sizes.append(end - prev)
            prev = end
        order = [chunks - 1 - i if s["chunk_order"] == "reverse" else i for i in range(chunks)]
        if s["chunk_order"] == "random":
            for i in range(chunks - 1, 0, -1):
                j = rng.below(i + 1)
                order[i], order[j] = order[j], order[i]
        data = payload(rng, s["values"], s["dtype"], n, s["H"])
        probs = probability_vector(rng, s, n) if s["probs"] else None
        if op == "sort_chunks_by_index":
            inputs["inp"] = data
            inputs["split_sizes"] = Tensor(np.array(sizes, dtype=np.int32), "i32")
            inputs["sorted_indices"] = Tensor(np.array(order, dtype=np.int32), "i32")
            if probs is not None:
                inputs["probs"] = probs
        else:
            inputs["grad_output"] = data
            inputs["row_id_map"] = chunk_map(sizes, order, n)
            if probs is not None:
                inputs["grad_permuted_probs"] = probs
    else:
        S, E = s["shards"], s["E"]
        L = E // S
        M = np.array([[rng.below(s["T"] + 1) for _ in range(E)] for _ in range(S)], dtype=np.int32).reshape(S, E)
        shard = rng.below(S)
        received = int(M[:, shard * L:(shard + 1) * L].sum())
        if op in ("compute_ragged_all_to_all_params", "compute_reverse_ragged_all_to_all_params"):
            inputs["all_shards_tokens_per_expert"] = Tensor(M, "i32")
            attrs.update(shard_id=shard, num_shards=S)
        elif op == "local_permute_after_a2a":
            inputs["inp"] = payload(rng, s["values"], s["dtype"], received + s["extra"], s["H"])
            inputs["all_shards_tokens_per_expert"] = Tensor(M, "i32")
            attrs.update(shard_id=shard, num_shards=S)
        elif op == "local_unpermute_before_a2a":
            sorted_sizes = np.zeros(S * L, dtype=np.int32)
            inverse = np.zeros(S * L, dtype=np.int32)
            for i in range(S):
                for l in range(L):
                    sorted_sizes[l * S + i] = M[i, shard * L + l]
                    inverse[i * L + l] = l * S + i
            inputs["inp"] = payload(rng, s["values"], s["dtype"], received + s["extra"], s["H"])
            inputs["sorted_split_sizes"] = Tensor(sorted_sizes, "i32")
            inputs["inverse_chunk_indices"] = Tensor(inverse, "i32")
        else:
            raise ValueError("unknown op '%s'" % op)
    return inputs, attrs
