"""Serve one rank of permcheck's multi-rank mode (docs/protocol.md 8).

The engine starts S processes of one command with PERMCHECK_RANK, PERMCHECK_WORLD_SIZE and
PERMCHECK_RENDEZVOUS (and RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT for torch.distributed). Each
answers hello with its rank, world size and pid, then every `run` of op `ep_chain` with its own
outputs. A port supplies `chain(inputs, rank, world_size) -> {name: numpy array}`.
"""
import json
import os
import sys

from . import npy, stdout_guard
from .dtypes import STORAGE

PROTOCOL = 1
OP = "ep_chain"


def _dtype_id(arr):
    for k in ("f32", "i32", "i64", "bool", "f64", "f16"):
        if STORAGE[k] == arr.dtype:
            return k
    raise ValueError("no protocol dtype for %s" % arr.dtype)


def serve(chain, name, version="0.1.0", device="CPU", setup=None, claimed_rank=None):
    """`setup(rank, world_size)` runs once after hello (a process group, a collective), its result passed to chain.
    `claimed_rank` (tests only) is the rank the answers name: a hostile rank that answers for another."""
    rank = int(os.environ["PERMCHECK_RANK"])
    world = int(os.environ["PERMCHECK_WORLD_SIZE"])
    out = stdout_guard.install()
    state = None
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        kind = msg.get("type")
        if kind == "hello":
            answer = {"type": "hello", "protocol": PROTOCOL, "name": name, "version": version, "device": device,
                      "rank": rank, "world_size": world, "pid": os.getpid(),
                      "capabilities": {"ops": [], "dtypes": ["f32"], "profiles": [], "features": []}}
            out.write(json.dumps(answer) + "\n")
            out.flush()
            if setup is not None:
                state = setup(rank, world)
            continue
        if kind == "bye":
            out.write('{"type":"bye"}\n')
            out.flush()
            return
        rid = msg.get("id")
        try:
            if kind != "run" or msg.get("op") != OP:
                raise ValueError("unknown request %s %s" % (kind, msg.get("op")))
            inputs = {k: npy.load(v["path"]) for k, v in msg["inputs"].items()}
            outputs = chain(inputs, rank, world, state)
            refs = {}
            for k, arr in outputs.items():
                path = os.path.join(msg["dir"], "out_%s.npy" % k)
                npy.save(path, arr)
                refs[k] = {"path": path, "dtype": _dtype_id(arr), "shape": list(arr.shape)}
            answer = {"type": "result", "id": rid, "rank": rank if claimed_rank is None else claimed_rank,
                      "world_size": world, "outputs": refs}
        except Exception as e:  # the port's failure is the case's ERROR, never a pass
            answer = {"type": "error", "id": rid, "message": "%s: %s" % (type(e).__name__, e)}
        out.write(json.dumps(answer) + "\n")
        out.flush()


def serve_single(chain_all, name, version="0.1.0", device="CPU", setup=None):
    """The single-controller form (docs/protocol.md 8.4): this one process serves every rank. A request
    carries `ranks: [{rank, dir, inputs}]`; `chain_all(list of inputs by rank, world_size, state)` returns the
    outputs by rank, written into each rank's directory."""
    world = int(os.environ["PERMCHECK_WORLD_SIZE"])
    out = stdout_guard.install()
    state = None
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        kind = msg.get("type")
        if kind == "hello":
            answer = {"type": "hello", "protocol": PROTOCOL, "name": name, "version": version, "device": device,
                      "single_controller": True, "world_size": world, "pid": os.getpid(),
                      "capabilities": {"ops": [], "dtypes": ["f32"], "profiles": [], "features": []}}
            out.write(json.dumps(answer) + "\n")
            out.flush()
            if setup is not None:
                state = setup(world)
            continue
        if kind == "bye":
            out.write('{"type":"bye"}\n')
            out.flush()
            return
        rid = msg.get("id")
        try:
            if kind != "run" or msg.get("op") != OP:
                raise ValueError("unknown request %s %s" % (kind, msg.get("op")))
            ranks = msg["ranks"]
            inputs = [{k: npy.load(v["path"]) for k, v in r["inputs"].items()} for r in ranks]
            outputs = chain_all(inputs, world, state)
            answers = []
            for r, outs in zip(ranks, outputs):
                refs = {}
                for k, arr in outs.items():
                    path = os.path.join(r["dir"], "out_%s.npy" % k)
                    npy.save(path, arr)
                    refs[k] = {"path": path, "dtype": _dtype_id(arr), "shape": list(arr.shape)}
                answers.append({"rank": r["rank"], "outputs": refs})
            answer = {"type": "result", "id": rid, "world_size": world, "ranks": answers}
        except Exception as e:
            answer = {"type": "error", "id": rid, "message": "%s: %s" % (type(e).__name__, e)}
        out.write(json.dumps(answer) + "\n")
        out.flush()
