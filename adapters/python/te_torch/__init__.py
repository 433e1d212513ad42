"""permcheck adapter for TransformerEngine's PyTorch MoE permutation API (mask map, Triton kernels).

    capabilities.py  what hello claims, and the environment switches (importable without torch)
    loader.py        finds TE: PERMCHECK_TE_PATH (a source tree) or the installed package; pins a config
    standins.py      our minimal stand-ins for the few TE modules the permutation path imports but
                     never uses on the mask-map path (the compiled extension, FP8 tensor classes)
    ops.py           one function per op, each calling TE (needs torch, triton and a CUDA device)

The entry point is ../te_torch_port.py; docs/adapters.md says how to run it.
"""
