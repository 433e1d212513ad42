#!/usr/bin/env python3
"""te_bench.py: TransformerEngine's PyTorch permutation kernels timed the way `permcheck bench
backend --backend cuda` times ours (issue 16, docs/cuda.md "Speed"), so the two tables of one device
call compare: CUDA-event medians after warmups, each as a ratio to a same-run device-to-device copy
of the dispatch output's bytes, and a write-only floor (a fill of those bytes) beside it.

    PERMCHECK_TE_PATH=.te python3 adapters/python/tools/te_bench.py [--repeats 20] [--warmups 5] [--out bench-te.json]

Rows: dispatch (moe_permute_with_probs, row map included; padded: moe_permute_and_pad_with_probs),
combine (moe_unpermute with merging probs), and both backwards through autograd (TE's ops have no
public backward entry point, so these include autograd's overhead: marked "autograd"). Decode rows
(T = 1, 16, 128) are absolute microseconds, eager and in a CUDA graph. The routing draws top-k
distinct experts per token, uniform, probs in [0.01, 1] where routed (as org.permcheck.spi.bench.DispatchCase).
Prints a markdown table; --out also writes the rows as JSON.
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # adapters/python: te_torch

SHAPES = [  # (T, E, k, H, align): the four of issue 16's table and the T=4096 standalone-dispatch shape
    (16384, 8, 2, 4096, 0), (16384, 128, 8, 4096, 0), (16384, 256, 8, 7168, 0), (16384, 256, 8, 7168, 128),
    (4096, 128, 8, 7168, 0),
]
DECODE = [(1, 256, 8, 7168), (16, 256, 8, 7168), (128, 256, 8, 7168)]


def routing(torch, T, E, k, seed):
    g = torch.Generator(device="cuda").manual_seed(seed)
    scores = torch.rand(T, E, device="cuda", generator=g)
    idx = scores.topk(k, dim=1).indices
    rmap = torch.zeros(T, E, dtype=torch.int32, device="cuda").scatter_(1, idx, 1)
    probs = (0.01 + 0.99 * torch.rand(T, E, device="cuda", generator=g)) * rmap
    return rmap, probs.float()


def timed(torch, fn, repeats, warmups):
    for _ in range(warmups):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        b.synchronize()
        times.append(a.elapsed_time(b))
    times.sort()
    return times[len(times) // 2]


def graphed(torch, fn, repeats, warmups):
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(3):
            fn()
    torch.cuda.current_stream().wait_stream(s)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        fn()
    return timed(torch, graph.replay, repeats, warmups)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--warmups", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--out")
    a = ap.parse_args(argv)
    try:
        import torch
        from te_torch.loader import load, TeUnavailable
    except ImportError as e:
        sys.exit("te_bench: %s" % e)
    try:
        te, details = load()
    except TeUnavailable as e:
        sys.exit("te_bench: %s" % e)
    rows = []
    print("TE %s on %s, torch %s" % (details.get("te_commit", details), torch.cuda.get_device_name(), torch.__version__))
    # forward subjects are also replayed from a CUDA graph where capturable (no host sync inside), so
    # that TE's Python and launch overhead, large at the Mixtral shape, is not counted against its kernels
    print("\n| shape | subject | ms | copy ms | ratio | CUDA graph ratio |\n|---|---|---|---|---|---|")
    for T, E, k, H, A in SHAPES:
        rmap, probs = routing(torch, T, E, k, a.seed)
        x = ((torch.randint(0, 1 << 16, (T, H), device="cuda", dtype=torch.int32) & 0x83FF) | 0x3800).to(torch.int16).view(torch.bfloat16)
        N = T * k
        src = torch.empty(N, H, dtype=torch.bfloat16, device="cuda")
        dst = torch.empty_like(src)
        copy = timed(torch, lambda: dst.copy_(src), a.repeats, a.warmups)
        shape = "T=%d E=%d top-%d H=%d bf16 probs%s" % (T, E, k, H, " align=%d" % A if A else "")
        subjects = [("write-only floor: fill of the output bytes", lambda: dst.fill_(0))]
        if A:
            tpe = rmap.sum(dim=0)
            subjects.append(("TE moe_permute_and_pad_with_probs", lambda: te.moe_permute_and_pad_with_probs(x, probs, rmap, tpe, A)))
            out, pp, rid, pad, _ = te.moe_permute_and_pad_with_probs(x, probs, rmap, tpe, A)
        else:
            subjects.append(("TE moe_permute_with_probs (row map included)", lambda: te.moe_permute_with_probs(x, probs, rmap, num_out_tokens=N)))
            out, pp, rid = te.moe_permute_with_probs(x, probs, rmap, num_out_tokens=N)
            pad = None
        subjects.append(("TE moe_unpermute (merging probs)", lambda: te.moe_unpermute(out, rid, merging_probs=probs, restore_shape=(T, H),
                                                                                     map_type="mask", pad_offsets=pad)))
        # the backwards through autograd: the graph is kept and its backward replayed
        xg = x.clone().requires_grad_(True)
        pg = probs.clone().requires_grad_(True)
        if A:
            o2, pp2, _, _, _ = te.moe_permute_and_pad_with_probs(xg, pg, rmap, tpe, A)
        else:
            o2, pp2, _ = te.moe_permute_with_probs(xg, pg, rmap, num_out_tokens=N)
        go, gpp = torch.ones_like(o2), torch.ones_like(pp2)
        subjects.append(("TE dispatch backward (autograd)", lambda: torch.autograd.backward([o2, pp2], [go, gpp], retain_graph=True)))
        og = out.clone().requires_grad_(True)
        mg = probs.clone().requires_grad_(True)
        y = te.moe_unpermute(og, rid, merging_probs=mg, restore_shape=(T, H), map_type="mask", pad_offsets=pad)
        gy = torch.ones_like(y)
        subjects.append(("TE combine backward (autograd)", lambda: torch.autograd.backward([y], [gy], retain_graph=True)))
        for name, fn in subjects:
            try:
                ms = timed(torch, fn, a.repeats, a.warmups)
            except Exception as e:  # one subject's failure is a row, not the bench's end
                print("| %s | %s | failed: %s | | | |" % (shape, name, str(e).splitlines()[0][:120]))
                continue
            graph = "-"
            if "autograd" not in name:
                try:
                    graph = "%.3f" % (graphed(torch, fn, a.repeats, a.warmups) / copy)
                except Exception as e:  # e.g. the padded permute reads its buffer length on the host
                    graph = "not capturable: %s" % str(e).splitlines()[0][:60]
            rows.append({"shape": shape, "subject": name, "ms": ms, "copy_ms": copy, "ratio": ms / copy, "graph_ratio": graph})
            print("| %s | %s | %.4f | %.4f | %.3f | %s |" % (shape, name, ms, copy, ms / copy, graph))
        del out, pp, rid, o2, pp2, y, xg, og
        torch.cuda.empty_cache()
    print("\n| decode shape | subject | eager us | CUDA graph us |\n|---|---|---|---|")
    for T, E, k, H in DECODE:
        rmap, probs = routing(torch, T, E, k, a.seed)
        x = torch.randn(T, H, device="cuda").to(torch.bfloat16)
        N = T * k
        out, pp, rid = te.moe_permute_with_probs(x, probs, rmap, num_out_tokens=N)
        shape = "T=%d E=%d top-%d H=%d bf16" % (T, E, k, H)
        for name, fn in [("TE moe_permute_with_probs", lambda: te.moe_permute_with_probs(x, probs, rmap, num_out_tokens=N)),
                         ("TE moe_unpermute", lambda: te.moe_unpermute(out, rid, merging_probs=probs, restore_shape=(T, H), map_type="mask"))]:
            try:
                eager = timed(torch, fn, a.repeats * 5, a.warmups) * 1000
                try:
                    graph = "%.1f" % (graphed(torch, fn, a.repeats * 5, a.warmups) * 1000)
                except Exception as e:
                    graph = "not capturable: %s" % str(e).splitlines()[0][:80]
            except Exception as e:
                print("| %s | %s | failed: %s | |" % (shape, name, str(e).splitlines()[0][:120]))
                continue
            rows.append({"shape": shape, "subject": name, "eager_us": eager, "graph": graph})
            print("| %s | %s | %.1f | %s |" % (shape, name, eager, graph))
    if a.out:
        with open(a.out, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
