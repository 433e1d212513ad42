#!/usr/bin/env python3
"""Checks a Python port against permcheck's golden vectors, without Java.

    python3 adapters/python/examples/check_vectors.py vectors/ --port adapters/python/examples/numpy_port.py

The port file defines `adapter` (a permcheck_adapter.Adapter) whose registered functions are
called directly (no protocol), each twice (R1), and a dispatch's own output is combined back
(R2), as the engine's run does. A vector outside what the adapter's hello claims (op, profile,
payload dtype, padding, probs, merging probs) is NOT_SUPPORTED with the Java engine's reason and is
never called. Prints one line per vector (PASS, FAIL with the first mismatch, NOT_SUPPORTED, ERROR
with the exception's type and first line, SKIP for negative vectors) and exits 0 when nothing
failed, 1 when something did, 2 (one line `check_vectors: ...`) for a vector set the Java reader
refuses, a pin that does not match, or a port that cannot be loaded.
"""
import argparse
import importlib.util
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from permcheck_adapter import NotSupported, Tensor  # noqa: E402
from permcheck_adapter.claims import ClaimError, Claims  # noqa: E402
from permcheck_adapter.dtypes import STORAGE  # noqa: E402
from permcheck_adapter.ops import OUTPUTS  # noqa: E402
from permcheck_adapter.run_rules import combine_after, determinism_problems, round_trip_problems  # noqa: E402
from permcheck_adapter.vectors import VectorError, describe_call, judge, load_vectors, specified_mask  # noqa: E402


class PortError(Exception):
    """A port file that cannot be checked at all (one line)."""


def one_line(e):
    """'Type: first line of the message', what an ERROR verdict shows of an exception."""
    lines = str(e).strip().splitlines()
    return "%s: %s" % (type(e).__name__, lines[0]) if lines else type(e).__name__


def load_port(path):
    """The `adapter` of a port file; a file that is missing, fails to import or defines none is a PortError."""
    if not os.path.isfile(path):
        raise PortError("%s: no such port file" % path)
    spec = importlib.util.spec_from_file_location("permcheck_port", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SystemExit as e:  # a port may sys.exit("why") at import (numpy_port.py on a bad PERMCHECK_PLANT_BUG)
        raise PortError("%s: exited while loading: %s" % (path, e.code)) from None
    except Exception as e:
        raise PortError("%s: fails to load: %s" % (path, one_line(e))) from None
    adapter = getattr(module, "adapter", None)
    if adapter is None:
        raise PortError("%s defines no 'adapter'" % path)
    if not callable(getattr(adapter, "hello", None)) or not isinstance(getattr(adapter, "functions", None), dict):
        raise PortError("%s: 'adapter' is not a permcheck_adapter.Adapter" % path)
    return adapter


def claims_of(adapter):
    """What the port claims, read from its hello exactly as the Java engine reads it (ExecBackend)."""
    try:
        return Claims.of_hello(adapter.hello())
    except ClaimError:
        raise
    except Exception as e:
        raise ClaimError("the port's hello fails: %s" % one_line(e)) from None


def answer(fn, op, inputs, attrs, profile):
    """(outputs, None, None) of one call of a port function, or (None, verdict, detail) when it
    refuses or fails. The port gets copies (the protocol hands it files: it cannot change what it is
    judged against)."""
    try:
        outputs = fn({n: Tensor(t.data.copy(), t.dtype) for n, t in inputs.items()}, dict(attrs), profile)
    except NotSupported as e:
        return None, "NOT_SUPPORTED", str(e)
    except Exception as e:  # the port's failure is a verdict, not ours
        return None, "ERROR", one_line(e)
    if not isinstance(outputs, dict):
        return None, "ERROR", "TypeError: the port returned %s, not a dict of outputs" % type(outputs).__name__
    for name, t in outputs.items():
        if name not in OUTPUTS[op]:  # the engine refuses the whole answer (ExecBackend.readOutputs)
            return None, "ERROR", "unknown output '%s' for %s" % (name, op)
        if not isinstance(t, Tensor) or STORAGE.get(t.dtype) != getattr(t.data, "dtype", None):
            return None, "ERROR", "TypeError: output %s is not a Tensor" % name
    return outputs, None, None


def call(adapter, claims, v):
    """(verdict, detail) of one positive vector inside the claims, as the engine's Runner makes it:
    the call, the same call again (R1), and after a dispatch the combine of its own output (R2)."""
    fn = adapter.functions.get(v.op)
    if fn is None:  # declared in hello but not registered: what Adapter.run_case answers
        return "NOT_SUPPORTED", "op %s not implemented" % v.op
    first, verdict, detail = answer(fn, v.op, v.inputs, v.attrs, v.profile)
    if first is None:
        return verdict, detail
    second, verdict, detail = answer(fn, v.op, v.inputs, v.attrs, v.profile)
    if second is None:
        return verdict, "on the second (determinism) call: " + detail
    try:
        problems = judge(v, first)
        problems += determinism_problems(describe_call(v), v.op, v.expected, lambda n, shape: specified_mask(v, n, shape),
                                         first, second, claims.determinism_of(v.op), v.inputs, v.attrs)
        combine = combine_after(v.inputs, first, claims, v.profile, v.attrs) if v.op == "token_dispatch" else None
        if combine is not None and "token_combine" in adapter.functions:
            combined, verdict, detail = answer(adapter.functions["token_combine"], "token_combine", combine, {}, v.profile)
            if verdict != "NOT_SUPPORTED":  # a port that declines the combine has no round trip
                problems += round_trip_problems(describe_call(v), v.inputs, combined,
                                                None if combined is not None else "%s: %s" % (verdict, detail), v.attrs)
    except Exception as e:  # an answer the judge cannot read (a shape numpy refuses) is the port's
        return "ERROR", "unjudgeable output: %s" % one_line(e)
    return ("FAIL", "; ".join(problems)) if problems else ("PASS", "")


def check(vectors_dir, adapter, out=sys.stdout, only=None):
    """Returns the count of each verdict. Raises VectorError for a set Java refuses, ClaimError for a
    hello it refuses, before any vector is judged."""
    vectors = load_vectors(vectors_dir)  # the whole set first: a refused set judges nothing
    claims = claims_of(adapter)
    counts = {}
    for v in vectors:
        if only and only not in v.id:
            continue
        if v.negative:
            verdict, detail = "SKIP", "negative vector (%s): the input is outside the contract" % v.negative["rule"]
        else:
            why = claims.why_not(v.op, v.profile, v.inputs, v.attrs)
            # outside the port's claims: never called
            verdict, detail = ("NOT_SUPPORTED", why) if why is not None else call(adapter, claims, v)
        counts[verdict] = counts.get(verdict, 0) + 1
        out.write("%-13s %s  [%s]%s\n" % (verdict, v.id, ",".join(v.rules), "  " + detail if detail else ""))
    return counts


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("vectors", help="vector directory (holds index.json)")
    ap.add_argument("--port", required=True, help="Python file that defines `adapter`")
    ap.add_argument("--only", help="only vectors whose id contains this text")
    args = ap.parse_args(argv)
    try:
        counts = check(args.vectors, load_port(args.port), only=args.only)
    except (VectorError, ClaimError, PortError) as e:
        sys.stderr.write("check_vectors: %s\n" % e)
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("check_vectors: interrupted\n")
        return 130
    print("summary: " + ", ".join("%s %d" % kv for kv in sorted(counts.items())))
    return 1 if counts.get("FAIL") or counts.get("ERROR") else 0


if __name__ == "__main__":
    sys.exit(main())
