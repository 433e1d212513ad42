"""Finds TransformerEngine's JAX permutation module.

PERMCHECK_TE_PATH=DIR: TE's JAX permutation files (TE_FILES) are imported from the source tree DIR
(a checkout root, or a folder holding just those files at their paths, copy_te_source.sh), with
standins.py for the extension. Unset: `import transformer_engine.jax` and its permutation module from
the installed TE (extension and all). Every failure is a TeUnavailable with a one-line reason,
answered in hello (docs/protocol.md 3.1).
"""
import os

try:  # the source-tree bookkeeping the torch adapter uses: a sibling in the checkout, a subpackage installed
    from te_torch.loader import te_commit, te_version
except ImportError:
    from permcheck_adapter.te_torch.loader import te_commit, te_version

from . import standins
from .capabilities import PATH_ENV, ConfigError, te_path

# the files the JAX permutation path runs, relative to the TE root (permutation.py imports the
# triton_extensions module, which imports the rest)
TE_FILES = ["transformer_engine/jax/permutation.py", "transformer_engine/jax/triton_extensions/permutation.py",
            "transformer_engine/jax/triton_extensions/utils.py", "transformer_engine/jax/cpp_extensions/base.py",
            "transformer_engine/jax/sharding.py", "transformer_engine/jax/version_utils.py",
            "transformer_engine/common/triton/permutation.py"]


class TeUnavailable(Exception):
    """TE (or jax, triton, a GPU) cannot be used here; the message is one line."""


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


def first_line(e):
    text = str(e).strip().splitlines()
    return "%s: %s" % (type(e).__name__, text[0] if text else "")


def load(environ=os.environ):
    """Returns (transformer_engine.jax.permutation, the path (triton or pure), hello's details, device)."""
    try:
        path = te_path(environ)
        root = source_tree(environ)
    except ConfigError as e:
        raise TeUnavailable(str(e))
    # JAX takes 75% of the GPU at its first array unless told otherwise; the adapter needs little
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    try:
        import jax
        import triton
    except ImportError as e:
        raise TeUnavailable("jax and triton are needed: %s" % e)
    try:
        gpus = jax.devices("gpu")
    except RuntimeError as e:
        raise TeUnavailable("no GPU visible to jax %s: %s" % (jax.__version__, first_line(e)))
    details = {"jax": jax.__version__, "triton": triton.__version__, "te_jax_path": path,
               "x64": str(jax.config.jax_enable_x64).lower()}
    if root is not None:
        try:
            standins.install(root)
        except Exception as e:
            raise TeUnavailable("cannot load TE's jax/sharding.py from %s: %s" % (root, first_line(e)))
        details.update(te_source=root, te_commit=te_commit(root), te_version=te_version(root),
                       te_extension="permcheck stand-ins (adapters/python/te_jax/standins.py)")
    where = "from %s" % root if root else "(installed; or set %s to a TE source tree)" % PATH_ENV
    try:
        if root is None:
            import transformer_engine.jax  # noqa: F401  (the installed package, extension and all)
        import transformer_engine.jax.permutation as perm
    except Exception as e:  # an installed TE that fails to load, or a tree of another layout
        raise TeUnavailable("cannot import transformer_engine.jax.permutation %s: %s" % (where, first_line(e)))
    if not getattr(perm, "_TRITON_PERMUTATION_AVAILABLE", True):
        # TE swallowed the ImportError of its Triton module (permutation.py); import it to say why.
        # Chunk sort and the local permutes run Triton under either path, so both need it.
        try:
            import transformer_engine.jax.triton_extensions.permutation  # noqa: F401
        except Exception as e:
            raise TeUnavailable("TE's Triton permutation module does not load %s: %s" % (where, first_line(e)))
    if root is None:
        import transformer_engine
        details.update(te_source="installed " + os.path.dirname(transformer_engine.__file__),
                       te_version=getattr(transformer_engine, "__version__", "unknown"))
    return perm, path, details, "%s (jax %s)" % (gpus[0].device_kind, jax.__version__)
