"""Stand-ins (our code, not TE's) for what TE's JAX permutation files import but do not need on one
device, so that they run from a source tree without TE's compiled extension.

What the path imports (checked at TE d0067d0da) and what stands in for it:
  transformer_engine_jax (the extension)          a module whose registrations() is empty: the
                                                  permutation primitives lower to Triton kernels,
                                                  never to the extension's FFI targets; any other
                                                  use says the extension is not loaded
  transformer_engine.jax.cpp_extensions.misc      get_padded_spec and NamedSharding, the two names
                                                  permutation.py takes from it (TE's misc.py imports
                                                  the quantization package); both are used only by
                                                  the sharding rules, which a single device never runs
TE's own files run for everything else: jax/permutation.py, jax/triton_extensions/{permutation,utils}.py,
jax/cpp_extensions/base.py, jax/sharding.py, jax/version_utils.py, common/triton/permutation.py.

The packages below are registered with __path__ pointing into the tree, so those files are imported
from it while TE's package __init__ files (which load the extension, flax, the quantizers) never run.
"""
import os
import sys
import types

PACKAGES = ["transformer_engine", "transformer_engine.common", "transformer_engine.common.triton",
            "transformer_engine.jax", "transformer_engine.jax.cpp_extensions",
            "transformer_engine.jax.triton_extensions"]


class ExtensionMissing(AttributeError):
    """An AttributeError, so that TE's own `hasattr(transformer_engine_jax, ...)` probes (base.py asks for
    the EP instance state type) read "absent", while any other use says what is missing."""


class _Missing(types.ModuleType):
    """transformer_engine_jax: registrations() is empty; anything else says what is missing."""

    def registrations(self):
        return {}

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise ExtensionMissing("transformer_engine_jax.%s: TE's compiled extension is not loaded (permcheck "
                           "stand-in); only the permutation path runs from a source tree" % name)


def _module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    return m


def _misc():
    import jax
    from transformer_engine.jax.sharding import get_padded_spec as te_get_padded_spec

    def get_padded_spec(arg_info):
        """What TE's misc.get_padded_spec returns: the argument's spec padded to its rank."""
        spec = None if arg_info.sharding is None else arg_info.sharding.spec
        return te_get_padded_spec(spec, arg_info.ndim)

    class NamedSharding(jax.sharding.NamedSharding):
        """TE's subclass only adds a description for debugging."""

        def __init__(self, *args, desc=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.desc = desc

    return _module("transformer_engine.jax.cpp_extensions.misc", get_padded_spec=get_padded_spec,
                   NamedSharding=NamedSharding)


def install(root):
    """Registers the packages and stand-ins for the TE source tree at `root` (the checkout root)."""
    for pkg in PACKAGES:
        path = os.path.join(root, *pkg.split("."))
        m = _module(pkg, __path__=[path], __package__=pkg, __file__=None)
        sys.modules[pkg] = m
        parent, _, leaf = pkg.rpartition(".")
        if parent:
            setattr(sys.modules[parent], leaf, m)
    sys.modules["transformer_engine_jax"] = _Missing("transformer_engine_jax")
    misc = _misc()
    sys.modules[misc.__name__] = misc
    sys.modules["transformer_engine.jax.cpp_extensions"].misc = misc
