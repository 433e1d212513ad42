#!/usr/bin/env python3
"""Rebuilds generated cases from their spec lines (docs/generator.md) and saves the inputs.

    generate_inputs.py OUT_DIR < specs.txt

For line i of stdin: OUT_DIR/<i>/<port>.npy for every input (numpy.save; bf16 as <u2, fp8 as |u1)
and OUT_DIR/<i>/case.json with the logical dtypes and the attributes. permcheck's
GeneratorPortTest compares these files byte for byte with the Java generator's.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from permcheck_adapter import save  # noqa: E402
from permcheck_adapter.generator import generate  # noqa: E402


def main():
    out = sys.argv[1]
    for i, line in enumerate(l for l in sys.stdin.read().splitlines() if l.strip()):
        inputs, attrs = generate(line)
        d = os.path.join(out, str(i))
        os.makedirs(d, exist_ok=True)
        for name, t in inputs.items():
            save(os.path.join(d, name + ".npy"), t)
        with open(os.path.join(d, "case.json"), "w") as f:
            json.dump({"spec": line, "dtypes": {n: t.dtype for n, t in inputs.items()}, "order": list(inputs), "attrs": attrs}, f)


if __name__ == "__main__":
    main()
