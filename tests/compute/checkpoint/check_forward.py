#!/usr/bin/python3
"""Generates tiny checkpoints of every layout and dtype, runs `seqscope export --model`, and
compares the logits and one layer's tensors with the NumPy forward in checkpoints.py.
Usage: check_forward.py SEQSCOPE WORKDIR. Prints 'N passed, M failed'; exit 1 on a failure."""
import json
import os
import shutil
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkpoints as ck  # noqa: E402

seqscope, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
TOKENS = [5, 17, 200, 3, 3, 42, 99, 0, 255, 17, 17, 5, 7]  # odd L: the kernel's last-row path
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def export(folder, layer, tokens=None, text=None, env=None):
    out = folder + f"_out{layer}"
    cmd = [seqscope, "export", "--model", folder, "--layer", str(layer), "--tensors", out]
    cmd += ["--tokens", ",".join(map(str, tokens))] if tokens is not None else ["--text", text]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"FAIL {' '.join(cmd)}: {proc.stderr.strip()}")
    return out, proc


def compare(name, got, want, tol):
    got = np.asarray(got, dtype=np.float64)
    if got.shape != want.shape:
        check(name, False, f"shape {got.shape} != {want.shape}")
        return
    err = np.max(np.abs(got - want) / (np.abs(want) + 1.0)) if want.size else 0.0
    check(name, err < tol, f"max rel err {err:.3g} >= {tol}")


MAMBA_NAMES = {"u", "delta", "A", "B", "C", "Dskip", "Abar", "Bbar", "h", "y_ssm", "y_gated"}
GPT2_NAMES = {"q", "k", "v", "probs", "attn_out"}


def check_export_names(name, out):
    """The export goes through the synthetic export's writer: manifest.json lists every file with
    the issue's names, tokens is int32 [L], logits float32 [L, V], only the model's own tensors."""
    with open(os.path.join(out, "manifest.json")) as f:
        manifest = {e["name"]: e for e in json.load(f)}
    own, other = (GPT2_NAMES, MAMBA_NAMES) if name.startswith("gpt2") else (MAMBA_NAMES, GPT2_NAMES)
    check(f"{name} manifest has the issue's names", own | {"tokens", "logits"} <= set(manifest), sorted(manifest))
    check(f"{name} manifest has no tensors of the other model", not (other & set(manifest)), sorted(manifest))
    check(f"{name} tokens int32", manifest.get("tokens", {}).get("dtype") == "int32"
          and np.load(os.path.join(out, "tokens.npy")).dtype == np.int32)
    check(f"{name} logits [L, V] float32", manifest.get("logits", {}).get("shape") == [len(TOKENS), 300]
          and manifest["logits"]["dtype"] == "float32")
    for entry in manifest.values():
        check(f"{name} {entry['name']} file matches manifest",
              list(np.load(os.path.join(out, entry["name"] + ".npy")).shape) == entry["shape"])
    with open(os.path.join(out, "model.json")) as f:
        described = json.load(f)
    check(f"{name} model.json", described["tokens"] == TOKENS and len(described["top5_next"]) == 5, described)


CASES = [
    ("mamba_state_spaces_f32", lambda d: ck.make_mamba(d, hf=False, dtype="F32"), ck.mamba_forward,
     ["u", "delta", "A", "B", "C", "Dskip", "Abar", "Bbar", "h", "y_ssm", "y_gated"]),
    ("mamba_hf_f16", lambda d: ck.make_mamba(d, hf=True, dtype="F16", seed=3), ck.mamba_forward,
     ["u", "delta", "A", "B", "C", "Dskip", "Abar", "Bbar", "h", "y_ssm", "y_gated"]),
    ("mamba_hf_bf16_rank5", lambda d: ck.make_mamba(d, hf=True, dtype="BF16", dt_rank=5, seed=4), ck.mamba_forward,
     ["u", "delta", "h", "y_gated"]),
    ("gpt2_prefixed_f32", lambda d: ck.make_gpt2(d, prefix="transformer.", dtype="F32"), ck.gpt2_forward,
     ["q", "k", "v", "probs", "attn_out"]),
    ("gpt2_plain_bf16", lambda d: ck.make_gpt2(d, prefix="", dtype="BF16", seed=5), ck.gpt2_forward,
     ["q", "k", "v", "probs", "attn_out"]),
    ("gpt2_plain_f16", lambda d: ck.make_gpt2(d, prefix="", dtype="F16", seed=6), ck.gpt2_forward,
     ["probs", "attn_out"]),
]

ck_cache = {}
for name, make, forward, tensors in CASES:
    folder = os.path.join(work, name)
    weights, cfg = make(folder)
    ck_cache[name] = (weights, cfg)
    for layer in (0, 1):
        out, _ = export(folder, layer, tokens=TOKENS)
        logits, want = forward(weights, cfg, np.array(TOKENS), layer)
        compare(f"{name} logits", np.load(os.path.join(out, "logits.npy")), logits, 2e-4)
        check(f"{name} tokens", list(np.load(os.path.join(out, "tokens.npy"))) == TOKENS)
        check_export_names(name, out)
        for t in tensors:
            compare(f"{name} layer {layer} {t}", np.load(os.path.join(out, t + ".npy")), want[t], 2e-4)

# The portable product path (no AVX2) gives the same numbers.
for name, make, forward, tensors in CASES[:1] + CASES[3:4]:
    folder = os.path.join(work, name)
    out, _ = export(folder, 1, tokens=TOKENS, env=dict(os.environ, SEQSCOPE_NO_AVX2="1"))
    logits, want = forward(*ck_cache[name], np.array(TOKENS), 1)
    compare(f"{name} logits without AVX2", np.load(os.path.join(out, "logits.npy")), logits, 2e-4)
    compare(f"{name} {tensors[-1]} without AVX2", np.load(os.path.join(out, tensors[-1] + ".npy")), want[tensors[-1]], 2e-4)

# --text without tokenizer.json: UTF-8 bytes as ids, with a notice on stderr.
folder = os.path.join(work, "mamba_state_spaces_f32")
out, proc = export(folder, 0, text="hé")
check("byte tokens", list(np.load(os.path.join(out, "tokens.npy"))) == [104, 0xC3, 0xA9])
check("byte notice", "no tokenizer.json" in proc.stderr, proc.stderr)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
