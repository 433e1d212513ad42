"""A PyTorch rank of the ep tier (docs/protocol.md 8, docs/spec.md A7-A9), on torch.distributed.

    permcheck ep --ranks 2 --backend-cmd 'python3 adapters/python/ep/torch_rank.py [--device cuda]'

The exchange is `torch.distributed.all_to_all_single` with split sizes (A1 forward, A2 back); backend
gloo on CPU, nccl on CUDA (one GPU per rank: LOCAL_RANK; NCCL_NVLS_ENABLE=0 comes from the engine).
Rendezvous: MASTER_ADDR / MASTER_PORT from the engine. torch is imported lazily, in setup.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from permcheck_adapter import ep_rank  # noqa: E402


def setup_for(device):
    def setup(rank, world):
        import torch
        import torch.distributed as dist
        dev = torch.device("cuda", rank % torch.cuda.device_count()) if device == "cuda" else torch.device("cpu")
        if device == "cuda":
            torch.cuda.set_device(dev)
        dist.init_process_group("nccl" if device == "cuda" else "gloo", rank=rank, world_size=world)
        return torch, dist, dev
    return setup


def chain(inputs, rank, world, state):
    torch, dist, dev = state
    x = torch.from_numpy(inputs["inp"]).to(dev)
    routing = torch.from_numpy(inputs["routing_map"].astype(bool)).to(dev)
    probs = torch.from_numpy(inputs["probs"]).to(dev)
    m = inputs["all_shards_tokens_per_expert"].astype(np.int64)
    g = torch.from_numpy(inputs["grad_expert_buffer"]).to(dev)
    t, h = x.shape
    ne = routing.shape[1]
    nl = ne // world
    # D1: expert-major rows (routing_map transposed, nonzero gives (expert, token) in that order)
    e_idx, t_idx = routing.t().nonzero(as_tuple=True)
    dispatched = x[t_idx]
    send_to = m.reshape(world, world, nl).sum(axis=2)
    recv = torch.empty((int(send_to[:, rank].sum()), h), dtype=x.dtype, device=dev)
    dist.all_to_all_single(recv, dispatched.contiguous(), [int(v) for v in send_to[:, rank]], [int(v) for v in send_to[rank]])
    # A3: source-major chunks (i, l) to expert-major (l, i)
    c = m[:, rank * nl:(rank + 1) * nl]
    start = np.concatenate([[0], np.cumsum(c.reshape(-1))[:-1]]).reshape(world, nl)
    perm = np.concatenate([np.arange(start[i, l], start[i, l] + c[i, l]) for l in range(nl) for i in range(world)] + [np.zeros(0, np.int64)])
    perm_t = torch.from_numpy(perm.astype(np.int64)).to(dev)
    buf = recv[perm_t]

    def back(buffer, weights):
        src = torch.empty_like(buffer)
        src[perm_t] = buffer
        mine = torch.empty((int(send_to[rank].sum()), h), dtype=buffer.dtype, device=dev)
        dist.all_to_all_single(mine, src.contiguous(), [int(v) for v in send_to[rank]], [int(v) for v in send_to[:, rank]])
        w = probs[t_idx, e_idx].unsqueeze(1) if weights else 1.0
        out = torch.zeros((t, h), dtype=buffer.dtype, device=dev)
        out.index_add_(0, t_idx, mine * w)
        return out

    combined = back(buf, True)
    grad_inp = back(g, False)
    return {"expert_buffer": buf.cpu().numpy(), "local_group_sizes": c.sum(axis=0).astype(np.int32),
            "combined": combined.cpu().numpy(), "grad_inp": grad_inp.cpu().numpy()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    a = ap.parse_args()
    ep_rank.serve(chain, "torch-rank-" + a.device, setup=setup_for(a.device), device="torch.distributed (%s)" % a.device)


if __name__ == "__main__":
    main()
