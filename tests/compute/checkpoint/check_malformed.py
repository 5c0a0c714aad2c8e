#!/usr/bin/python3
"""Malformed model folders: each must make `seqscope export --model` print exactly one line
on stderr and exit with code 2 (never a crash, never output).
Usage: check_malformed.py SEQSCOPE WORKDIR. Prints 'N passed, M failed'."""
import json
import os
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkpoints as ck  # noqa: E402

seqscope, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
base = os.path.join(work, "base")
ck.make_mamba(base, hf=True, dtype="F32", d_model=16, n_layer=1, vocab=260, d_state=4)
good = open(os.path.join(base, "model.safetensors"), "rb").read()
header_len = struct.unpack("<Q", good[:8])[0]
header = json.loads(good[8:8 + header_len])
body = good[8 + header_len:]


def with_header(h, data=body, pad=True):
    text = json.dumps(h).encode()
    if pad:
        text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


def edit(fn):
    h = json.loads(json.dumps(header))
    fn(h)
    return with_header(h)


def first(h):
    return sorted((k for k in h if k != "__metadata__"), key=lambda k: h[k]["data_offsets"][0])


def set_(path, value):
    def fn(h):
        obj = h
        for key in path[:-1]:
            obj = obj[key]
        obj[path[-1]] = value
    return fn


def overlap(h):
    a, b = first(h)[:2]
    h[b]["data_offsets"] = [h[a]["data_offsets"][0], h[a]["data_offsets"][0] + (h[b]["data_offsets"][1] - h[b]["data_offsets"][0])]


def without(name):
    """The file rewritten without one tensor (a consistent file that lacks a key)."""
    h = json.loads(json.dumps(header))
    begin, end = h[name]["data_offsets"]
    del h[name]
    for entry in h.values():
        if "data_offsets" in entry and entry["data_offsets"][0] >= end:
            entry["data_offsets"] = [o - (end - begin) for o in entry["data_offsets"]]
    return with_header(h, body[:begin] + body[end:])


def shift(h):
    last = h[first(h)[-1]]
    last["data_offsets"] = [o + 64 for o in last["data_offsets"]]


