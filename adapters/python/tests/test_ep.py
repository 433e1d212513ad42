"""The ep tier's Python side without a JDK: the TCP and thread collectives exchange what they were given,
and the JAX backend's chain (ep/jax_rank.py) agrees with the numpy ranks' chain on seeded cases, run here
on a stand-in for jax: `vjp` is the transpose of the linear exchange built column by column, the exchange
XLA's ragged_all_to_all semantics in numpy (A5: slice j of each sender lands on rank j at the sender's
output offset). The numpy chain itself is judged against the oracle by EpTierTest."""
import os
import sys
import threading
import types
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "ep"))
from permcheck_adapter.collective import TcpCollective, ThreadCollective  # noqa: E402
import numpy_rank  # noqa: E402


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def ragged_a2a_numpy(op, out, io, ss, oo, rs):
    """[S, rows, H] stacked per rank: XLA's semantics, sender-side output offsets."""
    res = np.array(out, copy=True)
    world = op.shape[0]
    for i in range(world):
        for j in range(world):
            n = int(ss[i][j])
            res[j, int(oo[i][j]):int(oo[i][j]) + n] = op[i, int(io[i][j]):int(io[i][j]) + n]
    return res


def fake_jax():
    def vjp(f, x):
        x = np.asarray(x)
        y = np.asarray(f(x))
        cols = []
        for k in range(x.size):
            e = np.zeros(x.size, x.dtype)
            e[k] = 1
            cols.append(np.asarray(f(e.reshape(x.shape))).reshape(-1))
        jac = np.stack(cols, axis=1)  # the exchange is linear: J[:, k] = f(e_k)
        return y, lambda ct: ((jac.T @ np.asarray(ct).reshape(-1)).reshape(x.shape).astype(x.dtype),)
    return types.SimpleNamespace(vjp=vjp)


def ep_case(rnd, world, tokens):
    """Seeded rank inputs on the ep tier's exact grid (multiples of 1/8, probs of 1/4)."""
    nl, h = 2, 3
    ne = nl * world
    inputs = []
    maps = [rnd.random((t, ne)) < 0.4 for t in tokens]
    m = np.array([mp.sum(axis=0) for mp in maps], dtype=np.int32)
    for r, t in enumerate(tokens):
        rows = int(m[:, r * nl:(r + 1) * nl].sum())
        inputs.append({"inp": (rnd.integers(-64, 64, (t, h)) / 8).astype(np.float32), "routing_map": maps[r],
                       "probs": (rnd.integers(1, 5, (t, ne)) / 4 * maps[r]).astype(np.float32),
                       "all_shards_tokens_per_expert": m,
                       "grad_expert_buffer": (rnd.integers(-64, 64, (rows, h)) / 8).astype(np.float32)})
    return inputs


class CollectiveTest(unittest.TestCase):
    def test_tcp_all_to_all_v_delivers_every_slice_to_its_rank(self):
        world, port, got = 3, free_port(), {}

        def rank(r):
            c = TcpCollective(r, world, "127.0.0.1:%d" % port)
            got[r] = c.all_to_all_v([("%d->%d" % (r, j)).encode() * (j + 1) for j in range(world)])
            c.close()

        ts = [threading.Thread(target=rank, args=(r,)) for r in range(world)]
        [t.start() for t in ts]
        [t.join(20) for t in ts]
        for r in range(world):  # by hand: rank r receives i's slice for r, r+1 copies of "i->r"
            self.assertEqual([("%d->%d" % (i, r)).encode() * (r + 1) for i in range(world)], got[r])

    def test_thread_collective_twice_in_a_row(self):
        world, coll, got = 2, ThreadCollective(2), {}

        def rank(r):
            c = coll.for_rank(r)
            got[r] = [c.all_to_all_v([b"%d%d%d" % (n, r, j) for j in range(world)]) for n in range(2)]

        ts = [threading.Thread(target=rank, args=(r,)) for r in range(world)]
        [t.start() for t in ts]
        [t.join(20) for t in ts]
        self.assertEqual([[b"001", b"011"], [b"101", b"111"]], got[1])


