"""Reads permcheck's golden vectors (docs/vectors.md) and judges a port's answers against them,
without Java: bit for bit on the positions the contract specifies, within the documented
tolerance (docs/spec.md C5) for reductions.
"""
import hashlib
import json
import os

import numpy as np

from .claims import PROFILES
from .dtypes import STORAGE, to_f32
from .empty_sums import empty_sums
from .ops import OPS
from .pin import pin_problem
from .reductions import OVERFLOW, REDUCTIONS, TOLERANCE
from .tensor import load

FORMAT_VERSION = 1


class VectorError(Exception):
    """A vector directory that is not what docs/vectors.md says (one line)."""


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def _text(node, key):
    """A manifest field as text, "" when absent or not a string (what the Java reader's asText sees)."""
    v = node.get(key) if isinstance(node, dict) else None
    if isinstance(v, bool):
        return "true" if v else "false"
    return v if isinstance(v, str) else (str(v) if isinstance(v, (int, float)) else "")


def _texts(node, key):
    values = node.get(key)
    return [_text({key: v}, key) for v in values] if isinstance(values, list) else []


def _json(path):
    """A JSON object read from `path`, refused in VectorSet.json's wording."""
    try:
        with open(path, encoding="utf-8") as f:
            n = json.load(f)
    except ValueError as e:
        raise VectorError("%s: not valid JSON: %s" % (path, " ".join(str(e).split()))) from None
    except OSError as e:
        raise VectorError("%s: %s" % (path, e.strerror or e)) from None
    if not isinstance(n, dict):
        raise VectorError("%s: not a JSON object" % path)
    return n


def _check_version(path, node):
    v = node.get("format_version")
    if isinstance(v, bool) or v != FORMAT_VERSION:
        raise VectorError("%s: format version %s, this permcheck reads %d" % (path, "(none)" if v is None else v, FORMAT_VERSION))



def _format_file(path, missing, fmt, noun):
    """The JSON object of a permcheck file: present, of format `fmt` and a version this kit reads."""
    if not os.path.isfile(path):
        raise VectorError(missing)
    m = _json(path)
    if _text(m, "format") != fmt:
        raise VectorError("%s: not a %s %s" % (path, fmt, noun))
    _check_version(path, m)
    return m

def _tensors(case_dir, section, manifest_path):
    out = {}
    for name, ref in (section.items() if isinstance(section, dict) else ()):
        file = _text(ref, "file")
        path = os.path.join(case_dir, file)
        if not file or os.path.dirname(os.path.normpath(file)) != "" or os.path.normpath(file) in (".", ".."):
            raise VectorError("%s: tensor '%s' names a bad file '%s'" % (manifest_path, name, file))
        if not os.path.isfile(path):
            raise VectorError("%s: tensor '%s': missing file %s" % (manifest_path, name, file))
        sha = _sha256(path)
        if sha != _text(ref, "sha256"):
            raise VectorError("%s: SHA-256 %s does not match the manifest's %s" % (path, sha, _text(ref, "sha256")))
        dtype = _text(ref, "dtype")
        if dtype not in STORAGE:
            raise VectorError("%s: tensor '%s': unknown dtype '%s'" % (manifest_path, name, dtype))
        try:
            t = load(path, dtype)
        except (ValueError, OSError) as e:
            raise VectorError(" ".join(str(e).split()) if str(e).startswith(path) else "%s: %s" % (path, e)) from None
        shape = ref.get("shape")
        if not isinstance(shape, list) or list(t.shape) != shape:
            raise VectorError("%s: shape %s does not match the manifest's %s" % (path, list(t.shape), shape))
        out[name] = t
    return out