A = "backbone.layers.0.mixer.A_log"
W = "backbone.layers.0.mixer.in_proj.weight"
config = json.load(open(os.path.join(base, "config.json")))
SAFETENSORS = {
    "empty_file": b"",
    "truncated_length": good[:5],
    "truncated_header": good[:8 + header_len // 2],
    "truncated_body": good[:-7],
    "huge_header_length": struct.pack("<Q", 2 ** 40) + good[8:],
    "header_length_past_end": struct.pack("<Q", len(good)) + good[8:],
    "header_not_json": struct.pack("<Q", 8) + b"{not js}" + body,
    "header_not_object": with_header([1, 2, 3]),
    "offsets_past_end": edit(shift),
    "offsets_reversed": edit(lambda h: h[W].__setitem__("data_offsets", h[W]["data_offsets"][::-1])),
    "overlapping": edit(overlap),
    "wrong_dtype_size": edit(set_([A, "dtype"], "F16")),
    "unknown_dtype": edit(set_([A, "dtype"], "Q4_K")),
    "integer_weights": edit(lambda h: (h[A].__setitem__("dtype", "I32"))),
    "shape_mismatch": edit(set_([A, "shape"], [4, 32])),
    "shape_not_list": edit(set_([A, "shape"], "32x4")),
    "negative_offset": edit(lambda h: h[A]["data_offsets"].__setitem__(0, -8)),
    "missing_key": without("backbone.layers.0.mixer.A_log"),
    "extra_trailing_bytes": with_header(header, body + b"\0" * 16),
    "shape_overflow": edit(set_([A, "shape"], [2 ** 62, 2 ** 62])),
}
CONFIGS = {
    "config_bad_json": "{\"hidden_size\": 16,",
    "config_not_object": "[16]",
    "config_unknown_arch": json.dumps({"model_type": "llama", "hidden_size": 16}),
    "config_missing_field": json.dumps({k: v for k, v in config.items() if k != "num_hidden_layers"}),
    "config_negative": json.dumps(dict(config, state_size=-4)),
    "config_string_size": json.dumps(dict(config, hidden_size="16")),
    "config_layers_mismatch": json.dumps(dict(config, num_hidden_layers=3)),
    "config_gpt2_bad_heads": json.dumps({"model_type": "gpt2", "n_embd": 16, "n_layer": 1, "n_head": 5,
                                         "vocab_size": 260}),
}

passed = failed = 0


def run_case(name, folder, extra=()):
    global passed, failed
    out = os.path.join(work, name + "_out")
    tokens = [] if "--tokens" in extra else ["--tokens", "1,2,3"]
    proc = subprocess.run([seqscope, "export", "--model", folder, *tokens, "--tensors", out, *extra],
                          capture_output=True, text=True)
    lines = proc.stderr.strip().splitlines()
    if proc.returncode == 2 and len(lines) == 1 and not os.path.exists(out):
        passed += 1
        print(f"ok   {name}: {lines[0]}")
    else:
        failed += 1
        print(f"FAIL {name}: rc {proc.returncode}, stderr {proc.stderr!r}")


for name, data in SAFETENSORS.items():
    folder = os.path.join(work, name)
    os.makedirs(folder)
    shutil.copy(os.path.join(base, "config.json"), folder)
    open(os.path.join(folder, "model.safetensors"), "wb").write(data)
    run_case(name, folder)
for name, text in CONFIGS.items():
    folder = os.path.join(work, name)
    os.makedirs(folder)
    shutil.copy(os.path.join(base, "model.safetensors"), folder)
    open(os.path.join(folder, "config.json"), "w").write(text)
    run_case(name, folder)
run_case("not_a_folder", os.path.join(work, "nowhere"))
folder = os.path.join(work, "no_weights")
os.makedirs(folder)
shutil.copy(os.path.join(base, "config.json"), folder)
run_case("no_weights", folder)
run_case("token_out_of_range", base, ["--tokens", "1,999"])
run_case("layer_out_of_range", base, ["--layer", "1"])
run_case("bad_token_list", base, ["--tokens", "1,x"])
bad_tok = os.path.join(work, "bad_tokenizer")
shutil.copytree(base, bad_tok)
open(os.path.join(bad_tok, "tokenizer.json"), "w").write("{\"model\": {\"vocab\": []}}")
out = os.path.join(work, "bad_tokenizer_out")
p = subprocess.run([seqscope, "export", "--model", bad_tok, "--text", "hi", "--tensors", out], capture_output=True,
                   text=True)
if p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1:
    passed += 1
    print(f"ok   bad_tokenizer: {p.stderr.strip()}")
else:
    failed += 1
    print(f"FAIL bad_tokenizer: rc {p.returncode}, stderr {p.stderr!r}")
# The window's --model / --model2 check their folders and the text before any window opens (no
# display needed): a bad second folder, an empty text, a text longer than GPT-2's positions.
gpt2 = os.path.join(work, "gpt2")
ck.make_gpt2(gpt2, prefix="", n_embd=16, n_layer=1, n_head=2, vocab=260, n_positions=16)
for name, args in {"empty_text": ["--model", base, "--model2", gpt2, "--text", ""],
                   "text_past_gpt2_positions": ["--model", base, "--model2", gpt2, "--text", "x" * 17],
                   "bad_model2": ["--model", base, "--model2", os.path.join(work, "nowhere"), "--text", "hi"],
                   "bad_model2_weights": ["--model", base, "--model2", os.path.join(work, "offsets_past_end"),
                                          "--text", "hi"],
                   "bad_model2_tokenizer": ["--model", base, "--model2", bad_tok, "--text", "hi"]}.items():
    p = subprocess.run([seqscope] + args, capture_output=True, text=True, env=dict(os.environ, DISPLAY=""))
    if p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1:
        passed += 1
        print(f"ok   {name}: {p.stderr.strip()}")
    else:
        failed += 1
        print(f"FAIL {name}: rc {p.returncode}, stderr {p.stderr!r}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
