#!/usr/bin/python3
"""Tiny real-layout checkpoints with random weights, written by hand as safetensors, and an
independent NumPy forward pass (float64) of Mamba and GPT-2 written from the equations.

Layouts: mamba state-spaces (backbone.embedding, config d_model/n_layer/ssm_cfg), mamba -hf
(backbone.embeddings, config hidden_size/state_size/...), gpt2 with and without the
"transformer." prefix. dtypes: F32, F16, BF16 (stored values are exactly representable, so
the reference reads them back as float64 without rounding differences).
"""
import json
import os
import struct

import numpy as np

DTYPES = {"F32": ("<f4", 4), "F16": ("<f2", 2), "BF16": (None, 2), "I64": ("<i8", 8), "BOOL": ("|u1", 1)}


def quantize(a, dtype):
    """The float64 values that a tensor of this dtype actually holds."""
    a = np.asarray(a, dtype=np.float64)
    if dtype == "F32":
        return a.astype(np.float32).astype(np.float64)
    if dtype == "F16":
        return a.astype(np.float16).astype(np.float64)
    if dtype == "BF16":
        bits = a.astype(np.float32).view(np.uint32) & np.uint32(0xFFFF0000)  # truncate to bf16
        return bits.view(np.float32).astype(np.float64)
    return a


def tensor_bytes(a, dtype):
    if dtype == "BF16":
        bits = (np.asarray(a, dtype=np.float32).view(np.uint32) >> 16).astype("<u2")
        return bits.tobytes()
    return np.ascontiguousarray(np.asarray(a).astype(DTYPES[dtype][0])).tobytes()


def write_safetensors(path, tensors, dtype, extra=None):
    """tensors: {name: float64 array}. Writes them as `dtype` (extra: {name: (dtype, array)})."""
    items = [(name, dtype, a) for name, a in tensors.items()]
    for name, (dt, a) in (extra or {}).items():
        items.append((name, dt, a))
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, dt, a in items:
        blob = tensor_bytes(a, dt)
        header[name] = {"dtype": dt, "shape": list(np.shape(a)), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)  # keeps the buffer 8-byte aligned, as the real writer
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


# ---------------------------------------------------------------- Mamba


def mamba_weights(rng, d_model, n_layer, vocab, d_state, d_conv, expand, dt_rank, hf, dtype):
    e = expand * d_model
    emb_key = "backbone.embeddings.weight" if hf else "backbone.embedding.weight"
    w = {emb_key: rng.normal(0, 0.5, (vocab, d_model))}
    for i in range(n_layer):
        p = f"backbone.layers.{i}."
        w[p + "norm.weight"] = 1 + 0.1 * rng.normal(size=d_model)
        w[p + "mixer.in_proj.weight"] = rng.normal(0, d_model ** -0.5, (2 * e, d_model))
        w[p + "mixer.conv1d.weight"] = rng.normal(0, 0.4, (e, 1, d_conv))
        w[p + "mixer.conv1d.bias"] = rng.normal(0, 0.1, e)
        w[p + "mixer.x_proj.weight"] = rng.normal(0, e ** -0.5, (dt_rank + 2 * d_state, e))
        w[p + "mixer.dt_proj.weight"] = rng.normal(0, dt_rank ** -0.5, (e, dt_rank))
        dt = np.exp(rng.uniform(np.log(1e-3), np.log(1e-1), e))
        w[p + "mixer.dt_proj.bias"] = dt + np.log(-np.expm1(-dt))  # inverse softplus
        w[p + "mixer.A_log"] = np.log(np.tile(np.arange(1, d_state + 1, dtype=np.float64), (e, 1)))
        w[p + "mixer.D"] = np.ones(e) + 0.1 * rng.normal(size=e)
        w[p + "mixer.out_proj.weight"] = rng.normal(0, e ** -0.5, (d_model, e))
    w["backbone.norm_f.weight"] = 1 + 0.1 * rng.normal(size=d_model)
    return {k: quantize(v, dtype) for k, v in w.items()}