class Vector:
    """One vector: the call (op, profile, attrs, inputs) and, unless negative, what it must return.

    Read with the Java reader's refusals and wording (VectorSet.loadOne): a manifest it would not
    load is a VectorError here too, never a KeyError."""

    def __init__(self, root, vid):
        self.id = vid
        self.dir = os.path.join(root, vid)
        path = os.path.join(self.dir, "case.json")
        m = _format_file(path, "%s: missing (listed in index.json)" % path, "permcheck-vector", "manifest")
        if _text(m, "id") != vid:
            raise VectorError("%s: id '%s' does not match its directory '%s'" % (path, _text(m, "id"), vid))
        self.manifest = m
        self.op = _text(m, "op")
        if self.op not in OPS:
            raise VectorError("%s: unknown op '%s'" % (path, self.op))
        self.profile = _text(m, "profile").lower()
        if self.profile not in PROFILES:
            raise VectorError("%s: unknown profile '%s' (known: %s)" % (path, _text(m, "profile"), ", ".join(PROFILES)))
        attrs = m.get("attrs") if isinstance(m.get("attrs"), dict) else {}
        for k, v in attrs.items():
            if isinstance(v, bool) or not isinstance(v, int):
                raise VectorError("%s: attribute '%s' is not an integer" % (path, k))
        self.attrs = dict(attrs)
        self.rules = _texts(m, "rules")
        self.features = _texts(m, "features")
        self.inputs = _tensors(self.dir, m.get("inputs"), path)
        self.negative = m["negative"] if "negative" in m else None
        if self.negative is not None:
            rule = _text(self.negative, "rule")
            self.negative = {"rule": rule}
            # the Java reader asks its oracle whether the inputs are really refused; without one, stored
            # expected outputs say the same: only inputs the oracle accepted ever got them written
            if "expected" in m:
                raise VectorError("%s: marked negative (%s) but the oracle accepts its inputs: it stores their "
                                  "expected outputs (a positive vector with its flag flipped?)" % (path, rule))
            self.expected, self.specified, self.reference = {}, {}, {}
            return
        self.expected = _tensors(self.dir, m.get("expected"), path)
        self.specified = _tensors(self.dir, m.get("specified"), path)
        self.reference = _tensors(self.dir, m.get("reference"), path)


def load_vectors(root):
    """Every vector listed by root/index.json, in order, refused as the Java reader refuses a set
    (VectorSet.load: the index, every manifest and tensor, then the pin, docs/vectors.md sections 11-12)."""
    index = os.path.join(root, "index.json")
    idx = _format_file(index, "%s: no index.json (not a vector directory)" % root, "permcheck-vectors", "index")
    # a missing, empty or non-array "cases" would check a set of nothing
    cases = idx.get("cases")
    if not isinstance(cases, list):
        raise VectorError('%s: "cases" must be an array of vector ids' % index)
    if not cases:
        raise VectorError('%s: "cases" is empty (a vector set with no vectors judges nothing)' % index)
    seen = set()
    for c in cases:
        if not isinstance(c, str):
            raise VectorError('%s: "cases" holds a non-string entry %s' % (index, json.dumps(c)))
        if c in seen:
            raise VectorError("%s: \"cases\" lists '%s' twice" % (index, c))
        seen.add(c)
        inside = os.path.normpath(os.path.join(root, c))
        if os.path.isabs(c) or not (inside + os.sep).startswith(os.path.normpath(root) + os.sep):
            raise VectorError("%s: case id '%s' leaves the vector directory" % (root, c))
    unlisted = sorted(os.path.relpath(d, root).replace(os.sep, "/") for d, _, files in os.walk(root)
                      if "case.json" in files and os.path.relpath(d, root).replace(os.sep, "/") not in seen)
    if unlisted:
        raise VectorError('%s: %d vector director%s not listed in "cases": %s%s' % (
            index, len(unlisted), "y" if len(unlisted) == 1 else "ies", ", ".join(unlisted[:5]),
            ", ..." if len(unlisted) > 5 else ""))
    vectors = [Vector(root, vid) for vid in cases]
    # last, so that a more specific problem above is the one reported (VectorSet.load)
    problem = pin_problem(root, cases)
    if problem:
        raise VectorError(problem)
    return vectors


def _bits(t):
    return t.data.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[t.data.dtype.itemsize])


