"""A JAX backend of the ep tier on `jax.lax.ragged_all_to_all` (docs/protocol.md 8.4, docs/spec.md A7-A9).

    permcheck ep --single-controller --ranks 2,4 --backend-cmd 'python3 adapters/python/ep/jax_rank.py'

Single controller: this one process drives S devices (on CPU the engine sets
XLA_FLAGS=--xla_force_host_platform_device_count=S; on GPU the first S GPUs) in a shard_map over a mesh
axis "ep". Per rank, in numpy: the dispatch (D1) and the parameters (A1 forward, A2 reverse, sender-side
output offsets). In JAX: the forward exchange, the reverse exchange of the combine path, and the backward
as `jax.vjp` of the forward exchange (ragged_all_to_all's transpose rule: where marin #8077 / PR #8081 saw
gradients corrupted). Payloads are padded to one static row count per call. Extra XLA flags (a lowering or
a schedule: `--xla_gpu_ragged_all_to_all_mode=...`, `--xla_gpu_enable_latency_hiding_scheduler=...`) come in
through XLA_FLAGS before the engine's. jax is imported lazily, in setup.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from permcheck_adapter import ep_rank  # noqa: E402


def exclusive_cumsum(v):
    return np.concatenate([[0], np.cumsum(v)[:-1]]).astype(np.int64)


def setup(world):
    import jax
    from jax.sharding import Mesh, PartitionSpec as P
    try:
        shard_map = jax.shard_map
        kw = {"check_vma": False}
    except AttributeError:  # older JAX
        from jax.experimental.shard_map import shard_map
        kw = {"check_rep": False}
    devices = jax.devices()
    if len(devices) < world:
        raise RuntimeError("%d ranks need %d devices, JAX sees %d" % (world, world, len(devices)))
    mesh = Mesh(np.array(devices[:world]), ("ep",))

    def exchange(op, out, io, ss, oo, rs):
        return jax.lax.ragged_all_to_all(op[0], out[0], io[0], ss[0], oo[0], rs[0], axis_name="ep")[None]

    spec = P("ep")
    a2a = jax.jit(shard_map(exchange, mesh=mesh, in_specs=(spec,) * 6, out_specs=spec, **kw))
    return jax, a2a


def chain_all(inputs, world, state):
    jax, a2a = state
    import jax.numpy as jnp
    m = inputs[0]["all_shards_tokens_per_expert"].astype(np.int64)
    ne = m.shape[1]
    nl = ne // world
    h = inputs[0]["inp"].shape[1]
    send_to = m.reshape(world, world, nl).sum(axis=2)  # send_to[i][j]
    slots, dispatched = [], []
    for r in range(world):
        routing = inputs[r]["routing_map"].astype(bool)
        s = [(t, e) for e in range(ne) for t in range(routing.shape[0]) if routing[t, e]]
        slots.append(s)
        dispatched.append(inputs[r]["inp"][[t for t, _ in s]].reshape(len(s), h))
    rows = max(1, int(send_to.sum(axis=1).max()), int(send_to.sum(axis=0).max()))

    def stack(arrs):
        out = np.zeros((world, rows, h), np.float32)
        for r, a in enumerate(arrs):
            out[r, :a.shape[0]] = a
        return out

    def params(forward):
        io, ss, oo, rs = (np.zeros((world, world), np.int32) for _ in range(4))
        for r in range(world):
            if forward:  # A1
                ss[r] = send_to[r]
                oo[r] = [send_to[:r, j].sum() for j in range(world)]
                rs[r] = send_to[:, r]
            else:  # A2
                ss[r] = send_to[:, r]
                oo[r] = [send_to[j, :r].sum() for j in range(world)]
                rs[r] = send_to[r]
            io[r] = exclusive_cumsum(ss[r])
        return [jnp.asarray(x) for x in (io, ss, oo, rs)]

    fwd, rev = params(True), params(False)
    zeros = jnp.zeros((world, rows, h), jnp.float32)
    operand = jnp.asarray(stack(dispatched))
    recv, vjp = jax.vjp(lambda op: a2a(op, zeros, *fwd), operand)
    recv = np.asarray(recv)
    perms, bufs, grads_recv = [], [], np.zeros((world, rows, h), np.float32)
    for r in range(world):
        c = m[:, r * nl:(r + 1) * nl]
        start = exclusive_cumsum(c.reshape(-1)).reshape(world, nl)
        perm = np.concatenate([np.arange(start[i, l], start[i, l] + c[i, l]) for l in range(nl) for i in range(world)]
                              + [np.zeros(0, np.int64)]).astype(np.int64)
        perms.append(perm)
        bufs.append(recv[r][perm])  # A3
        grads_recv[r][perm] = inputs[r]["grad_expert_buffer"]  # the local permute's transpose
    (grad_operand,) = vjp(jnp.asarray(grads_recv))  # A9: back through ragged_all_to_all's transpose
    grad_operand = np.asarray(grad_operand)
    src_major = np.zeros((world, rows, h), np.float32)
    for r in range(world):
        src_major[r][perms[r]] = bufs[r]  # A4
    back = np.asarray(a2a(jnp.asarray(src_major), zeros, *rev))  # A8: the reverse exchange
    outs = []
    for r in range(world):
        t_count = inputs[r]["inp"].shape[0]
        probs = inputs[r]["probs"]
        combined = np.zeros((t_count, h), np.float32)
        grad_inp = np.zeros((t_count, h), np.float32)
        for k, (t, e) in enumerate(slots[r]):
            combined[t] += probs[t, e] * back[r][k]
            grad_inp[t] += grad_operand[r][k]
        outs.append({"expert_buffer": bufs[r], "local_group_sizes": m[:, r * nl:(r + 1) * nl].sum(axis=0).astype(np.int32),
                     "combined": combined, "grad_inp": grad_inp})
    return outs


if __name__ == "__main__":
    ep_rank.serve_single(chain_all, "jax-ragged-all-to-all", setup=setup, device="JAX (XLA_FLAGS=%s)" % os.environ.get("XLA_FLAGS", ""))
