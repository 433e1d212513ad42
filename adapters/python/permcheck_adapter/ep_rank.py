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


def _save(outputs, directory):
    """Each output as out_<name>.npy in the rank's directory, and its reference for the answer."""
    refs = {}
    for k, arr in outputs.items():
        path = os.path.join(directory, "out_%s.npy" % k)
        npy.save(path, arr)
        refs[k] = {"path": path, "dtype": _dtype_id(arr), "shape": list(arr.shape)}
    return refs


def _loop(hello, on_hello, answer_run):
    """The one message loop of both forms: hello (then `on_hello()`), `run` of `ep_chain` answered by
    `answer_run(msg)`, bye. A failure of the port is the case's ERROR, never a pass."""
    out = stdout_guard.install()
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        kind = msg.get("type")
        if kind == "hello":
            out.write(json.dumps(hello) + "\n")
            out.flush()
            on_hello()
            continue
        if kind == "bye":
            out.write('{"type":"bye"}\n')
            out.flush()
            return
        rid = msg.get("id")
        try:
            if kind != "run" or msg.get("op") != OP:
                raise ValueError("unknown request %s %s" % (kind, msg.get("op")))
            answer = dict(answer_run(msg), type="result", id=rid)
        except Exception as e:
            answer = {"type": "error", "id": rid, "message": "%s: %s" % (type(e).__name__, e)}
        out.write(json.dumps(answer) + "\n")
        out.flush()


_CAPABILITIES = {"ops": [], "dtypes": ["f32"], "profiles": [], "features": []}


def serve(chain, name, version="0.1.0", device="CPU", setup=None, claimed_rank=None):
    """`setup(rank, world_size)` runs once after hello (a process group, a collective), its result passed to chain.
    `claimed_rank` (tests only) is the rank the answers name: a hostile rank that answers for another."""
    rank = int(os.environ["PERMCHECK_RANK"])
    world = int(os.environ["PERMCHECK_WORLD_SIZE"])
    state = [None]
    hello = {"type": "hello", "protocol": PROTOCOL, "name": name, "version": version, "device": device,
             "rank": rank, "world_size": world, "pid": os.getpid(), "capabilities": _CAPABILITIES}

    def on_hello():
        if setup is not None:
            state[0] = setup(rank, world)

    def answer_run(msg):
        inputs = {k: npy.load(v["path"]) for k, v in msg["inputs"].items()}
        refs = _save(chain(inputs, rank, world, state[0]), msg["dir"])
        return {"rank": rank if claimed_rank is None else claimed_rank, "world_size": world, "outputs": refs}

    _loop(hello, on_hello, answer_run)


def serve_single(chain_all, name, version="0.1.0", device="CPU", setup=None):
    """The single-controller form (docs/protocol.md 8.4): this one process serves every rank. A request
    carries `ranks: [{rank, dir, inputs}]`; `chain_all(list of inputs by rank, world_size, state)` returns the
    outputs by rank, written into each rank's directory."""
    world = int(os.environ["PERMCHECK_WORLD_SIZE"])
    state = [None]
    hello = {"type": "hello", "protocol": PROTOCOL, "name": name, "version": version, "device": device,
             "single_controller": True, "world_size": world, "pid": os.getpid(), "capabilities": _CAPABILITIES}

    def on_hello():
        if setup is not None:
            state[0] = setup(world)

    def answer_run(msg):
        ranks = msg["ranks"]
        inputs = [{k: npy.load(v["path"]) for k, v in r["inputs"].items()} for r in ranks]
        outputs = chain_all(inputs, world, state[0])
        answers = [{"rank": r["rank"], "outputs": _save(outs, r["dir"])} for r, outs in zip(ranks, outputs)]
        return {"world_size": world, "ranks": answers}

    _loop(hello, on_hello, answer_run)