def specified_mask(vector, name, shape):
    """The specified elements of output `name`: the stored mask broadcast to the output's shape (a
    per-row mask covers whole rows), everything when there is none (the engine's check/Specified)."""
    spec = vector.specified.get(name)
    if spec is None:
        return np.ones(shape, dtype=bool)
    m = spec.data.astype(bool)
    if m.shape == tuple(shape):
        return m
    return np.broadcast_to(m.reshape(m.shape + (1,) * (len(shape) - m.ndim)), shape)


def describe_call(vector):
    """The call as problem lines name it: op(input=dtype[shape], ..., attr=value)."""
    return "%s(%s)" % (vector.op, ", ".join(["%s=%s%s" % (n, t.dtype, list(t.shape)) for n, t in vector.inputs.items()]
                                           + ["%s=%s" % kv for kv in vector.attrs.items()]))


def judge(vector, outputs):
    """Problems (one line each) of `outputs` (dict name -> Tensor) against `vector`; [] when it passes.

    As the Java engine judges (engine/.../check): presence, dtype and shape; DATA and INDEX outputs
    bit for bit on the specified positions; REDUCTION outputs within the C5 tolerance of the float64
    reference on the specified elements that sum a term, and exactly +0.0 (bits 0) on those that sum
    none (C3, G1, G4). Unspecified positions are never compared."""
    problems = []
    call = describe_call(vector)
    for name in vector.expected:
        if name not in outputs:
            problems.append("%s: output '%s' is missing" % (call, name))
    for name in outputs:
        if name not in vector.expected:
            problems.append("%s: output '%s' must be absent" % (call, name))
    for name, exp in vector.expected.items():
        got = outputs.get(name)
        if got is None:
            continue
        if got.dtype != exp.dtype or tuple(got.shape) != tuple(exp.shape):
            problems.append("%s: output '%s' is %s%s, expected %s%s" % (call, name, got.dtype, list(got.shape), exp.dtype, list(exp.shape)))
            continue
        mask = specified_mask(vector, name, exp.shape)
        if (vector.op, name) in REDUCTIONS:
            empty = empty_sums(vector.op, name, vector.inputs, exp.shape)
            nothing = np.zeros(exp.shape, dtype=bool) if empty is None else empty[1]
            bad = _reduction_mismatch(vector, name, got) & mask & ~nothing
            _report(problems, call, name, "outside the C5 tolerance", bad, exp, got)
            if empty is not None:
                # C3/G1/G4: a sum of no term is +0.0 exactly; -0.0 or a denormal is within any tolerance, and wrong
                _report(problems, call, name, "[%s] is not exactly +0.0 where it sums no term" % empty[0],
                        (_bits(got) != 0) & mask & nothing, _zero_like(exp), got)
        elif (vector.op, name) == ("moe_align_block_size", "sorted_token_ids"):
            _block_align_groups(problems, call, vector, exp, got)
        elif vector.op == "te_ep_dispatch" and name in ("recv_tokens", "recv_topk_weights"):
            if name == "recv_tokens" and "recv_topk_weights" in outputs:
                _ep_slabs(problems, call, vector, outputs)
        elif vector.op == "mcore_inference_permute" and name != "inclusive_offsets":
            _inference_permute_rows(problems, call, vector, name, exp, got, outputs)
        else:
            _report(problems, call, name, "differs bit for bit", (_bits(got) != _bits(exp)) & mask, exp, got)
    return problems


