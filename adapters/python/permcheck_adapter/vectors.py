"""Reads permcheck's golden vectors (docs/vectors.md) and judges a port's answers against them,
without Java: bit for bit on the positions the contract specifies, within the documented
tolerance (docs/spec.md C5) for reductions.
"""
import hashlib
import json
import math
import os

import numpy as np

from .dtypes import to_f32
from .tensor import Tensor, load

FORMAT_VERSION = 1

# Outputs judged with a tolerance (docs/spec.md, "Operations and ports": kind REDUCTION)
REDUCTIONS = {("token_combine", "output"), ("token_dispatch_backward", "grad_inp"),
              ("token_combine_backward", "grad_merging_probs")}
# C5: rtol = atol = eps^(2/3)
TOLERANCE = {"f32": 2.4221817809573e-05, "f16": 9.8431332023037e-03, "bf16": 3.9372532809215e-02}


class VectorError(Exception):
    """A vector directory that is not what docs/vectors.md says (one line)."""


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def _tensors(case_dir, section, manifest_path):
    out = {}
    for name, ref in section.items():
        path = os.path.join(case_dir, ref["file"])
        if os.path.dirname(os.path.normpath(ref["file"])) != "":
            raise VectorError("%s: tensor '%s' names a bad file '%s'" % (manifest_path, name, ref["file"]))
        if not os.path.isfile(path):
            raise VectorError("%s: tensor '%s': missing file %s" % (manifest_path, name, ref["file"]))
        sha = _sha256(path)
        if sha != ref["sha256"]:
            raise VectorError("%s: SHA-256 %s does not match the manifest's %s" % (path, sha, ref["sha256"]))
        t = load(path, ref["dtype"])
        if list(t.shape) != list(ref["shape"]):
            raise VectorError("%s: shape %s does not match the manifest's %s" % (path, list(t.shape), ref["shape"]))
        out[name] = t
    return out


class Vector:
    """One vector: the call (op, profile, attrs, inputs) and, unless negative, what it must return."""

    def __init__(self, root, vid):
        self.id = vid
        self.dir = os.path.join(root, vid)
        path = os.path.join(self.dir, "case.json")
        try:
            with open(path) as f:
                m = json.load(f)
        except (OSError, ValueError) as e:
            raise VectorError("%s: %s" % (path, e)) from None
        if m.get("format") != "permcheck-vector" or m.get("format_version") != FORMAT_VERSION:
            raise VectorError("%s: not a permcheck-vector manifest of format version %d" % (path, FORMAT_VERSION))
        self.manifest = m
        self.op = m["op"]
        self.profile = m["profile"]
        self.attrs = dict(m["attrs"])
        self.rules = list(m["rules"])
        self.features = list(m["features"])
        self.negative = m.get("negative")
        self.inputs = _tensors(self.dir, m["inputs"], path)
        self.expected = _tensors(self.dir, m.get("expected", {}), path)
        self.specified = _tensors(self.dir, m.get("specified", {}), path)
        self.reference = _tensors(self.dir, m.get("reference", {}), path)


def load_vectors(root):
    """Every vector listed by root/index.json, in order."""
    index = os.path.join(root, "index.json")
    try:
        with open(index) as f:
            idx = json.load(f)
    except (OSError, ValueError) as e:
        raise VectorError("%s: %s" % (index, e)) from None
    if idx.get("format") != "permcheck-vectors" or idx.get("format_version") != FORMAT_VERSION:
        raise VectorError("%s: not a permcheck-vectors index of format version %d" % (index, FORMAT_VERSION))
    # the same refusals as Java's VectorSet.ids/unlisted (docs/vectors.md section 11)
    cases = idx.get("cases")
    if not isinstance(cases, list):
        raise VectorError('%s: "cases" must be an array of vector ids' % index)
    if not cases:
        raise VectorError('%s: "cases" is empty (a vector set with no vectors judges nothing)' % index)
    if not all(isinstance(c, str) for c in cases) or len(set(cases)) != len(cases):
        raise VectorError('%s: "cases" holds a non-string or duplicate entry' % index)
    unlisted = sorted(os.path.relpath(d, root).replace(os.sep, "/") for d, _, files in os.walk(root)
                      if "case.json" in files and os.path.relpath(d, root).replace(os.sep, "/") not in set(cases))
    if unlisted:
        raise VectorError('%s: %d vector director%s not listed in "cases": %s' % (
            index, len(unlisted), "y" if len(unlisted) == 1 else "ies", ", ".join(unlisted[:5])))
    return [Vector(root, vid) for vid in cases]


def _bits(t):
    return t.data.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[t.data.dtype.itemsize])


def _mask_for(spec, shape):
    """The specified mask broadcast to the output's shape (per-row masks cover whole rows)."""
    if spec is None:
        return np.ones(shape, dtype=bool)
    m = spec.data.astype(bool)
    if m.shape == tuple(shape):
        return m
    return np.broadcast_to(m.reshape(m.shape + (1,) * (len(shape) - m.ndim)), shape)


def judge(vector, outputs):
    """Problems (one line each) of `outputs` (dict name -> Tensor) against `vector`; [] when it passes."""
    problems = []
    call = "%s(%s)" % (vector.op, ", ".join(["%s=%s%s" % (n, t.dtype, list(t.shape)) for n, t in vector.inputs.items()]
                                            + ["%s=%s" % kv for kv in vector.attrs.items()]))
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
        mask = _mask_for(vector.specified.get(name), exp.shape)
        if (vector.op, name) in REDUCTIONS:
            bad = _reduction_mismatch(vector, name, got)
            what = "outside the C5 tolerance"
        else:
            bad = (_bits(got) != _bits(exp)) & mask
            what = "differs bit for bit"
        n = int(np.count_nonzero(bad))
        if n:
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            problems.append("%s: output '%s' %s at %s: expected %s, got %s (%d position(s) in all)"
                            % (call, name, what, list(where), _show(exp, where), _show(got, where), n))
    return problems


def _reduction_mismatch(vector, name, got):
    r = vector.reference[name].data.astype(np.float64)
    slack = vector.reference[name + ".slack"].data.astype(np.float64) if name + ".slack" in vector.reference else 0.0
    tol = TOLERANCE[got.dtype]
    a = to_f32(got.data, got.dtype).astype(np.float64)
    rounded = to_f32(vector.expected[name].data, got.dtype).astype(np.float64)  # cast(r) is the bit-faithful value's class
    with np.errstate(invalid="ignore", over="ignore"):
        finite = np.isfinite(rounded)
        ok_finite = np.abs(a - r) <= tol + tol * np.abs(r) + slack
        ok_nonfinite = np.where(np.isnan(rounded), np.isnan(a), a == rounded)
    return ~np.where(finite, np.isfinite(a) & ok_finite, ok_nonfinite)


def _show(t, where):
    v = t.data[where]
    if t.dtype in ("f32", "f16", "bf16", "f8e4m3", "f8e5m2", "f64"):
        f = float(to_f32(np.array([v]), t.dtype)[0]) if t.dtype != "f64" else float(v)
        return "%r (0x%x)" % (f, int(_bits(t)[where]))
    return str(int(v))
