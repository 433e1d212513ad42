#!/usr/bin/env python3
"""TE-JAX-1 repro: TE's JAX Triton permutation cannot compile a float8_e4m3fn payload on Hopper.

    PERMCHECK_TE_PATH=.te python3 reports/te/te-jax-bug-fp8e4m3/repro.py     (or with TE installed)

Expected: token_dispatch moves the fp8 rows (D2), as it does for float8_e5m2. Seen on an H200 (jax
0.11.2, triton 3.6.0, TE d0067d0da): CompilationError ... ValueError("type fp8e4nv not supported in
this architecture. The supported fp8 dtypes are ('fp8e5', 'fp8e4b15')").
Cause (TE, transformer_engine/jax/triton_extensions/utils.py, compile_triton): the options are built as
`cb.CUDAOptions(num_warps=..., ...)` directly; Triton adds "fp8e4nv" to `supported_fp8_dtypes` only in
`CUDABackend.parse_options` when the capability is >= 89, so the dataclass default ("fp8e5",
"fp8e4b15") reaches the compiler whatever the card.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "adapters", "python"))
from te_jax import loader  # noqa: E402

try:
    te = loader.load()[0]
except loader.TeUnavailable as e:
    sys.exit("repro: %s" % e)
import jax.numpy as jnp  # noqa: E402

routing = jnp.array([[1, 0], [0, 1], [1, 1]], jnp.int32)
for dtype in (jnp.float8_e5m2, jnp.float8_e4m3fn):
    x = jnp.arange(6, dtype=jnp.float32).reshape(3, 2).astype(dtype)
    try:
        out = te.token_dispatch(x, routing, 4)[0]
        print(jnp.dtype(dtype).name, "ok", out.astype(jnp.float32).tolist())
    except Exception as e:  # the failure under report
        print(jnp.dtype(dtype).name, "FAILS:", type(e).__name__, str(e).strip().splitlines()[-1])
