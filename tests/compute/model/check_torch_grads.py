#!/usr/bin/env python3
"""Whole-model gradients of seqscope against PyTorch autograd (issue 17, label `math`).

For each case, model_grads_export (a test-only C++ tool) writes a model folder with init
weights and seqscope's d loss / d parameter as .npy files. This script builds the same model in
PyTorch, written here from the equations of docs/training.md ("The model") and not from
seqscope's code, loads the folder's model.safetensors (parsed by hand), runs the same tokens and
targets, and compares every parameter's gradient, per tensor:

    || g_seqscope - g_torch || / max(|| g_seqscope ||, || g_torch ||)  <=  1e-4

Both sides compute in float32. Exit code 77 (a skip for ctest) when torch cannot be imported.
Usage: check_torch_grads.py --exporter PATH --workdir DIR
"""
import argparse
import ast
import json
import math
import os
import shutil
import struct
import subprocess
import sys

try:
    import torch
    import torch.nn.functional as F
except Exception as e:  # noqa: BLE001 - any import failure means "no torch here"
    print(f"skip: cannot import torch ({e})")
    sys.exit(77)

BOUND = 1e-4

# (name, pattern, extra exporter arguments, tokens, targets)
TINY_TOKENS = [3, 0, 7, 10, 3, 5, 1, 9, 2, 3]
TINY_TARGETS = [0, -1, 4, 9, -1, 2, 6, 6, -1, 1]
CASES = [
    ("M", "M", [], TINY_TOKENS, TINY_TARGETS),
    ("S", "S", [], TINY_TOKENS, TINY_TARGETS),
    ("attention", "*", [], TINY_TOKENS, TINY_TARGETS),
    ("mlp", "-", [], TINY_TOKENS, TINY_TARGETS),
    ("hybrid", "M*-S", [], TINY_TOKENS, TINY_TARGETS),
    # weights moved off init, so attention is far from uniform and B, D from 1
    ("hybrid_noise", "M*-S", ["--noise", "0.2", "--seed", "4"], TINY_TOKENS, TINY_TARGETS),
    # wider (dt_rank 2), no RoPE, and longer than one scan chunk (64 steps)
    ("wide_long", "MS*-M", ["--d-model", "32", "--state", "8", "--vocab", "19", "--heads", "4",
                            "--rope-theta", "0", "--seed", "7"],
     [(7 * t + 3) % 19 for t in range(70)], [(5 * t + 1) % 19 if t % 3 else -1 for t in range(70)]),
]


# ---- files, parsed by hand ---------------------------------------------------------------

def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", (name, info["dtype"])
        begin, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32)
        tensors[name] = t.reshape(info["shape"]).clone()
    return tensors


def read_npy(path):
    with open(path, "rb") as f:
        raw = f.read()
    assert raw[:6] == b"\x93NUMPY", path
    major = raw[6]
    if major == 1:
        (n,) = struct.unpack("<H", raw[8:10])
        start = 10
    else:
        (n,) = struct.unpack("<I", raw[8:12])
        start = 12
    header = ast.literal_eval(raw[start:start + n].decode("latin1"))
    assert header["descr"] == "<f4" and not header["fortran_order"], (path, header)
    t = torch.frombuffer(bytearray(raw[start + n:]), dtype=torch.float32)
    return t.reshape(header["shape"]).clone()


# ---- the model, from the equations ----------------------------------------------------------

def rmsnorm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def causal_conv_silu(x, w, b):
    # x [L, di], w [di, 1, k]: depthwise Conv1d with padding k-1, first L outputs, then SiLU
    L, di = x.shape
    k = w.shape[-1]
    y = F.conv1d(x.t().unsqueeze(0), w, b, padding=k - 1, groups=di)[0, :, :L]
    return F.silu(y.t())


def mamba_mixer(x, p, cfg):
    di = cfg["expand"] * cfg["d_model"]
    N, R = cfg["d_state"], cfg["dt_rank"]
    xz = x @ p["in_proj.weight"].t()
    x_in, z = xz[:, :di], xz[:, di:]
    u = causal_conv_silu(x_in, p["conv1d.weight"], p["conv1d.bias"])
    dbc = u @ p["x_proj.weight"].t()
    dt, B, C = dbc[:, :R], dbc[:, R:R + N], dbc[:, R + N:]
    delta = F.softplus(dt @ p["dt_proj.weight"].t() + p["dt_proj.bias"])  # [L, di]
    A = -torch.exp(p["A_log"])  # [di, N]
    h = torch.zeros(di, N)
    ys = []
    for t in range(x.shape[0]):  # selective_scan_ref's loop
        h = torch.exp(delta[t][:, None] * A) * h + delta[t][:, None] * B[t][None, :] * u[t][:, None]
        ys.append(h @ C[t] + p["D"] * u[t])
    y = torch.stack(ys) * F.silu(z)
    return y @ p["out_proj.weight"].t()


def s4_mixer(x, p, cfg):
    di = cfg["expand"] * cfg["d_model"]
    N = cfg["d_state"]
    xz = x @ p["in_proj.weight"].t()
    x_in, z = xz[:, :di], xz[:, di:]
    u = causal_conv_silu(x_in, p["conv1d.weight"], p["conv1d.bias"])
    delta = torch.exp(p["log_dt"])[:, None]  # [di, 1]
    A = -torch.exp(p["A_log"])
    Abar = torch.exp(delta * A)
    Bbar = torch.expm1(delta * A) / A * p["B"]  # (Abar - 1) / A * B, without the cancellation
    h = torch.zeros(di, N)
    ys = []
    for t in range(x.shape[0]):
        h = Abar * h + Bbar * u[t][:, None]
        ys.append((h * p["C"]).sum(-1) + p["D"] * u[t])
    y = torch.stack(ys) * F.silu(z)
    return y @ p["out_proj.weight"].t()


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


