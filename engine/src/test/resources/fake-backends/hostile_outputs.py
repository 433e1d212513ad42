#!/usr/bin/env python3
"""A protocol backend whose output files attack the engine (standard library only).

    hostile_outputs.py MODE

Implements sort_chunks_by_index for one chunk in identity order (output = inp, row_id_map =
0..N-1): a correct answer, except for what MODE does to the file it names as 'output':
  good       the correct answer
  fifo       'output' is a FIFO (nobody writes it: an engine that opens it blocks)
  directory  'output' is a directory
  passwd     'output' is a symlink to /etc/passwd
  sparse     'output' is a 1 GiB sparse file with a valid header (shape [2^28] f32)
  swap       the correct answer, replaced by the 1 GiB sparse file right after the reply is sent
  grow       the correct answer, then 1 GiB appended to it right after the reply is sent
"""
import json
import os
import struct
import sys

mode = sys.argv[1] if len(sys.argv) > 1 else "good"
GIB = 1 << 30


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def npy_header(descr, shape):
    shape_text = "(%d,)" % shape[0] if len(shape) == 1 else "(" + ", ".join(str(d) for d in shape) + ")"
    d = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape_text)
    pad = 64 - (10 + len(d) + 1) % 64
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d) + 1 + pad) + d.encode("latin1") + b" " * pad + b"\n"


def sparse(path):
    with open(path, "wb") as f:
        f.write(npy_header("<f4", [GIB // 4]))
        f.truncate(len(npy_header("<f4", [GIB // 4])) + GIB)


def run(msg):
    d = msg["dir"]
    ref = msg["inputs"]["inp"]
    raw = open(ref["path"], "rb").read()
    rows = ref["shape"][0]
    out = os.path.join(d, "out.npy")
    for p in (out,):
        if os.path.islink(p) or os.path.isfile(p):
            os.remove(p)
        elif os.path.isdir(p):
            os.rmdir(p)
    if mode == "fifo":
        os.mkfifo(out)
    elif mode == "directory":
        os.mkdir(out)
    elif mode == "passwd":
        os.symlink("/etc/passwd", out)
    elif mode == "sparse":
        sparse(out)
    else:
        open(out, "wb").write(raw)
    with open(os.path.join(d, "map.npy"), "wb") as f:
        f.write(npy_header("<i4", [rows]) + struct.pack("<%di" % rows, *range(rows)))
    send({"type": "result", "id": msg["id"], "outputs": {
        "output": {"path": "out.npy", "dtype": ref["dtype"], "shape": ref["shape"]},
        "row_id_map": {"path": "map.npy", "dtype": "i32", "shape": [rows]}}})
    if mode == "swap":
        sparse(out + ".new")
        os.rename(out + ".new", out)
    elif mode == "grow":
        with open(out, "ab") as f:
            f.truncate(len(raw) + GIB)


for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "hello":
        send({"type": "hello", "protocol": 1, "name": "hostile-outputs", "version": "0", "device": "none",
              "capabilities": {"ops": ["sort_chunks_by_index"], "dtypes": ["f32"], "profiles": ["te-jax"], "features": []}})
    elif msg["type"] == "run":
        run(msg)
    elif msg["type"] == "bye":
        send({"type": "bye"})
        break