def _block_align_groups(problems, call, vector, exp, got):
    """docs/spec.md K1-K3 as the engine's BlockAlignCheck judges them: the head of each expert's group (its
    count[e] entries) as a multiset, every other entry bit for bit (the sentinel); the order inside a group
    is unspecified (K2), so it is never compared."""
    ids = vector.inputs["topk_ids"].data.astype(np.int64).reshape(-1)
    B, E = vector.attrs["block_size"], vector.attrs["num_experts"]
    count = np.bincount(ids, minlength=E)
    start = np.concatenate(([0], np.cumsum(-(-count // B) * B)[:-1]))
    e_data, g_data = exp.data.astype(np.int64), got.data.astype(np.int64)
    head = np.zeros(e_data.shape, dtype=bool)
    for e in range(E):
        s, c = int(start[e]), int(count[e])
        head[s:s + c] = True
        if not np.array_equal(np.sort(g_data[s:s + c]), np.sort(e_data[s:s + c])):
            problems.append("%s: output 'sorted_token_ids': expert %d's group (rows %d..%d) is not the multiset %s, got %s; "
                            "order inside a group not judged (unspecified, K2)"
                            % (call, e, s, s + c, sorted(e_data[s:s + c].tolist()), sorted(g_data[s:s + c].tolist())))
    _report(problems, call, "sorted_token_ids", "is not the sentinel", (g_data != e_data) & ~head, exp, got)


def _ep_slabs(problems, call, vector, outputs):
    """docs/spec.md Y1, Y2 as the engine's EpSlabCheck judges them: each expert's slab (its count[e] rows) as a
    multiset of (row bits, weight bits), its pad rows zero with weight 0; rows past a rank's total are not judged."""
    ids = vector.inputs["topk_idx"].data.astype(np.int64)
    S, E, C = vector.attrs["num_ranks"], vector.attrs["num_experts"], vector.attrs["recv_capacity"]
    A = vector.attrs.get("alignment", 0)
    count = np.bincount(ids.reshape(-1), minlength=E)
    rows = count if A <= 1 else (count + A - 1) // A * A
    L = E // S
    def entries(t, w, s, n):
        tb, wb = _bits(t).reshape(t.data.shape[0], -1), _bits(w).reshape(-1)
        return sorted((tuple(tb[r].tolist()), int(wb[r])) for r in range(s, s + n))
    et, ew = vector.expected["recv_tokens"], vector.expected["recv_topk_weights"]
    gt, gw = outputs["recv_tokens"], outputs["recv_topk_weights"]
    for r in range(S):
        at = r * C
        for e in range(r * L, (r + 1) * L):
            c, n = int(count[e]), int(rows[e])
            if entries(gt, gw, at, c) != entries(et, ew, at, c):
                problems.append("%s: output 'recv_tokens': expert %d's slab (rows %d..%d) is not the multiset of its (token, weight) "
                                "entries; order inside a slab not judged (unspecified, Y1)" % (call, e, at, at + c))
            tb, wb = _bits(gt).reshape(gt.data.shape[0], -1), _bits(gw).reshape(-1)
            if (tb[at + c:at + n] != 0).any() or (wb[at + c:at + n] != 0).any():
                problems.append("%s: output 'recv_tokens': expert %d's pad rows %d..%d are not zero rows of weight 0 (Y2)" % (call, e, at + c, at + n))
            at += n


def _inference_permute_rows(problems, call, vector, name, exp, got, outputs):
    """docs/spec.md V3-V5 as the engine's InferencePermuteCheck judges them: the head of each local expert's group
    (its count[e] rows of permutation_map) as a multiset of tokens, its tail -1, and each head row's output and
    permuted_probs against the token its own map entry names; rows past n_used and the data of pad rows are never
    compared, and the order inside a group is unspecified (V3)."""
    ids = vector.inputs["topk_ids"].data.astype(np.int64)
    T, K = ids.shape
    s, L = vector.attrs["local_expert_start"], vector.attrs["num_local_experts"]
    V, A = vector.attrs.get("valid_tokens", T), vector.attrs.get("alignment", 1)
    lid = ids[:V] - s
    local = (lid >= 0) & (lid < L)
    count = np.bincount(lid[local], minlength=L)
    target = np.where(count > 0, -(-count // A) * A, 0)
    start = np.cumsum(target) - target
    pmap = outputs.get("permutation_map")
    if pmap is None or tuple(pmap.shape) != tuple(vector.expected["permutation_map"].shape):
        return  # permutation_map's own presence and shape are reported under its name
    g_map = pmap.data.astype(np.int64)
    for e in range(L):
        a, c, r = int(start[e]), int(count[e]), int(target[e])
        tokens = np.nonzero(local & (lid == e))[0]
        if name == "permutation_map":
            if not np.array_equal(np.sort(g_map[a:a + c]), tokens):
                problems.append("%s: output 'permutation_map': expert %d's group (rows %d..%d) is not the multiset %s, got %s; "
                                "order inside a group not judged (unspecified, V3)" % (call, e, a, a + c, tokens.tolist(), sorted(g_map[a:a + c].tolist())))
            if (g_map[a + c:a + r] != -1).any():
                problems.append("%s: output 'permutation_map': a pad row of expert %d (rows %d..%d) is not -1 (V4)" % (call, e, a + c, a + r))
            continue
        for row in range(a, a + c):
            t = int(g_map[row])
            if t not in tokens:
                continue  # a wrong entry is permutation_map's (V3)
            k = int(np.nonzero(lid[t] == e)[0][0])
            want = vector.inputs["inp"].data[t] if name == "output" else vector.inputs["probs"].data[t, k:k + 1]
            if _bits_of(got.data[row]).tobytes() != _bits_of(want).tobytes():
                problems.append("%s: output '%s' row %d does not carry token %d's (the one permutation_map names) bit for bit (V5)" % (call, name, row, t))


def _bits_of(a):
    return np.ascontiguousarray(a).view(np.uint8)


def _report(problems, call, name, what, bad, exp, got):
    n = int(np.count_nonzero(bad))
    if n:
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        problems.append("%s: output '%s' %s at %s: expected %s, got %s (%d position(s) in all)"
                        % (call, name, what, list(where), _show(exp, where), _show(got, where), n))


def _zero_like(t):
    return type(t)(np.zeros_like(t.data), t.dtype)


def _reduction_mismatch(vector, name, got):
    """Elements outside Tolerance.within of the Java engine: |a - r| <= atol + rtol |r| + slack, NaN
    meets NaN, an infinity the same infinity, where r is the f64 reference and cast(r) its rounding
    to the output dtype. Rows equal to the bit-faithful value bit for bit pass by construction."""
    exp = vector.expected[name]
    ref = vector.reference.get(name)
    if ref is None or ref.data.size != got.data.size:
        ref = exp  # no f64 reference: judged against the exact value, as Java does
    with np.errstate(invalid="ignore"):
        r = to_f32(ref.data, ref.dtype).astype(np.float64) if ref.dtype != "f64" else ref.data.astype(np.float64)
    r = r.reshape(got.shape)
    slack_t = vector.reference.get(name + ".slack")
    slack = 0.0
    if slack_t is not None and slack_t.data.size == got.data.size:
        slack = slack_t.data.astype(np.float64).reshape(got.shape)
    tol = TOLERANCE[got.dtype]
    with np.errstate(invalid="ignore", over="ignore"):  # NaN payloads are values here, not accidents
        a = to_f32(got.data, got.dtype).astype(np.float64)
        ref_nan = np.isnan(r)
        cast_inf = ~ref_nan & (np.abs(r) >= OVERFLOW[got.dtype])
        cast_value = np.where(r > 0, np.inf, -np.inf)
        ok = np.where(ref_nan, np.isnan(a),
                      np.where(cast_inf, a == cast_value,
                               np.isfinite(a) & (np.abs(a - r) <= tol + tol * np.abs(r) + slack)))
    bits = _bits(got) == _bits(exp)
    rows_equal = bits.reshape(bits.shape[0], -1).all(axis=1) if bits.ndim else bits
    ok |= rows_equal.reshape((-1,) + (1,) * (bits.ndim - 1)) if bits.ndim else rows_equal
    return ~ok


def _show(t, where):
    v = t.data[where]
    if t.dtype in ("f32", "f16", "bf16", "f8e4m3", "f8e5m2", "f64"):
        with np.errstate(invalid="ignore"):
            f = float(to_f32(np.array([v]), t.dtype)[0]) if t.dtype != "f64" else float(v)
        return "%r (0x%x)" % (f, int(_bits(t)[where]))
    return str(int(v))
