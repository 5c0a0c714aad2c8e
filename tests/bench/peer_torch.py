#!/usr/bin/env python3
"""Peer comparison: the same shapes as `seqscope bench`, through PyTorch implementations
written from the reference equations (mamba's selective_scan_ref loop; softmax attention as
matmul + mask + softmax + matmul), on the CPU with every core. Prints seqscope's speed-up per op.

  tests/bench/peer_torch.py --bench-json bench.json       # numbers from `seqscope bench --json`
  tests/bench/peer_torch.py --seqscope build/app/seqscope  # runs `seqscope bench --quick` itself

Without PyTorch (Debian: python3-torch) it says so and exits 0.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def median_ms(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def selective_scan_ref(torch, u, delta, A, B, C, D):
    """mamba_ssm.ops.selective_scan_interface.selective_scan_ref, real A, B and C per step,
    no z, no delta_bias/softplus (seqscope's scan takes delta after softplus too).
    u, delta: [b, d, L]; A: [d, n]; B, C: [b, n, L]; D: [d] -> y: [b, d, L]"""
    batch, dim, length = u.shape
    deltaA = torch.exp(torch.einsum("bdl,dn->bdln", delta, A))
    deltaB_u = torch.einsum("bdl,bnl,bdl->bdln", delta, B, u)
    x = A.new_zeros((batch, dim, A.shape[1]))
    ys = []
    for i in range(length):
        x = deltaA[:, :, i] * x + deltaB_u[:, :, i]
        ys.append(torch.einsum("bdn,bn->bd", x, C[:, :, i]))
    y = torch.stack(ys, dim=2)
    return y + u * D.view(-1, 1)


def softmax_attention(torch, q, k, v, mask):
    """q, k, v: [L, dh], mask: [L, L] True above the diagonal -> probs [L, L], out [L, dh]"""
    dh = q.shape[1]
    scores = (q @ k.T) / dh ** 0.5
    probs = torch.softmax(scores.masked_fill(mask, float("-inf")), dim=-1)
    return probs, probs @ v


def scan_inputs(torch, L, D, N):
    g = torch.Generator().manual_seed(7)
    u = torch.randn(1, D, L, generator=g)
    dt = torch.exp(torch.empty(D).uniform_(-6.9, -2.3, generator=g))
    delta = (dt.view(1, D, 1) * torch.empty(1, D, L).uniform_(0.8, 1.2, generator=g)).contiguous()
    A = -torch.arange(1, N + 1, dtype=torch.float32).repeat(D, 1)
    B = torch.randn(1, N, L, generator=g)
    C = torch.randn(1, N, L, generator=g)
    return u, delta, A, B, C, torch.ones(D)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench-json", help="JSON written by `seqscope bench --json`")
    parser.add_argument("--seqscope", help="seqscope binary: run `bench --quick --json` first")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("peer_torch: PyTorch is not installed (Debian: apt-get install python3-torch); no peer comparison, exiting")
        return 0
    torch.set_num_threads(os.cpu_count() or 1)
    torch.set_grad_enabled(False)

    seqscope = {}
    if args.seqscope or args.bench_json:
        path = args.bench_json
        if args.seqscope:
            path = os.path.join(tempfile.mkdtemp(), "bench.json")
            subprocess.run([args.seqscope, "bench", "--quick", "--json", path], check=True, stdout=subprocess.DEVNULL)
        with open(path) as f:
            report = json.load(f)
        for r in report["results"]:
            if r.get("available") and r["backend"] == "eigen":
                seqscope[(r["op"], r["L"], r["D"], r["N"], r["dh"])] = r["ms"]

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"{'op':18} {'L':>6} {'D':>5} {'N':>3} {'dh':>3} {'torch ms':>10} {'seqscope ms':>12} {'speed-up':>9}")
    rows = [("selective_scan", 1024, 1536, 16, 0), ("selective_scan", 4096, 64, 16, 0),
            ("softmax_attention", 1024, 0, 0, 64), ("softmax_attention", 4096, 0, 0, 64)]
    for op, L, D, N, dh in rows:
        if op == "selective_scan":
            u, delta, A, B, C, Dskip = scan_inputs(torch, L, D, N)
            ms = median_ms(lambda: selective_scan_ref(torch, u, delta, A, B, C, Dskip), args.repeats)
        else:
            g = torch.Generator().manual_seed(17)
            q, k, v = (torch.randn(L, dh, generator=g) for _ in range(3))
            mask = torch.ones(L, L, dtype=torch.bool).triu(1)  # built once, like a model's causal buffer
            ms = median_ms(lambda: softmax_attention(torch, q, k, v, mask), args.repeats)
        ours = seqscope.get((op, L, D, N, dh))
        ours_text = f"{ours:12.3f}" if ours else f"{'-':>12}"
        speedup = f"{ms / ours:8.1f}x" if ours else f"{'-':>9}"
        print(f"{op:18} {L:6d} {D:5d} {N:3d} {dh:3d} {ms:10.3f} {ours_text} {speedup}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
