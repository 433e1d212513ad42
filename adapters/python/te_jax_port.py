#!/usr/bin/env python3
"""permcheck backend for TransformerEngine's JAX MoE permutation (transformer_engine/jax/permutation.py),
profile te-jax. docs/adapters.md says which TE it was verified with and how to run it:

    PERMCHECK_TE_PATH=/path/to/TransformerEngine \
      permcheck run --backend exec:'python3 adapters/python/te_jax_port.py'

PERMCHECK_TE_JAX_PATH=triton (default) serves dispatch / combine through TE's Triton kernels,
=pure through TE's pure-JAX path; chunk sort and the expert-parallel helpers have one TE path.
Without jax, triton, a GPU or TE it still speaks the protocol: hello says "unavailable" with the
one-line reason (permcheck: "did not start: <reason>", exit 2), and stderr says it too. Imported
(examples/check_vectors.py --port), it defines `adapter` the same way.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from te_jax import capabilities, loader  # noqa: E402


def build():
    """The adapter: TE's ops registered, or one that answers unavailable with the reason."""
    try:
        te, path, details, device = loader.load()
    except loader.TeUnavailable as e:
        sys.stderr.write("te_jax_port: unavailable: %s\n" % e)
        return capabilities.make_adapter(unavailable=str(e))
    from te_jax import chunk_ops, pure_ops, triton_ops
    adapter = capabilities.make_adapter(device=device, details=details)
    (pure_ops if path == capabilities.PURE else triton_ops).register(adapter, te)
    chunk_ops.register(adapter, te)
    if sorted(adapter.functions) != sorted(capabilities.OPS):  # hello must claim what is registered
        sys.exit("te_jax_port: registered %s, claimed %s" % (sorted(adapter.functions), capabilities.OPS))
    return adapter


def main():
    protocol_out = sys.stdout
    sys.stdout = sys.stderr  # stdout belongs to the protocol: a print() in TE, jax or triton goes to stderr
    build().serve(stdout=protocol_out)


if __name__ == "__main__":
    main()
else:
    adapter = build()