def make_mamba(folder, hf=False, dtype="F32", d_model=32, n_layer=2, vocab=300, d_state=8, d_conv=4, expand=2,
               dt_rank=None, seed=0):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    dt_rank = dt_rank or -(-d_model // 16)
    w = mamba_weights(rng, d_model, n_layer, vocab, d_state, d_conv, expand, dt_rank, hf, dtype)
    if hf:
        config = {"model_type": "mamba", "hidden_size": d_model, "num_hidden_layers": n_layer, "vocab_size": vocab,
                  "state_size": d_state, "expand": expand, "conv_kernel": d_conv, "time_step_rank": dt_rank,
                  "layer_norm_epsilon": 1e-5, "use_bias": False, "use_conv_bias": True}
    else:
        config = {"d_model": d_model, "n_layer": n_layer, "vocab_size": vocab,
                  "ssm_cfg": {"d_state": d_state, "d_conv": d_conv, "expand": expand}, "rms_norm": True,
                  "residual_in_fp32": True, "fused_add_norm": True, "pad_vocab_size_multiple": 8}
        if dt_rank != -(-d_model // 16):
            config["ssm_cfg"]["dt_rank"] = dt_rank
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f)
    write_safetensors(os.path.join(folder, "model.safetensors"), w, dtype)
    return w, dict(hf=hf, d_state=d_state, d_conv=d_conv, dt_rank=dt_rank, n_layer=n_layer, eps=1e-5)


def softplus(x):
    return np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20))))


def silu(x):
    return x / (1 + np.exp(-x))


def rms_norm(x, w, eps):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * w


def mamba_forward(w, cfg, tokens, layer):
    """-> logits [L, V], {u, delta, A, B, C, Dskip, Abar, Bbar, h, y_ssm, y_gated} of `layer`."""
    emb = w["backbone.embeddings.weight" if cfg["hf"] else "backbone.embedding.weight"]
    x = emb[tokens]
    L = len(tokens)
    out = {}
    for i in range(cfg["n_layer"]):
        p = f"backbone.layers.{i}.mixer."
        xz = rms_norm(x, w[f"backbone.layers.{i}.norm.weight"], cfg["eps"]) @ w[p + "in_proj.weight"].T
        e = xz.shape[1] // 2
        xin, z = xz[:, :e], xz[:, e:]
        k = w[p + "conv1d.weight"][:, 0, :]  # [E, W]; tap W-1 sees x_t
        W = k.shape[1]
        pad = np.vstack([np.zeros((W - 1, e)), xin])
        conv = np.stack([(pad[t:t + W] * k.T).sum(0) for t in range(L)]) + w[p + "conv1d.bias"]
        u = silu(conv)
        x_dbl = u @ w[p + "x_proj.weight"].T
        r, n = cfg["dt_rank"], cfg["d_state"]
        delta = softplus(x_dbl[:, :r] @ w[p + "dt_proj.weight"].T + w[p + "dt_proj.bias"])
        B, C = x_dbl[:, r:r + n], x_dbl[:, r + n:]
        A = -np.exp(w[p + "A_log"])
        Abar = np.exp(delta[:, :, None] * A[None])  # [L, E, N]
        Bbar = delta[:, :, None] * B[:, None, :]
        h = np.zeros((L, e, n))
        state = np.zeros((e, n))
        for t in range(L):
            state = Abar[t] * state + Bbar[t] * u[t][:, None]
            h[t] = state
        y = np.einsum("len,ln->le", h, C) + w[p + "D"] * u
        y_gated = y * silu(z)
        if i == layer:
            out = dict(u=u, delta=delta, A=A, B=B, C=C, Dskip=w[p + "D"], Abar=Abar, Bbar=Bbar, h=h, y_ssm=y,
                       y_gated=y_gated)
        x = x + y_gated @ w[p + "out_proj.weight"].T
    logits = rms_norm(x, w["backbone.norm_f.weight"], cfg["eps"]) @ emb.T
    return logits, out


# ---------------------------------------------------------------- GPT-2