class JaxChainTest(unittest.TestCase):
    STANDINS = ("jax", "jax.numpy", "jax_rank")

    def setUp(self):
        # the stand-ins live only for this test: other tests see whether the real jax is importable
        self.saved = {k: sys.modules.get(k) for k in self.STANDINS}
        sys.modules["jax"] = types.ModuleType("jax")
        sys.modules["jax.numpy"] = np
        sys.modules.pop("jax_rank", None)
        import jax_rank
        self.jax_rank = jax_rank

    def tearDown(self):
        for k, v in self.saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v

    def test_the_jax_chain_agrees_with_the_numpy_ranks(self):
        rnd = np.random.default_rng(15)
        state = (fake_jax(), ragged_a2a_numpy)
        for world, tokens in ((2, (3, 0)), (4, (1, 0, 5, 2)), (2, (4, 4))):
            inputs = ep_case(rnd, world, tokens)
            want = numpy_rank.single_chain(numpy_rank.make_chain(None))(inputs, world, None)
            got = self.jax_rank.chain_all(inputs, world, state)
            for r in range(world):
                for k in ("expert_buffer", "local_group_sizes", "combined", "grad_inp"):
                    np.testing.assert_array_equal(want[r][k], got[r][k], "%s rank %d of %d" % (k, r, world))


class TorchChainTest(unittest.TestCase):
    """ep/torch_rank.py's chain on threads, with a numpy stand-in for the torch calls it makes and an
    all_to_all_single with split sizes over the threads; it must agree with the numpy ranks."""

    def stand_in(self, world):
        class T(np.ndarray):
            def t(self):
                return self.T

            def nonzero(self, as_tuple=False):
                return tuple(i.view(T) for i in np.nonzero(np.asarray(self)))

            def unsqueeze(self, d):
                return np.expand_dims(self, d)

            def index_add_(self, dim, idx, src):
                np.add.at(self, np.asarray(idx), np.asarray(src))
                return self

            def cpu(self):
                return self

            def numpy(self):
                return np.asarray(self)

            def to(self, dev):
                return self

            def contiguous(self):
                return self

        torch = types.SimpleNamespace(
            from_numpy=lambda a: a.view(T),
            empty=lambda shape, dtype=None, device=None: np.empty(shape, dtype=dtype).view(T),
            zeros=lambda shape, dtype=None, device=None: np.zeros(shape, dtype=dtype).view(T),
            empty_like=lambda a: np.empty_like(np.asarray(a)).view(T))
        table = [[None] * world for _ in range(world)]
        barrier = threading.Barrier(world)

        def dist_for(rank):
            def all_to_all_single(output, inp, output_split_sizes, input_split_sizes):
                starts = np.concatenate([[0], np.cumsum(input_split_sizes)]).astype(int)
                for j in range(world):
                    table[rank][j] = np.array(inp[starts[j]:starts[j + 1]])
                barrier.wait()
                got = [table[i][rank] for i in range(world)]
                assert [g.shape[0] for g in got] == list(output_split_sizes), (got, output_split_sizes)
                output[...] = np.concatenate(got) if got else output
                barrier.wait()
            return types.SimpleNamespace(all_to_all_single=all_to_all_single)

        return torch, dist_for

    def test_the_torch_chain_agrees_with_the_numpy_ranks(self):
        import torch_rank
        rnd = np.random.default_rng(16)
        for world, tokens in ((2, (3, 0)), (4, (1, 0, 5, 2)), (4, (0, 0, 6, 0))):
            inputs = ep_case(rnd, world, tokens)
            want = numpy_rank.single_chain(numpy_rank.make_chain(None))(inputs, world, None)
            torch, dist_for = self.stand_in(world)
            got = [None] * world

            def one(r):
                got[r] = torch_rank.chain(inputs[r], r, world, (torch, dist_for(r), "cpu"))

            ts = [threading.Thread(target=one, args=(r,)) for r in range(world)]
            [t.start() for t in ts]
            [t.join(20) for t in ts]
            for r in range(world):
                for k in ("expert_buffer", "local_group_sizes", "combined", "grad_inp"):
                    np.testing.assert_array_equal(want[r][k], got[r][k], "%s rank %d of %d" % (k, r, world))


if __name__ == "__main__":
    unittest.main()
