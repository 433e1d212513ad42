"""What a library's array may hold for each logical dtype (dtypes.py), shared by arrays_torch,
arrays_cupy and arrays_jax: the element type a kernel computes with, or the raw bits of the same
width (bf16 as 16-bit integers, fp8 as uint8, which is how fp8 travels where a library has no type).
"""
# logical dtype -> element type names (as the libraries spell them) an output of that dtype may have
ACCEPTED = {
    "f32": ("float32",), "f16": ("float16",), "f64": ("float64",),
    "bf16": ("bfloat16", "int16", "uint16"),
    "f8e4m3": ("float8_e4m3fn", "uint8", "int8"), "f8e5m2": ("float8_e5m2", "uint8", "int8"),
    "i32": ("int32",), "i64": ("int64",), "bool": ("bool",), "u16": ("uint16", "int16"), "u8": ("uint8",),
}
FLOAT8 = {"f8e4m3": "float8_e4m3fn", "f8e5m2": "float8_e5m2"}


def check_output(kind, dtype):
    """Refuses a library array of element type `kind` (a name) returned as logical `dtype`."""
    if dtype not in ACCEPTED:
        raise ValueError("unknown dtype '%s'" % dtype)
    if kind not in ACCEPTED[dtype]:
        raise TypeError("a %s output cannot hold %s elements (takes %s)" % (dtype, kind, " or ".join(ACCEPTED[dtype])))