def make_gpt2(folder, prefix="transformer.", dtype="F32", n_embd=32, n_layer=2, n_head=4, vocab=300, n_positions=64,
              seed=1):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    d = n_embd
    w = {prefix + "wte.weight": rng.normal(0, 0.5, (vocab, d)), prefix + "wpe.weight": rng.normal(0, 0.1, (n_positions, d))}
    for i in range(n_layer):
        p = f"{prefix}h.{i}."
        w[p + "ln_1.weight"] = 1 + 0.1 * rng.normal(size=d)
        w[p + "ln_1.bias"] = 0.1 * rng.normal(size=d)
        w[p + "attn.c_attn.weight"] = rng.normal(0, d ** -0.5, (d, 3 * d))
        w[p + "attn.c_attn.bias"] = 0.1 * rng.normal(size=3 * d)
        w[p + "attn.c_proj.weight"] = rng.normal(0, d ** -0.5, (d, d))
        w[p + "attn.c_proj.bias"] = 0.1 * rng.normal(size=d)
        w[p + "ln_2.weight"] = 1 + 0.1 * rng.normal(size=d)
        w[p + "ln_2.bias"] = 0.1 * rng.normal(size=d)
        w[p + "mlp.c_fc.weight"] = rng.normal(0, d ** -0.5, (d, 4 * d))
        w[p + "mlp.c_fc.bias"] = 0.1 * rng.normal(size=4 * d)
        w[p + "mlp.c_proj.weight"] = rng.normal(0, (4 * d) ** -0.5, (4 * d, d))
        w[p + "mlp.c_proj.bias"] = 0.1 * rng.normal(size=d)
    w[prefix + "ln_f.weight"] = 1 + 0.1 * rng.normal(size=d)
    w[prefix + "ln_f.bias"] = 0.1 * rng.normal(size=d)
    w = {k: quantize(v, dtype) for k, v in w.items()}
    # The causal-mask buffers old exports carry; the reader must ignore them.
    mask = np.tril(np.ones((n_positions, n_positions)))[None, None]
    extra = {f"{prefix}h.{i}.attn.bias": ("F32", mask) for i in range(n_layer)}
    config = {"model_type": "gpt2", "n_embd": d, "n_layer": n_layer, "n_head": n_head, "vocab_size": vocab,
              "n_positions": n_positions, "n_ctx": n_positions, "layer_norm_epsilon": 1e-5,
              "activation_function": "gelu_new"}
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f)
    write_safetensors(os.path.join(folder, "model.safetensors"), w, dtype, extra)
    return w, dict(prefix=prefix, n_layer=n_layer, n_head=n_head, eps=1e-5)


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def gelu_new(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def gpt2_forward(w, cfg, tokens, layer):
    """-> logits [L, V], {q, k, v, probs, attn_out} ([H, L, dh] / [H, L, L]) of `layer`."""
    P = cfg["prefix"]
    L = len(tokens)
    x = w[P + "wte.weight"][tokens] + w[P + "wpe.weight"][:L]
    H = cfg["n_head"]
    out = {}
    for i in range(cfg["n_layer"]):
        p = f"{P}h.{i}."
        a = layer_norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"], cfg["eps"])
        qkv = a @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        d = x.shape[1]
        dh = d // H
        heads = lambda m: m.reshape(L, H, dh).transpose(1, 0, 2)
        q, k, v = heads(qkv[:, :d]), heads(qkv[:, d:2 * d]), heads(qkv[:, 2 * d:])
        s = q @ k.transpose(0, 2, 1) / np.sqrt(dh)
        s = np.where(np.tril(np.ones((L, L)))[None] > 0, s, -np.inf)
        probs = np.exp(s - s.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        o = probs @ v  # [H, L, dh]
        if i == layer:
            out = dict(q=q, k=k, v=v, probs=probs, attn_out=o)
        x = x + o.transpose(1, 0, 2).reshape(L, d) @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        m = layer_norm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"], cfg["eps"])
        x = x + gelu_new(m @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"]) @ w[p + "mlp.c_proj.weight"] + \
            w[p + "mlp.c_proj.bias"]
    logits = layer_norm(x, w[P + "ln_f.weight"], w[P + "ln_f.bias"], cfg["eps"]) @ w[P + "wte.weight"].T
    return logits, out


# ---------------------------------------------------------------- entry points for tests


def make_mamba_at(folder):
    return make_mamba(folder, hf=True, dtype="F32")


def make_gpt2_at(folder):
    return make_gpt2(folder, prefix="", dtype="F32")


# ---------------------------------------------------------------- tokenizers and model pairs


def bytes_to_unicode():
    """GPT-2's map from bytes to the printable characters that byte-level BPE vocabularies use."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


# Merges of a tiny byte-level BPE (ids 256 and up, in merge order): enough to make whole words of
# "The cat sat on the mat." ("Ġ" is the space).
TINY_MERGES = ["a t", "Ġ c", "Ġ s", "Ġ m", "Ġc at", "Ġs at", "Ġm at", "T h", "Th e", "Ġ t", "Ġt h", "Ġth e",
               "o n", "Ġ on"]


def write_tiny_tokenizer(folder, merges=TINY_MERGES):
    """A tokenizer.json with the 256 byte symbols (ids = byte values) and `merges` (ids 256...)."""
    b2u = bytes_to_unicode()
    vocab = {b2u[b]: b for b in range(256)}
    for m in merges:
        vocab["".join(m.split(" "))] = len(vocab)
    tokenizer = {"version": "1.0", "added_tokens": [], "model": {"type": "BPE", "vocab": vocab, "merges": merges}}
    with open(os.path.join(folder, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False)


def make_two_models_at(folder):
    """folder/mamba (-hf layout, no tokenizer.json: UTF-8 bytes) and folder/gpt2 (tiny BPE
    tokenizer.json): the two tokenize the same text into different numbers of tokens."""
    make_mamba(os.path.join(folder, "mamba"), hf=True, dtype="F32")
    make_gpt2(os.path.join(folder, "gpt2"), prefix="", dtype="F32")
    write_tiny_tokenizer(os.path.join(folder, "gpt2"))
