#!/usr/bin/env python3
"""A scripted misbehaving backend for the protocol tests (standard library only).

    fake_backend.py MODE [MODE ...]

The i-th run request (counted across restarts in a file in the scratch directory) is answered in
MODE number i (the last mode repeats). Modes:
  good           copy input 'inp' to output 'output' (a well-formed answer)
  crash          exit(3) mid-case, after writing to stderr
  hang           never answer
  garbage        answer a line that is not JSON
  not-object     answer a JSON array
  wrong-id       answer with another id
  unknown-type   answer type "maybe"
  long-line      answer a 2 MiB line
  error          answer an error message
  not-supported  answer not_supported
  traversal      name ../escape.npy as the output (the file exists there)
  absolute       name an absolute path outside the case directory
  symlink        name a symlink inside the directory that points outside
  missing        name a file that does not exist
  oversized      write an output ten times larger than the input (shape declared accordingly)
  truncated      write a truncated .npy file
  bad-magic      write a file that is not .npy
  bad-header     write a .npy whose header dictionary is not a dict
  big-endian     write a '>f4' file
  fortran        write a fortran_order True file
  mismatch       declare a shape the file does not have
  unknown-output name an output the op does not have
  exit-clean     exit(0) without answering
  stale          name out.npy without writing it (a file of an earlier case must not be taken)
  guard-breach   as good, and report 64 guard bytes changed 4096 bytes past 'output' (B2)
  guard-malformed as good, with a guard breach that has no byte count (a malformed answer)
  guard-unnamed  as good, and report 8 bytes changed before a library allocation no output names (B2)
  guard-stranger as good, with a breach of 'surprise', neither an output nor an allocation (malformed)
Special first arguments: --version N (hello with protocol N), --no-hello (exit at once),
--hello-garbage (answer hello with garbage), --determinism OP=LEVEL,... (hello declares those R1 levels).
"""
import json
import os
import struct
import sys
import time

args = sys.argv[1:]
version = 1
if args and args[0] == "--version":
    version = int(args[1])
    args = args[2:]
determinism = None
if args and args[0] == "--determinism":
    determinism = dict(pair.split("=", 1) for pair in args[1].split(","))
    args = args[2:]
if args and args[0] == "--no-hello":
    sys.exit(0)
hello_garbage = bool(args) and args[0] == "--hello-garbage"
if hello_garbage:
    args = args[1:]
modes = args or ["good"]
scratch = None


def send(obj):
    sys.stdout.write((obj if isinstance(obj, str) else json.dumps(obj)) + "\n")
    sys.stdout.flush()


def npy(descr, shape, data, fortran=False):
    shape_text = "(%d,)" % shape[0] if len(shape) == 1 else "(" + ", ".join(str(d) for d in shape) + ")"
    d = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, "True" if fortran else "False", shape_text)
    hlen = len(d) + 1
    pad = 64 - (10 + hlen) % 64
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", hlen + pad) + d.encode("latin1") + b" " * pad + b"\n" + data


def read_npy(path):
    raw = open(path, "rb").read()
    hlen = struct.unpack("<H", raw[8:10])[0]
    return raw[:10 + hlen], raw[10 + hlen:]


def next_mode():
    counter = os.path.join(scratch, "fake-counter")
    n = int(open(counter).read()) if os.path.exists(counter) else 0
    open(counter, "w").write(str(n + 1))
    return modes[min(n, len(modes) - 1)]


