#!/usr/bin/env python3
"""Peer comparison: the same shapes as `seqscope bench`, through PyTorch implementations
written from the reference equations (mamba's selective_scan_ref loop; softmax attention as
matmul + mask + softmax + matmul), on the CPU with every core. Prints seqscope's speed-up per op.

  tests/bench/peer_torch.py --bench-json bench.json       # numbers from `seqscope bench --json`
  tests/bench/peer_torch.py --seqscope build/app/seqscope  # runs `seqscope bench --quick` itself
  tests/bench/peer_torch.py --train --seqscope build/app/seqscope
      # a training step of MM and *-*- (d_model 64, L 256, batch 32): forward, backward and
      # AdamW in PyTorch (batched, float32, 2 threads, the scan as selective_scan_ref's loop)
      # against `seqscope bench --train`

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


# ---- --train: a training step, the models written from docs/training.md's equations ----------

def rmsnorm(x, w, eps=1e-5):
    return x * x.pow(2).mean(-1, keepdim=True).add(eps).rsqrt() * w


def make_params(torch, pattern, d, vocab, N, heads):
    """Parameters with the shapes of docs/training.md (init values do not matter for timing)."""
    g = torch.Generator().manual_seed(0)
    di, R, k, ff = 2 * d, -(-d // 16), 4, 4 * d
    rand = lambda *shape: (torch.randn(*shape, generator=g) * 0.02).requires_grad_(True)
    p = {"embedding": rand(vocab, d), "norm_f": torch.ones(d, requires_grad=True), "layers": []}
    for kind in pattern:
        layer = {"norm": torch.ones(d, requires_grad=True)}
        if kind == "M":
            layer.update(in_proj=rand(2 * di, d), conv_w=rand(di, 1, k), conv_b=rand(di), x_proj=rand(R + 2 * N, di),
                         dt_w=rand(di, R), dt_b=torch.full((di,), -4.0, requires_grad=True),
                         A_log=torch.log(torch.arange(1, N + 1, dtype=torch.float32)).repeat(di, 1).requires_grad_(True),
                         D=torch.ones(di, requires_grad=True), out_proj=rand(d, di))
        elif kind == "*":
            layer.update(q=rand(d, d), k=rand(d, d), v=rand(d, d), o=rand(d, d))
        elif kind == "-":
            layer.update(up=rand(ff, d), down=rand(d, ff))
        p["layers"].append((kind, layer))
    return p


def mamba_block(torch, F, x, p, N):
    """mamba_simple.Mamba on x [B, L, d]; the scan is selective_scan_ref's loop over L."""
    Bsz, L, d = x.shape
    di = p["D"].shape[0]
    R = p["dt_w"].shape[1]
    xz = x @ p["in_proj"].t()
    x_in, z = xz[..., :di], xz[..., di:]
    u = F.conv1d(x_in.transpose(1, 2), p["conv_w"], p["conv_b"], padding=3, groups=di)[..., :L]
    u = F.silu(u)  # [B, di, L]
    dbc = u.transpose(1, 2) @ p["x_proj"].t()  # [B, L, R + 2N]
    dt, Bm, Cm = dbc[..., :R], dbc[..., R:R + N], dbc[..., R + N:]
    delta = F.softplus(dt @ p["dt_w"].t() + p["dt_b"]).transpose(1, 2)  # [B, di, L]
    A = -torch.exp(p["A_log"])
    deltaA = torch.exp(torch.einsum("bdl,dn->bdln", delta, A))
    deltaB_u = torch.einsum("bdl,bln,bdl->bdln", delta, Bm, u)
    h = x.new_zeros(Bsz, di, N)
    ys = []
    # The per-step slices come from unbind: indexing deltaA[:, :, i] inside the loop makes
    # autograd's backward O(L^2) (each slice's gradient is a zero tensor of the full size),
    # 100 s for one step at L 256 here, which would measure that and not the scan.
    for dA_i, dBu_i, C_i in zip(deltaA.unbind(2), deltaB_u.unbind(2), Cm.unbind(1)):
        h = dA_i * h + dBu_i
        ys.append(torch.einsum("bdn,bn->bd", h, C_i))
    y = torch.stack(ys, dim=2) + u * p["D"].view(-1, 1)  # [B, di, L]
    y = y.transpose(1, 2) * F.silu(z)
    return y @ p["out_proj"].t()


