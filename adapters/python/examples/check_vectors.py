#!/usr/bin/env python3
"""Checks a Python port against permcheck's golden vectors, without Java.

    python3 adapters/python/examples/check_vectors.py vectors/ --port adapters/python/examples/numpy_port.py

The port file defines `adapter` (a permcheck_adapter.Adapter) whose registered functions are
called directly (no protocol). Prints one line per vector (PASS, FAIL with the first mismatch,
NOT_SUPPORTED, ERROR, SKIP for negative vectors) and exits 0 when nothing failed.
"""
import argparse
import importlib.util
import os
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from permcheck_adapter import NotSupported  # noqa: E402
from permcheck_adapter.vectors import VectorError, judge, load_vectors  # noqa: E402


def load_port(path):
    spec = importlib.util.spec_from_file_location("permcheck_port", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not hasattr(module, "adapter"):
        raise SystemExit("%s defines no 'adapter'" % path)
    return module.adapter


def check(vectors_dir, adapter, out=sys.stdout, only=None):
    """Returns the count of each verdict."""
    counts = {}
    for v in load_vectors(vectors_dir):
        if only and only not in v.id:
            continue
        if v.negative:
            verdict, detail = "SKIP", "negative vector (%s): the input is outside the contract" % v.negative["rule"]
        elif v.op not in adapter.functions:
            verdict, detail = "NOT_SUPPORTED", "op %s not implemented" % v.op
        else:
            try:
                outputs = adapter.functions[v.op](dict(v.inputs), dict(v.attrs), v.profile)
                problems = judge(v, outputs)
                verdict, detail = ("FAIL", "; ".join(problems)) if problems else ("PASS", "")
            except NotSupported as e:
                verdict, detail = "NOT_SUPPORTED", str(e)
            except Exception as e:  # the port's failure is a verdict, not ours
                verdict, detail = "ERROR", "%s: %s" % (type(e).__name__, e)
                traceback.print_exc(file=sys.stderr)
        counts[verdict] = counts.get(verdict, 0) + 1
        out.write("%-13s %s  [%s]%s\n" % (verdict, v.id, ",".join(v.rules), "  " + detail if detail else ""))
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("vectors", help="vector directory (holds index.json)")
    ap.add_argument("--port", required=True, help="Python file that defines `adapter`")
    ap.add_argument("--only", help="only vectors whose id contains this text")
    args = ap.parse_args()
    try:
        counts = check(args.vectors, load_port(args.port), only=args.only)
    except VectorError as e:
        sys.stderr.write("check_vectors: %s\n" % e)
        return 2
    print("summary: " + ", ".join("%s %d" % kv for kv in sorted(counts.items())))
    return 1 if counts.get("FAIL") or counts.get("ERROR") else 0


if __name__ == "__main__":
    sys.exit(main())