def attention_mixer(x, p, cfg):
    L, d = x.shape
    H = cfg["n_heads"]
    dh = d // H
    q = (x @ p["q_proj.weight"].t()).view(L, H, dh).transpose(0, 1)  # [H, L, dh]
    k = (x @ p["k_proj.weight"].t()).view(L, H, dh).transpose(0, 1)
    v = (x @ p["v_proj.weight"].t()).view(L, H, dh).transpose(0, 1)
    theta = cfg["rope_theta"]
    if theta > 0:  # HF Llama: x cos + rotate_half(x) sin, cos/sin = cat(freqs, freqs)
        inv_freq = theta ** (-torch.arange(0, dh, 2, dtype=torch.float64) / dh)
        freqs = torch.arange(L, dtype=torch.float64)[:, None] * inv_freq[None, :]
        emb = torch.cat([freqs, freqs], dim=-1)
        cos, sin = emb.cos().float(), emb.sin().float()
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
    scores = q @ k.transpose(-1, -2) / math.sqrt(dh)
    mask = torch.triu(torch.ones(L, L, dtype=torch.bool), diagonal=1)
    probs = torch.softmax(scores.masked_fill(mask, float("-inf")), dim=-1)
    out = (probs @ v).transpose(0, 1).reshape(L, d)
    return out @ p["o_proj.weight"].t()


def mlp_mixer(x, p, cfg):
    return F.gelu(x @ p["up_proj.weight"].t(), approximate="tanh") @ p["down_proj.weight"].t()


MIXERS = {"M": mamba_mixer, "S": s4_mixer, "*": attention_mixer, "-": mlp_mixer}


def model_loss(params, cfg, tokens, targets):
    emb = params["backbone.embedding.weight"]
    x = emb[torch.tensor(tokens)]
    for i, kind in enumerate(cfg["pattern"]):
        prefix = f"backbone.layers.{i}."
        mixer = {k[len(prefix + "mixer."):]: v for k, v in params.items() if k.startswith(prefix + "mixer.")}
        x = x + MIXERS[kind](rmsnorm(x, params[prefix + "norm.weight"], cfg["norm_eps"]), mixer, cfg)
    logits = rmsnorm(x, params["backbone.norm_f.weight"], cfg["norm_eps"]) @ emb.t()  # tied head
    loss = F.cross_entropy(logits, torch.tensor(targets), ignore_index=-1)
    return loss, logits


# ---- the comparison -------------------------------------------------------------------------

def check_case(exporter, workdir, name, pattern, extra, tokens, targets):
    out = os.path.join(workdir, name)
    shutil.rmtree(out, ignore_errors=True)
    cmd = [exporter, "--out", out, "--pattern", pattern, "--tokens", ",".join(map(str, tokens)),
           "--targets", ",".join(map(str, targets))] + extra
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "model", "config.json")) as f:
        cfg = json.load(f)
    params = read_safetensors(os.path.join(out, "model", "model.safetensors"))
    for t in params.values():
        t.requires_grad_(True)
    loss, logits = model_loss(params, cfg, tokens, targets)
    loss.backward()

    failures = []
    worst = 0.0
    ours_loss = read_npy(os.path.join(out, "grads", "loss.npy"))[0].item()
    loss_err = abs(ours_loss - loss.item()) / abs(loss.item())
    if loss_err > BOUND:
        failures.append(f"loss {ours_loss} vs torch {loss.item()}")
    ours_logits = read_npy(os.path.join(out, "grads", "logits.npy"))
    logit_err = ((ours_logits - logits.detach()).norm() / logits.detach().norm()).item()
    if logit_err > BOUND:
        failures.append(f"logits differ by {logit_err:.2e}")
    for pname, p in params.items():
        ours = read_npy(os.path.join(out, "grads", pname + ".npy"))
        theirs = p.grad
        if theirs is None or list(ours.shape) != list(theirs.shape):
            failures.append(f"{pname}: no torch gradient or another shape")
            continue
        scale = max(ours.norm().item(), theirs.norm().item())
        if scale == 0.0:
            failures.append(f"{pname}: zero gradient on both sides")
            continue
        err = (ours - theirs).norm().item() / scale
        worst = max(worst, err)
        if err > BOUND:
            failures.append(f"{pname}: relative error {err:.2e} (|ours| {ours.norm().item():.3e}, "
                            f"|torch| {theirs.norm().item():.3e})")
    print(f"{name:13s} pattern {pattern:6s} L {len(tokens):3d}: {len(params)} tensors, loss {loss.item():.6f}, "
          f"worst gradient error {worst:.2e}, logits {logit_err:.2e}")
    for line in failures:
        print(f"  FAIL {line}")
    return not failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exporter", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    os.makedirs(args.workdir, exist_ok=True)
    ok = True
    for case in CASES:
        ok = check_case(args.exporter, args.workdir, *case) and ok
    print(f"bound {BOUND:.0e} relative per tensor: {'pass' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
