"""The part of the contract a port claims in its hello (docs/protocol.md section 3), and why a call lies
outside it: the same test, in the same order and with the same wording, as the Java engine's
Capabilities.whyNot, so that the offline checker and a protocol run give a vector the same
NOT_SUPPORTED reason and never call the port on it.
"""
from .adapter import PROTOCOL
from .ops import OPS, PROFILE_SPECIFIC

DTYPES = ("f64", "f32", "f16", "bf16", "f8e4m3", "f8e5m2", "i64", "i32", "u16", "u8", "bool")
# the numpy / torch / jax spellings a hello may use (DType.byId)
DTYPE_ALIASES = {"float32": "f32", "float64": "f64", "float16": "f16", "half": "f16", "bfloat16": "bf16",
                 "float8_e4m3fn": "f8e4m3", "e4m3": "f8e4m3", "float8_e5m2": "f8e5m2", "e5m2": "f8e5m2",
                 "int32": "i32", "int64": "i64", "uint8": "u8", "uint16": "u16"}
FLOATS = ("f64", "f32", "f16", "bf16", "f8e4m3", "f8e5m2")
PROFILES = ("te-jax", "torch-mask-pad", "maxtext")
FEATURES = ("padding", "probs", "merging_probs", "index_form", "quantized")

# the payload ports whose dtype the claimed dtypes govern; probs may be any float when PROBS is claimed
PAYLOADS = ("inp", "grad_output")


# docs/spec.md R1: the determinism levels a hello may declare per op
LEVELS = ("bit_exact", "group_order", "multiset")


def _determinism(d):
    """Hello's optional op -> level object, refused as exec/Hello.parse refuses it (an unknown op or level)."""
    if d is None:
        return {}
    if not isinstance(d, dict):
        raise ClaimError("protocol: hello 'determinism' is not an object of op -> level")
    by_enum = {enum: wire for wire, enum in OPS.items()}
    out = {}
    for op, level in d.items():
        wire = op if op in OPS else by_enum.get(op.upper())
        if wire is None:
            raise ClaimError("protocol: hello declares determinism for unknown op '%s'" % op)
        if not isinstance(level, str):
            raise ClaimError("protocol: hello determinism of %s is not a string" % op)
        if level.lower() not in LEVELS:
            raise ClaimError("protocol: hello declares determinism of %s '%s' (known: bit_exact, group_order, multiset)"
                             % (op, " ".join(level.split())))
        out[wire] = level.lower()
    return out


class ClaimError(Exception):
    """A hello whose capabilities the Java engine refuses (one line, its wording)."""


class Claims:
    """What one hello claims: ops, payload dtypes, profiles, features; `unavailable` when it cannot run here."""

    def __init__(self, ops, dtypes, profiles, features, unavailable=None, determinism=None):
        self.ops = set(ops)
        self.determinism = dict(determinism or {})
        self.dtypes = set(dtypes)
        self.profiles = set(profiles)
        self.features = set(features)
        self.unavailable = unavailable

    @staticmethod
    def of_hello(hello):
        """The claims of a hello answer (a dict), refused as the engine refuses them (exec/Hello.parse)."""
        version = hello.get("protocol")
        if isinstance(version, bool) or not isinstance(version, int):
            raise ClaimError("protocol: hello without an integer 'protocol'")
        if not isinstance(hello.get("name"), str) or not hello["name"]:
            raise ClaimError("protocol: hello without a 'name'")
        if version != PROTOCOL:  # the engine judges nothing of it: every case unavailable
            return Claims((), (), (), (), "protocol version %d not supported; this engine speaks %d" % (version, PROTOCOL))
        declared = _determinism(hello.get("determinism"))  # exec/Hello.parse reads it before the capabilities
        caps = hello.get("capabilities")
        if not isinstance(caps, dict):
            raise ClaimError("protocol: hello without a 'capabilities' object")
        unavailable = hello.get("unavailable")
        by_enum = {enum: wire for wire, enum in OPS.items()}
        return Claims(_known(caps, "ops", lambda v: v if v in OPS else by_enum.get(v.upper()), "op", ""),
                      _known(caps, "dtypes", lambda v: v.lower() if v.lower() in DTYPES else DTYPE_ALIASES.get(v.lower()),
                             "dtype", ""),
                      _known(caps, "profiles", lambda v: v.lower() if v.lower() in PROFILES else None, "profile", ""),
                      _known(caps, "features", lambda v: v.lower() if v.lower() in FEATURES else None, "feature",
                             " (known: padding, probs, merging_probs, index_form, quantized)"),
                      None if unavailable is None else " ".join(str(unavailable).split()), declared)

    def determinism_of(self, op):
        """The level R1 judges op's second call against: the declared one, else the engine's default
        (Determinism.defaultFor: multiset for moe_align_block_size, whose group order is free, K2; group_order else)."""
        return self.determinism.get(op, "multiset" if op in ("moe_align_block_size", "te_ep_dispatch") else "group_order")

    def why_not(self, op, profile, inputs, attrs):
        """None when the call is inside the claims, else the NOT_SUPPORTED reason (Capabilities.whyNot)."""
        if self.unavailable is not None:
            return "backend unavailable: %s" % self.unavailable  # what the engine's Runner says for every case
        if op not in self.ops:
            return "op %s not implemented" % op
        if op in PROFILE_SPECIFIC and profile not in self.profiles:
            return "profile %s not implemented" % profile
        if op not in PROFILE_SPECIFIC and not self.profiles:
            return "no profile implemented"
        for port in PAYLOADS:
            t = inputs.get(port)
            if t is not None and t.dtype in FLOATS and t.dtype not in self.dtypes:
                return "dtype %s not implemented" % t.dtype
        if ("align_size" in attrs or "pad_offsets" in inputs) and "padding" not in self.features:
            return "padding (align_size / pad_offsets) not implemented"
        if ("probs" in inputs or "grad_permuted_probs" in inputs) and "probs" not in self.features:
            return "probs not implemented"
        if ("scale_inv" in inputs or "scale_recipe" in attrs) and "quantized" not in self.features:
            return "quantized payloads (scale_inv, F1-F4) not implemented"
        if "topk_ids" in inputs and "index_form" not in self.features:
            return "index-form routing (topk_ids) not implemented"
        if "topk_weights" in inputs and "probs" not in self.features:
            return "probs not implemented"
        if "merging_probs" in inputs and "merging_probs" not in self.features:
            return "merging_probs not implemented"
        return None


def _known(caps, field, canonical, what, hint):
    """The canonical names of one capabilities array; `canonical` maps a spelling to its name or None."""
    values = caps.get(field)
    if not isinstance(values, list):
        raise ClaimError("protocol: hello capabilities without a '%s' array" % field)
    if not all(isinstance(v, str) for v in values):  # before any name is looked at, as the engine
        raise ClaimError("protocol: hello capabilities '%s' holds a non-string" % field)
    out = []
    for v in values:
        name = canonical(v)
        if name is None:
            raise ClaimError("protocol: hello claims unknown %s '%s'%s" % (what, v, hint))
        out.append(name)
    return out
