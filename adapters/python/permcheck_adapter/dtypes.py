"""Logical dtypes of the protocol and their .npy storage, with the float conversions a port needs.

numpy has no bf16 or fp8 types, so those travel as raw bits: bf16 as uint16 ('<u2'), fp8 as
uint8 ('|u1'); the logical dtype travels in JSON beside the file (docs/vectors.md, docs/protocol.md).
Narrowing conversions round to nearest, ties to even, as permcheck's oracle (FloatFormats) does.
"""
import numpy as np

STORAGE = {
    "f32": np.dtype("<f4"),
    "f16": np.dtype("<f2"),
    "f64": np.dtype("<f8"),
    "bf16": np.dtype("<u2"),
    "f8e4m3": np.dtype("|u1"),
    "f8e5m2": np.dtype("|u1"),
    "i32": np.dtype("<i4"),
    "i64": np.dtype("<i8"),
    "bool": np.dtype("|b1"),
    "u16": np.dtype("<u2"),
    "u8": np.dtype("|u1"),
}

FLOATS = ("f32", "f16", "f64", "bf16", "f8e4m3", "f8e5m2")


def storage_of(dtype):
    try:
        return STORAGE[dtype]
    except KeyError:
        raise ValueError("unknown dtype '%s'" % dtype) from None


def bf16_to_f32(bits):
    return (np.asarray(bits, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)


def f32_to_bf16(values):
    """float32 -> bf16 bits, round to nearest even; NaN stays NaN (quiet bit set, high payload kept)."""
    x = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32)
    lsb = (x >> 16) & 1
    rounded = ((x.astype(np.uint64) + 0x7FFF + lsb) >> 16).astype(np.uint16)
    nan = ((x & 0x7F800000) == 0x7F800000) & ((x & 0x007FFFFF) != 0)
    return np.where(nan, ((x >> 16) | 0x0040).astype(np.uint16), rounded)


def f8e4m3_to_f32(bits):
    b = np.asarray(bits, dtype=np.uint8).astype(np.int32)
    sign = np.where(b & 0x80, -1.0, 1.0)
    exp = (b >> 3) & 0xF
    man = b & 0x7
    v = np.where(exp == 0, man * 2.0 ** -9, (1 + man / 8.0) * np.exp2(exp - 7.0))
    v = np.where((exp == 0xF) & (man == 0x7), np.nan, v)
    return (sign * v).astype(np.float32)


def f8e5m2_to_f32(bits):
    return (np.asarray(bits, dtype=np.uint8).astype(np.uint16) << 8).view(np.float16).astype(np.float32)


def to_f32(data, dtype):
    """Widens stored values of a floating logical dtype to float32 (exact except f64)."""
    if dtype == "f32":
        return np.asarray(data, dtype=np.float32)
    if dtype in ("f16", "f64"):
        return np.asarray(data).astype(np.float32)
    if dtype == "bf16":
        return bf16_to_f32(data)
    if dtype == "f8e4m3":
        return f8e4m3_to_f32(data)
    if dtype == "f8e5m2":
        return f8e5m2_to_f32(data)
    raise ValueError("not a floating dtype: %s" % dtype)


def from_f32(values, dtype):
    """Rounds float32 values into the storage of a floating logical dtype (fp8 is never computed)."""
    v = np.asarray(values, dtype=np.float32)
    if dtype == "f32":
        return v
    if dtype == "f16":
        return v.astype(np.float16)
    if dtype == "f64":
        return v.astype(np.float64)
    if dtype == "bf16":
        return f32_to_bf16(v)
    raise ValueError("no rounding into %s (fp8 is moved, never computed)" % dtype)