def run(msg):
    mode = next_mode()
    rid = msg["id"]
    d = msg["dir"]
    ref = msg["inputs"]["inp"]
    header, data = read_npy(ref["path"])
    out = {"path": "out.npy", "dtype": ref["dtype"], "shape": ref["shape"]}

    def result(o=None, name="output"):
        send({"type": "result", "id": rid, "outputs": {name: o or out}})

    if mode == "good":
        open(os.path.join(d, "out.npy"), "wb").write(header + data)
        return result()
    if mode == "crash":
        sys.stderr.write("fake backend: segmentation fault (simulated)\n")
        sys.stderr.flush()
        os._exit(3)
    if mode == "hang":
        time.sleep(3600)
    if mode == "stale":
        return result()
    if mode == "exit-clean":
        sys.exit(0)
    if mode == "garbage":
        return send("this is not json {")
    if mode == "not-object":
        return send("[1, 2, 3]")
    if mode == "wrong-id":
        return send({"type": "result", "id": rid + 1000, "outputs": {}})
    if mode == "unknown-type":
        return send({"type": "maybe", "id": rid})
    if mode == "long-line":
        return send({"type": "error", "id": rid, "message": "x" * (2 << 20)})
    if mode == "error":
        return send({"type": "error", "id": rid, "message": "RuntimeError: CUDA error: an illegal memory access"})
    if mode == "not-supported":
        return send({"type": "not_supported", "id": rid, "reason": "fp8 with padding"})
    if mode == "traversal":
        open(os.path.join(d, "..", "escape.npy"), "wb").write(header + data)
        return result(dict(out, path="../escape.npy"))
    if mode == "absolute":
        p = os.path.join(scratch, "outside.npy")
        open(p, "wb").write(header + data)
        return result(dict(out, path=p))
    if mode == "symlink":
        p = os.path.join(scratch, "target.npy")
        open(p, "wb").write(header + data)
        os.symlink(p, os.path.join(d, "link.npy"))
        return result(dict(out, path="link.npy"))
    if mode == "missing":
        return result(dict(out, path="nothing-here.npy"))
    if mode == "oversized":
        shape = [ref["shape"][0] * 10] + ref["shape"][1:]
        item = len(data) // max(1, ref["shape"][0])
        descr = header.decode("latin1").split("'descr': '")[1][:3]
        open(os.path.join(d, "big.npy"), "wb").write(npy(descr, shape, data * 10 if item else b""))
        return result({"path": "big.npy", "dtype": ref["dtype"], "shape": shape})
    if mode == "truncated":
        open(os.path.join(d, "out.npy"), "wb").write(header + data[: len(data) // 2])
        return result()
    if mode == "bad-magic":
        open(os.path.join(d, "out.npy"), "wb").write(b"PK\x03\x04 this is a zip" + data)
        return result()
    if mode == "bad-header":
        raw = b"\x93NUMPY\x01\x00" + struct.pack("<H", 54) + b"['descr', '<f4']" + b" " * 37 + b"\n"
        open(os.path.join(d, "out.npy"), "wb").write(raw + data)
        return result()
    if mode == "big-endian":
        open(os.path.join(d, "out.npy"), "wb").write(npy(">f4", ref["shape"], data))
        return result()
    if mode == "fortran":
        open(os.path.join(d, "out.npy"), "wb").write(npy("<f4", ref["shape"], data, fortran=True))
        return result()
    if mode == "mismatch":
        open(os.path.join(d, "out.npy"), "wb").write(header + data)
        return result(dict(out, shape=[ref["shape"][0] + 1] + ref["shape"][1:]))
    if mode == "unknown-output":
        open(os.path.join(d, "out.npy"), "wb").write(header + data)
        return result(name="surprise")
    if mode == "guard-breach":
        open(os.path.join(d, "out.npy"), "wb").write(header + data)
        return send({"type": "result", "id": rid, "outputs": {"output": out}, "guarded": ["output"],
                     "guard_breaches": [{"output": "output", "offset": 4096, "bytes": 64}]})
    if mode == "guard-malformed":
        open(os.path.join(d, "out.npy"), "wb").write(header + data)
        return send({"type": "result", "id": rid, "outputs": {"output": out}, "guarded": ["output"],
                     "guard_breaches": [{"output": "output", "offset": "far"}]})
    if mode == "guard-unnamed":
        open(os.path.join(d, "out.npy"), "wb").write(header + data)
        return send({"type": "result", "id": rid, "outputs": {"output": out}, "guarded": ["output"],
                     "guard_breaches": [{"output": "(unnamed 0: torch.empty(4, 2) in permute)", "offset": -8, "bytes": 8}]})
    if mode == "guard-stranger":
        open(os.path.join(d, "out.npy"), "wb").write(header + data)
        return send({"type": "result", "id": rid, "outputs": {"output": out}, "guarded": ["output"],
                     "guard_breaches": [{"output": "surprise", "offset": 0, "bytes": 8}]})
    raise SystemExit("unknown mode " + mode)


for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "hello":
        scratch = msg["scratch"]
        if hello_garbage:
            send("HELLO!!")
            continue
        hello = {"type": "hello", "protocol": version, "name": "fake", "version": "0", "device": "none",
                 "capabilities": {"ops": ["token_dispatch", "sort_chunks_by_index"], "dtypes": ["f32", "bf16"],
                                  "profiles": ["te-jax"], "features": ["probs", "padding"]}}
        if determinism is not None:
            hello["determinism"] = determinism
        send(hello)
    elif msg["type"] == "run":
        run(msg)
    elif msg["type"] == "bye":
        send({"type": "bye"})
        break