def rotate_half(torch, x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


def attention_block(torch, F, x, p, heads):
    Bsz, L, d = x.shape
    dh = d // heads
    q, k, v = ((x @ p[n].t()).view(Bsz, L, heads, dh).transpose(1, 2) for n in ("q", "k", "v"))
    inv_freq = 10000.0 ** (-torch.arange(0, dh, 2, dtype=torch.float32) / dh)
    freqs = torch.arange(L, dtype=torch.float32)[:, None] * inv_freq[None, :]
    emb = torch.cat([freqs, freqs], dim=-1)
    cos, sin = emb.cos(), emb.sin()
    q = q * cos + rotate_half(torch, q) * sin
    k = k * cos + rotate_half(torch, k) * sin
    mask = torch.ones(L, L, dtype=torch.bool).triu(1)
    scores = (q @ k.transpose(-1, -2)) / dh ** 0.5
    probs = torch.softmax(scores.masked_fill(mask, float("-inf")), dim=-1)
    out = (probs @ v).transpose(1, 2).reshape(Bsz, L, d)
    return out @ p["o"].t()


def model_loss(torch, F, p, tokens, targets, N, heads):
    x = p["embedding"][tokens]
    for kind, layer in p["layers"]:
        h = rmsnorm(x, layer["norm"])
        if kind == "M":
            x = x + mamba_block(torch, F, h, layer, N)
        elif kind == "*":
            x = x + attention_block(torch, F, h, layer, heads)
        else:
            x = x + F.gelu(h @ layer["up"].t(), approximate="tanh") @ layer["down"].t()
    logits = rmsnorm(x, p["norm_f"]) @ p["embedding"].t()
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-1)


def leaves(p):
    out = [p["embedding"], p["norm_f"]]
    for _, layer in p["layers"]:
        out.extend(layer.values())
    return out


def train_step_ms(torch, pattern, repeats, d=64, L=256, batch=32, vocab=16, N=16, heads=4):
    import torch.nn.functional as F
    p = make_params(torch, pattern, d, vocab, N, heads)
    opt = torch.optim.AdamW(leaves(p), lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1)
    g = torch.Generator().manual_seed(1)
    tokens = torch.randint(0, vocab, (batch, L), generator=g)
    targets = torch.randint(0, vocab, (batch, L), generator=g)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = model_loss(torch, F, p, tokens, targets, N, heads)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(leaves(p), 1.0)
        opt.step()

    with torch.enable_grad():
        return median_ms(step, repeats)


def main_train(torch, args):
    torch.set_num_threads(args.threads)
    seqscope = {}
    if args.seqscope or args.bench_json:
        path = args.bench_json
        if args.seqscope:
            path = os.path.join(tempfile.mkdtemp(), "bench.json")
            subprocess.run([args.seqscope, "bench", "--train", "--quick", "--json", path], check=True,
                           stdout=subprocess.DEVNULL)
        with open(path) as f:
            for r in json.load(f)["results"]:
                if r.get("op") == "train_step" and r.get("available"):
                    seqscope[r["pattern"]] = r["ms"]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; a training step at d_model 64, "
          f"L 256, batch 32")
    print(f"{'pattern':8} {'torch ms':>10} {'seqscope ms':>12} {'speed-up':>9}")
    for pattern in ("MM", "*-*-"):
        ms = train_step_ms(torch, pattern, args.repeats)
        ours = seqscope.get(pattern)
        ours_text = f"{ours:12.1f}" if ours else f"{'-':>12}"
        speedup = f"{ms / ours:8.1f}x" if ours else f"{'-':>9}"
        print(f"{pattern:8} {ms:10.1f} {ours_text} {speedup}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench-json", help="JSON written by `seqscope bench --json`")
    parser.add_argument("--seqscope", help="seqscope binary: run `bench --quick --json` first")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--train", action="store_true", help="time a training step instead of the ops")
    parser.add_argument("--threads", type=int, default=2, help="--train: PyTorch's threads (the issue's 2)")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("peer_torch: PyTorch is not installed (Debian: apt-get install python3-torch); no peer comparison, exiting")
        return 0
    if args.train:
        return main_train(torch, args)
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
