"""Serve a port module through the protocol:

    permcheck-port MODULE_OR_FILE[:ATTR]
    python -m permcheck_adapter serve MODULE_OR_FILE[:ATTR]

MODULE_OR_FILE is a .py file (its folder goes first on sys.path, as `python3 FILE` would put it) or
an importable module name. ATTR (default `adapter`) is an Adapter, or a function of no argument
that returns one. stdout is guarded before the port is imported, so output it prints while loading
goes to stderr too. A port that cannot be loaded is one line on stderr and exit 2.
"""
import importlib
import importlib.util
import os
import sys

from . import stdout_guard
from .adapter import Adapter

USAGE = "usage: permcheck-port MODULE_OR_FILE[:ATTR]   (ATTR: an Adapter or a function returning one; default adapter)"


class PortError(Exception):
    """The port cannot be served (one-line message)."""


def split(spec):
    """(module or file, attribute); a colon introduces an attribute only when an identifier follows."""
    target, sep, attr = spec.rpartition(":")
    if sep and attr.isidentifier() and target:
        return target, attr
    return spec, "adapter"


def load_module(target):
    if target.endswith(".py") or os.sep in target or os.path.isfile(target):
        path = os.path.abspath(target)
        if not os.path.isfile(path):
            raise PortError("no port file %s" % target)
        sys.path.insert(0, os.path.dirname(path))
        name = "permcheck_port_" + "".join(c if c.isalnum() else "_" for c in os.path.splitext(os.path.basename(path))[0])
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    return importlib.import_module(target)


def load_port(spec):
    """The Adapter that MODULE_OR_FILE[:ATTR] names."""
    target, attr = split(spec)
    try:
        module = load_module(target)
    except PortError:
        raise
    except SystemExit as e:
        raise PortError("%s exited while loading: %s" % (target, e.code))
    except BaseException as e:  # noqa: B902 (a port's import failure of any kind is one line)
        raise PortError("cannot load %s: %s: %s" % (target, type(e).__name__, str(e).splitlines()[0] if str(e) else ""))
    if not hasattr(module, attr):
        raise PortError("%s defines no %s" % (target, attr))
    obj = getattr(module, attr)
    if not isinstance(obj, Adapter) and callable(obj):
        try:
            obj = obj()
        except Exception as e:
            raise PortError("%s.%s() failed: %s: %s" % (target, attr, type(e).__name__, e))
    if not isinstance(obj, Adapter):
        raise PortError("%s.%s is a %s, not a permcheck_adapter.Adapter" % (target, attr, type(obj).__name__))
    return obj


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0].startswith("-"):
        sys.stderr.write(USAGE + "\n")
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    protocol = stdout_guard.install()
    try:
        adapter = load_port(argv[0])
    except PortError as e:
        sys.stderr.write("permcheck-port: %s\n" % e)
        return 2
    adapter.serve(stdout=protocol)
    return 0


if __name__ == "__main__":
    sys.exit(main())
