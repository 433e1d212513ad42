"""The numpy port's rank mode (docs/protocol.md 8, docs/spec.md A7-A9): one rank of expert parallelism.

    permcheck ep --ranks 2 --backend-cmd 'python3 adapters/python/ep/numpy_rank.py'

dispatch (D1, unpadded) -> ragged all-to-all (A1 params, sender-side output offsets, A5) over real TCP
sockets between the rank processes (permcheck_adapter/collective.py) -> local permute (A3); then the
combine path back (A4, reverse all-to-all with A2, combine with probs) and the backward (the same way
back with grad_expert_buffer, no weights). `--plant NAME` makes a hostile rank for the tests:
wrong-offsets, drop-last-slice, crash-zero-token, wrong-rank, hang, stale-first-backward.
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from permcheck_adapter import ep_rank  # noqa: E402
from permcheck_adapter.collective import ThreadCollective, TcpCollective  # noqa: E402

PLANTS = ("wrong-offsets", "drop-last-slice", "crash-zero-token", "wrong-rank", "hang", "stale-first-backward")


def ragged_all_to_all(coll, operand, output, input_offsets, send_sizes, output_offsets, plant=None):
    """XLA's semantics (A5): slice j of operand lands on rank j at output_offsets[j], the sender's offset."""
    world = coll.world_size
    slices = []
    for j in range(world):
        rows = operand[input_offsets[j]:input_offsets[j] + send_sizes[j]]
        if plant == "drop-last-slice" and coll.rank == world - 1 and j == world - 1:
            rows = rows[:0]
        head = np.array([output_offsets[j], rows.shape[0]], dtype=np.int64).tobytes()
        slices.append(head + np.ascontiguousarray(rows).tobytes())
    for got in coll.all_to_all_v(slices):
        off, n = np.frombuffer(got[:16], dtype=np.int64)
        if n:
            output[off:off + n] = np.frombuffer(got[16:], dtype=output.dtype).reshape(n, output.shape[1])
    return output


def exclusive_cumsum(v):
    return np.concatenate([[0], np.cumsum(v)[:-1]]).astype(np.int64)


def make_chain(plant):
    calls = {"n": 0}

    def chain(inputs, rank, world, coll):
        x, routing, probs = inputs["inp"], inputs["routing_map"].astype(bool), inputs["probs"]
        m = inputs["all_shards_tokens_per_expert"].astype(np.int64)
        g = inputs["grad_expert_buffer"]
        t, h = x.shape
        e_count = routing.shape[1]
        nl = e_count // world
        if plant == "crash-zero-token" and t == 0:
            os._exit(3)
        if plant == "hang" and t == 0:  # a zero-token rank that never joins the exchange
            time.sleep(3600)
        # D1: dispatch, expert-major, tokens in order
        slots = [(tok, e) for e in range(e_count) for tok in range(t) if routing[tok, e]]
        dispatched = x[[s[0] for s in slots]].reshape(len(slots), h)
        send_to = m.reshape(world, world, nl).sum(axis=2)  # send_to[i][j]
        # A1: forward params of this rank
        send_sizes = send_to[rank]
        input_offsets = exclusive_cumsum(send_sizes)
        output_offsets = np.array([send_to[:rank, j].sum() for j in range(world)], dtype=np.int64)
        recv_sizes = send_to[:, rank]
        if plant == "wrong-offsets":
            output_offsets = input_offsets  # the receiver's view mistaken for the sender's (marin #8077's kind)
        received = ragged_all_to_all(coll, dispatched, np.zeros((recv_sizes.sum(), h), x.dtype), input_offsets, send_sizes,
                                     output_offsets, plant)
        # A3: source-major chunks (i, l) to expert-major (l, i)
        c = m[:, rank * nl:(rank + 1) * nl]  # C[i][l]
        chunk_start = exclusive_cumsum(c.reshape(-1)).reshape(world, nl)
        order = [(i, l) for l in range(nl) for i in range(world)]
        perm = np.concatenate([np.arange(chunk_start[i, l], chunk_start[i, l] + c[i, l]) for i, l in order] + [np.zeros(0, np.int64)]).astype(np.int64)
        expert_buffer = received[perm]
        groups = c.sum(axis=0).astype(np.int32)

        def back(buffer, weights):
            # A4: expert-major back to source-major; A2: the reverse exchange; then sum rows to tokens
            src_major = np.zeros_like(buffer)
            src_major[perm] = buffer
            r_send = send_to[:, rank]
            r_out = np.array([send_to[j, :rank].sum() for j in range(world)], dtype=np.int64)
            mine = ragged_all_to_all(coll, src_major, np.zeros((send_to[rank].sum(), h), buffer.dtype), exclusive_cumsum(r_send), r_send, r_out)
            out = np.zeros((t, h), buffer.dtype)
            for k, (tok, e) in enumerate(slots):
                out[tok] += (probs[tok, e] if weights else np.float32(1)) * mine[k]
            return out

        combined = back(expert_buffer, True)
        grad = g
        if plant == "stale-first-backward" and calls["n"] == 0:
            grad = np.zeros_like(g)  # the first backward reads a buffer not yet written (marin #8081's kind)
        calls["n"] += 1
        grad_inp = back(grad, False)
        return {"expert_buffer": expert_buffer, "local_group_sizes": groups, "combined": combined, "grad_inp": grad_inp}

    return chain


def single_chain(chain):
    """All ranks in one process: the per-rank chain on S threads sharing a ThreadCollective."""
    import threading

    def chain_all(inputs, world, state):
        coll = ThreadCollective(world)
        results, errors = [None] * world, []

        def one(r):
            try:
                results[r] = chain(inputs[r], r, world, coll.for_rank(r))
            except BaseException as e:  # noqa: B902 - reported as the call's error
                errors.append(e)
                coll._barrier.abort()

        threads = [threading.Thread(target=one, args=(r,)) for r in range(world)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        return results

    return chain_all


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plant", choices=PLANTS)
    ap.add_argument("--single-controller", action="store_true", help="one process serves every rank, one thread each")
    a = ap.parse_args()
    if a.single_controller:
        ep_rank.serve_single(single_chain(make_chain(a.plant)), "numpy-single-controller", device="CPU (numpy %s, threads)" % np.__version__)
        return
    rank, world = int(os.environ["PERMCHECK_RANK"]), int(os.environ["PERMCHECK_WORLD_SIZE"])
    claimed = (rank + 1) % world if a.plant == "wrong-rank" and rank == 0 else None
    ep_rank.serve(make_chain(a.plant), "numpy-rank" + ("+" + a.plant if a.plant else ""), setup=lambda r, w: TcpCollective(r, w),
                  device="CPU (numpy %s, TCP collective)" % np.__version__, claimed_rank=claimed)


if __name__ == "__main__":
    main()
