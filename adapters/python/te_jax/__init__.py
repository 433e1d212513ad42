"""permcheck adapter for TransformerEngine's JAX MoE permutation API (profile te-jax).

    capabilities.py  what hello claims, and the environment switches (importable without jax)
    loader.py        finds TE: PERMCHECK_TE_PATH (a source tree) or the installed package
    standins.py      our minimal stand-ins for the few TE symbols the JAX permutation path imports but
                     never uses on one device (the compiled extension, two sharding helpers)
    arrays.py        protocol Tensors <-> JAX arrays (bf16 / fp8 bits unchanged)
    triton_ops.py    token dispatch / combine and their gradients, TE's Triton path
    pure_ops.py      the same ops through TE's pure-JAX path (PERMCHECK_TE_JAX_PATH=pure)
    chunk_ops.py     chunk sort, its gradient and the expert-parallel helpers (one TE path for both)

The entry point is ../te_jax_port.py; docs/adapters.md says how to run it.
"""
