"""Finds TransformerEngine's PyTorch permutation module, and pins its autotuned Triton configs.

PERMCHECK_TE_PATH=DIR: TE's permutation files are imported from the source tree DIR (a checkout
root, or a folder holding just the three files at their paths), with standins.py for the rest.
Unset: `import transformer_engine.pytorch.permutation` from the installed TE (extension and all).
Every failure is a TeUnavailable with a one-line reason, answered in hello (docs/protocol.md 3.1).
"""
import os
import subprocess

from . import standins
from .capabilities import BLOCK_ENV, PATH_ENV, ConfigError, pinned_block_size

# the files the mask-map path runs, relative to the TE root (transformer_engine/pytorch/permutation.py
# imports the second, which imports the third)
TE_FILES = ["transformer_engine/pytorch/permutation.py", "transformer_engine/pytorch/triton/permutation.py",
            "transformer_engine/common/triton/permutation.py"]


class TeUnavailable(Exception):
    """TE (or torch, triton, a CUDA device) cannot be used here; the message is one line."""


def source_tree(environ=os.environ):
    """The TE root PERMCHECK_TE_PATH names (checked to hold TE_FILES), or None when unset."""
    raw = environ.get(PATH_ENV, "").strip()
    if not raw:
        return None
    root = os.path.abspath(raw)
    missing = [f for f in TE_FILES if not os.path.isfile(os.path.join(root, f))]
    if missing:
        raise TeUnavailable("%s=%s holds no %s (point it at a TransformerEngine checkout root)" % (PATH_ENV, raw, missing[0]))
    return root


def te_commit(root):
    """The commit of a TE source tree: its COMMIT file (written by copy_te_source.sh) or git's HEAD."""
    f = os.path.join(root, "COMMIT")
    if os.path.isfile(f):
        return read(f)
    try:
        return subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def te_version(root):
    f = os.path.join(root, "build_tools", "VERSION.txt")
    return read(f) if os.path.isfile(f) else "unknown"


def read(f):
    with open(f) as fh:
        return fh.read().strip()


def load(environ=os.environ):
    """Returns (TE's permutation module, details for hello). Raises TeUnavailable."""
    try:
        block = pinned_block_size(environ)
        root = source_tree(environ)
    except ConfigError as e:
        raise TeUnavailable(str(e))
    try:
        import torch
        import triton
    except ImportError as e:
        raise TeUnavailable("torch and triton are needed: %s" % e)
    if not torch.cuda.is_available():
        raise TeUnavailable("no CUDA device visible to torch %s" % torch.__version__)
    details = {"torch": torch.__version__, "triton": triton.__version__, "cuda": str(torch.version.cuda)}
    if root is not None:
        standins.install(root)
        details.update(te_source=root, te_commit=te_commit(root), te_version=te_version(root),
                       te_extension="permcheck stand-ins (adapters/python/te_torch/standins.py)")
    try:
        import transformer_engine.pytorch.permutation as perm
        import transformer_engine.common.triton.permutation as kernels
    except Exception as e:  # an installed TE that fails to load, or a tree of another layout
        where = "from %s" % root if root else "(installed; or set %s to a TE source tree)" % PATH_ENV
        raise TeUnavailable("cannot import transformer_engine.pytorch.permutation %s: %s: %s"
                            % (where, type(e).__name__, str(e).splitlines()[0] if str(e) else ""))
    if root is None:
        import transformer_engine
        details.update(te_source="installed " + os.path.dirname(transformer_engine.__file__),
                       te_version=getattr(transformer_engine, "__version__", "unknown"))
    details["block_size"] = pin(kernels, block) if block else "autotuned (TE's own configs)"
    return perm, details


def pin(kernels, block):
    """Makes every autotuned kernel of TE's permutation module run one config, BLOCK_SIZE=block.

    TE has no switch for this (its configs are the module constant _PERMUTATION_AUTOTUNE_BLOCK_SIZES,
    applied at import), so the Autotuner objects' config lists are replaced; an Autotuner with one
    config runs it without benchmarking. The wrappers import the same objects, so all calls see it.
    """
    import triton
    from triton.runtime.autotuner import Autotuner
    allowed = getattr(kernels, "_PERMUTATION_AUTOTUNE_BLOCK_SIZES", None)
    if allowed is not None and block not in allowed:
        raise TeUnavailable("%s=%d is not one of TE's block sizes %s" % (BLOCK_ENV, block, list(allowed)))
    tuned = sorted(n for n, k in vars(kernels).items() if isinstance(k, Autotuner))
    if not tuned:
        raise TeUnavailable("%s set, but TE's permutation module has no autotuned kernel to pin" % BLOCK_ENV)
    for n in tuned:
        getattr(kernels, n).configs = [triton.Config({"BLOCK_SIZE": block})]
    return "pinned %d (%s)" % (block, ", ".join(tuned))
