#!/usr/bin/python3
"""Recompute seqscope's exported tensors with an independent NumPy implementation.

Usage: check_export.py --seqscope PATH --workdir DIR

For a few sessions (S6 with Mamba discretization, S4D with complex S4D-Lin init and ZOH, a dense
HiPPO-LegS SSM with the bilinear transform, softmax attention with RoPE and a causal mask, linear
attention), this writes the session JSON, runs
    PATH export --session S --backend eigen --tensors OUT
loads OUT/manifest.json and the .npy files, and recomputes from the exported inputs (u, delta, A,
B, C, Dskip, q, k, v) with the equations of DESIGN.md:
    Abar, Bbar per discretization; the scan h and y_ssm; the LTI kernel K and y = K * u; the hidden
    attention alpha and y = alpha u; probs = softmax(q k^T / sqrt(dh) / temperature + mask) and
    attn_out = probs v (linear attention: row-normalized phi(q) phi(k)^T on the causal triangle).
Every check must agree to a relative error below 1e-4 (max |a - b| / max |b|). One line per check;
exit status 1 if any check fails.

Tensor names and shapes: u [L,D], delta [L,D] (after softplus), A [D,N] ([N,N] dense; complex64 when
complex), B and C ([L,N] for s6, [D,N] for LTI), Dskip [D], Abar and Bbar ([L,D,N] diagonal, LTI
repeated along L; dense Abar [D,N,N], Bbar [D,N]), h [L,D,N], y_ssm [L,D], kernel [D,L] (LTI),
hidden_attn [C,L,L] with hidden_attn_channels [C] int32, q k v [H,L,dh] (after RoPE), probs [H,L,L],
attn_out [H,L,dh], tokens [L] int32 for token inputs.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

TOLERANCE = 1e-4

SESSIONS = {
    "s6_mamba": {
        "seed": 3,
        "input": {"kind": "task", "task": "selective_copy", "length": 40, "num_tokens": 4, "vocab": 8,
                  "embedding": "onehot"},
        "d_model": 8,
        "ssm": {"variant": "s6", "state_size": 8, "init": "s4d_real", "discretization": "mamba",
                "hidden_attention_channels": [0, 5]},
    },
    "s4d_lin_zoh": {
        "seed": 5,
        "input": {"kind": "signal", "signal": "sines", "length": 48},
        "d_model": 6,
        "ssm": {"variant": "s4d", "state_size": 8, "init": "s4d_lin", "discretization": "zoh",
                "hidden_attention_channels": [1, 4]},
    },
    "dense_hippo_bilinear": {
        "seed": 9,
        "input": {"kind": "text", "text": "a state, h\u00e9, is kept"},
        "d_model": 4,
        "ssm": {"variant": "dense", "state_size": 6, "init": "hippo_legs", "discretization": "bilinear",
                "dt_min": 0.01, "dt_max": 0.1, "hidden_attention_channels": [2]},
    },
    "softmax_rope_causal": {
        "seed": 11,
        "input": {"kind": "signal", "signal": "chirp", "length": 32},
        "d_model": 16,
        "attention": {"kind": "softmax", "heads": 2, "head_dim": 8, "mask": "causal", "positional": "rope",
                      "temperature": 0.8},
    },
    "linear_attention": {
        "seed": 13,
        "input": {"kind": "task", "task": "induction", "length": 24, "num_tokens": 3},
        "d_model": 16,
        "attention": {"kind": "linear", "heads": 2, "head_dim": 8, "mask": "causal", "feature_map": "elu1"},
    },
}


class Report:
    """Collects one line per check and remembers whether any failed."""

    def __init__(self):
        self.failed = 0
        self.passed = 0

    def ok(self, name, detail=""):
        self.passed += 1
        print(f"PASS {name}{': ' + detail if detail else ''}")

    def fail(self, name, detail):
        self.failed += 1
        print(f"FAIL {name}: {detail}")

    def close(self, name, actual, expected):
        actual = np.asarray(actual)
        expected = np.asarray(expected)
        if actual.shape != expected.shape:
            self.fail(name, f"shape {actual.shape}, expected {expected.shape}")
            return
        if actual.size == 0:
            self.ok(name, "empty")
            return
        scale = float(np.max(np.abs(expected)))
        error = float(np.max(np.abs(actual.astype(np.complex128) - expected.astype(np.complex128))))
        relative = error / scale if scale > 0 else error
        if np.isfinite(relative) and relative < TOLERANCE:
            self.ok(name, f"relative error {relative:.2e}")
        else:
            self.fail(name, f"relative error {relative:.2e} >= {TOLERANCE:g} (max |diff| {error:.3e}, scale {scale:.3e})")


# ------------------------------------------------------------------------------------------------
# Loading an export


def manifest_files(manifest):
    """name -> (file, shape or None) from the manifest, accepting a dict or a list of entries."""
    entries = manifest.get("tensors", manifest) if isinstance(manifest, dict) else manifest
    files = {}
    if isinstance(entries, dict):
        for name, entry in entries.items():
            if isinstance(entry, str):
                files[name] = (entry, None)
            elif isinstance(entry, dict) and ("file" in entry or "path" in entry):
                files[name] = (entry.get("file", entry.get("path")), entry.get("shape"))
    elif isinstance(entries, list):
        for entry in entries:
            if isinstance(entry, dict) and "name" in entry:
                files[entry["name"]] = (entry.get("file", entry.get("path", entry["name"] + ".npy")), entry.get("shape"))
    return files


class Export:
    def __init__(self, directory, report, label):
        self.directory = directory
        self.report = report
        self.label = label
        with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as f:
            self.manifest = json.load(f)
        self.files = manifest_files(self.manifest)

    def has(self, name):
        return name in self.files or os.path.exists(os.path.join(self.directory, name + ".npy"))

    def get(self, name):
        """The tensor, or None after reporting a failure (missing file or shape not as listed)."""
        file, shape = self.files.get(name, (name + ".npy", None))
        path = os.path.join(self.directory, file)
        if not os.path.exists(path):
            self.report.fail(f"{self.label}.{name}", f"missing ({path})")
            return None
        array = np.load(path)
        if shape is not None and list(array.shape) != list(shape):
            self.report.fail(f"{self.label}.{name}", f"manifest says shape {shape}, file has {list(array.shape)}")
            return None
        return array


def run_export(seqscope, session_path, out_dir, report, label):
    command = [seqscope, "export", "--session", session_path, "--backend", "eigen", "--tensors", out_dir]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        report.fail(f"{label}.export", f"{' '.join(command)}: {error}")
        return False
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["(no output)"]
        report.fail(f"{label}.export", f"exit status {done.returncode}: {tail[0]}")
        return False
    report.ok(f"{label}.export")
    return True


# ------------------------------------------------------------------------------------------------
# SSM reference (complex128 throughout; real models have zero imaginary parts)


def expm(M):
    """Matrix exponential by scaling and squaring with a Taylor series (small matrices only)."""
    norm = np.linalg.norm(M, 1)
    squarings = max(0, int(np.ceil(np.log2(norm))) + 1) if norm > 0 else 0
    X = M / (2.0 ** squarings)
    result = np.eye(M.shape[0], dtype=np.complex128)
    term = np.eye(M.shape[0], dtype=np.complex128)
    for k in range(1, 30):
        term = term @ X / k
        result = result + term
    for _ in range(squarings):
        result = result @ result
    return result


def discretize_diagonal(dA, dB, method):
    """dA = delta*A, dB = delta*B (broadcast to [L, D, N]) -> Abar, Bbar."""
    if method == "zoh":
        # (exp(dA) - 1) / A * B; the limit dA -> 0 is delta*B.
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(np.abs(dA) > 0, (np.exp(dA) - 1) / dA, 1.0)
        return np.exp(dA), factor * dB
    if method == "mamba":
        return np.exp(dA), dB
    if method == "bilinear":
        return (1 + dA / 2) / (1 - dA / 2), dB / (1 - dA / 2)
    if method == "euler":
        return 1 + dA, dB
    if method == "backward_euler":
        return 1 / (1 - dA), dB / (1 - dA)
    raise ValueError(method)


def discretize_dense(A, B, delta, method):
    """A: [N, N], B: [N], delta scalar -> Abar [N, N], Bbar [N]."""
    N = A.shape[0]
    I = np.eye(N)
    dA, dB = delta * A, delta * B
    if method == "zoh":
        # expm([[dA, dB], [0, 0]]) holds (dA)^-1 (exp(dA) - I) dB in its last column.
        block = np.zeros((N + 1, N + 1), dtype=np.complex128)
        block[:N, :N] = dA
        block[:N, N] = dB
        E = expm(block)
        return E[:N, :N], E[:N, N]
    if method == "mamba":
        return expm(dA), dB
    if method == "bilinear":
        inverse = np.linalg.inv(I - dA / 2)
        return inverse @ (I + dA / 2), inverse @ dB
    if method == "euler":
        return I + dA, dB
    if method == "backward_euler":
        inverse = np.linalg.inv(I - dA)
        return inverse, inverse @ dB
    raise ValueError(method)


# Session defaults that the checks need when a session leaves them out (docs/session.md).
DEFAULT_SSM = {"variant": "s6", "discretization": "mamba"}


def check_ssm(ex, session, report, label):
    ssm = {**DEFAULT_SSM, **session.get("ssm", {})}
    variant, method = ssm["variant"], ssm["discretization"]
    selective = variant in ("s6", "mamba2")
    dense = variant in ("dense", "shift")
    names = ["u", "delta", "A", "B", "C", "Dskip", "Abar", "Bbar", "h", "y_ssm"]
    t = {name: ex.get(name) for name in names}
    if any(value is None for value in t.values()):
        return
    u = t["u"].astype(np.float64)
    delta = t["delta"].astype(np.float64)
    A, B, C = (t[name].astype(np.complex128) for name in ("A", "B", "C"))
    Dskip = t["Dskip"].astype(np.float64)
    L, D = u.shape
    is_complex = bool(np.any(A.imag != 0))
    N = A.shape[1]

    # Discretization, recomputed from delta, A, B.
    if dense:
        if variant == "shift":
            Abar_ref = np.broadcast_to(A, (D, N, N))  # the shift register is already discrete
            Bbar_ref = B
        else:
            pairs = [discretize_dense(A, B[d], delta[0, d], method) for d in range(D)]
            Abar_ref = np.stack([p[0] for p in pairs])
            Bbar_ref = np.stack([p[1] for p in pairs])
            report.close(f"{label}.delta_constant_along_L", delta, np.broadcast_to(delta[0], (L, D)))
    else:
        dA = delta[:, :, None] * A[None, :, :]                       # [L, D, N]
        Bt = B[:, None, :] if selective else B[None, :, :]          # [L|1, D|1, N]
        Abar_ref, Bbar_ref = discretize_diagonal(dA, delta[:, :, None] * Bt, method)
    report.close(f"{label}.Abar ({method})", t["Abar"], Abar_ref)
    report.close(f"{label}.Bbar ({method})", t["Bbar"], Bbar_ref)

    # Scan from the exported Abar, Bbar (so that the scan is checked on its own).
    Abar, Bbar = t["Abar"].astype(np.complex128), t["Bbar"].astype(np.complex128)
    h = np.zeros((L, D, N), dtype=np.complex128)
    state = np.zeros((D, N), dtype=np.complex128)
    for step in range(L):
        if dense:
            state = np.einsum("dij,dj->di", Abar, state) + Bbar * u[step][:, None]
        else:
            state = Abar[step] * state + Bbar[step] * u[step][:, None]
        h[step] = state
    report.close(f"{label}.h (scan)", t["h"], h)

    # C is [L, N] (selective: read at step t) or [D, N] (LTI: read per channel).
    readout = np.einsum("ldn,ln->ld", h, C) if selective else np.einsum("ldn,dn->ld", h, C)
    readout = 2 * readout.real if is_complex else readout.real
    y_ref = readout + Dskip[None, :] * u
    report.close(f"{label}.y_ssm = sum_n C h + D u", t["y_ssm"], y_ref)
    y_no_skip = t["y_ssm"].astype(np.float64) - Dskip[None, :] * u

    if not selective:
        check_kernel(ex, report, label, Abar, Bbar, C, u, y_no_skip, dense, is_complex)
    check_hidden_attention(ex, report, label, Abar, Bbar, C, u, y_no_skip, dense, selective, is_complex)


def lti_power_terms(Abar, Bbar, C, d, k, dense):
    """C_d Abar_d^k Bbar_d (complex; caller takes 2 Re or Re)."""
    if dense:
        return C[d] @ np.linalg.matrix_power(Abar[d], k) @ Bbar[d]
    return np.sum(C[d] * Abar[0, d] ** k * Bbar[0, d])


def check_kernel(ex, report, label, Abar, Bbar, C, u, y_no_skip, dense, is_complex):
    kernel = ex.get("kernel")
    if kernel is None:
        return
    L, D = u.shape
    K = np.array([[lti_power_terms(Abar, Bbar, C, d, k, dense) for k in range(L)] for d in range(D)])
    K = 2 * K.real if is_complex else K.real
    report.close(f"{label}.kernel K_k = C Abar^k Bbar", kernel, K)
    conv = np.array([[np.dot(K[d, :step + 1][::-1], u[:step + 1, d]) for d in range(D)] for step in range(L)])
    report.close(f"{label}.y - D u = K * u (causal conv)", conv, y_no_skip)


def check_hidden_attention(ex, report, label, Abar, Bbar, C, u, y_no_skip, dense, selective, is_complex):
    alpha = ex.get("hidden_attn")
    channels = ex.get("hidden_attn_channels")
    if alpha is None or channels is None:
        return
    if channels.dtype != np.int32:
        report.fail(f"{label}.hidden_attn_channels", f"dtype {channels.dtype}, expected int32")
    L = u.shape[0]
    reference = np.zeros((len(channels), L, L))
    for c, d in enumerate(channels):
        for s in range(L):
            if dense:
                vector = Bbar[d]  # Abar^(t-s) Bbar, advanced one step at a time
                for step in range(s, L):
                    if step > s:
                        vector = Abar[d] @ vector
                    value = C[d] @ vector
                    reference[c, step, s] = 2 * value.real if is_complex else value.real
                continue
            carried = Bbar[s, d].copy()  # prod_{k=s+1..t} Abar[k] * Bbar[s]
            for step in range(s, L):
                if step > s:
                    carried = carried * Abar[step, d]
                readout = C[step] if selective else C[d]
                value = np.sum(readout * carried)
                reference[c, step, s] = 2 * value.real if is_complex else value.real
    report.close(f"{label}.hidden_attn alpha[t,s]", alpha, reference)
    for c, d in enumerate(channels):
        report.close(f"{label}.alpha_{d} u_{d} = y_{d} - D u_{d}", alpha[c].astype(np.float64) @ u[:, d], y_no_skip[:, d])
    upper = np.triu(np.ones((L, L), dtype=bool), 1)
    if np.all(alpha[:, upper] == 0):
        report.ok(f"{label}.hidden_attn is causal (exact zeros above the diagonal)")
    else:
        report.fail(f"{label}.hidden_attn is causal", "nonzero entries above the diagonal")


# ------------------------------------------------------------------------------------------------
# Attention reference


def check_attention(ex, session, report, label):
    attention = session.get("attention", {})
    kind = attention.get("kind", "softmax")
    mask_kind = attention.get("mask", "causal")
    if attention.get("positional") == "alibi" or kind == "lag":
        report.fail(f"{label}.attention", "this script does not model ALiBi or the lag head")
        return
    t = {name: ex.get(name) for name in ("q", "k", "v", "probs", "attn_out")}
    if any(value is None for value in t.values()):
        return
    q, k, v = (t[name].astype(np.float64) for name in ("q", "k", "v"))
    H, L, dh = q.shape
    rows, cols = np.indices((L, L))
    if mask_kind == "causal":
        allowed = cols <= rows
    elif mask_kind == "window":
        allowed = (cols <= rows) & (cols > rows - attention.get("window", 32))
    else:
        allowed = np.ones((L, L), dtype=bool)

    if kind == "softmax":
        scores = q @ k.transpose(0, 2, 1) / np.sqrt(dh) / attention.get("temperature", 1.0)
        scores = np.where(allowed[None], scores, -np.inf)
        scores -= scores.max(axis=-1, keepdims=True)
        weights = np.exp(scores)
        probs = weights / weights.sum(axis=-1, keepdims=True)
        name = "softmax(q k^T / sqrt(dh) / T + mask)"
    else:
        phi = (lambda x: np.where(x > 0, x + 1, np.exp(x))) if attention.get("feature_map", "elu1") == "elu1" else (lambda x: x)
        weights = np.where(allowed[None], phi(q) @ phi(k).transpose(0, 2, 1), 0.0)
        probs = weights / weights.sum(axis=-1, keepdims=True)
        name = "row-normalized phi(q) phi(k)^T on the mask"
    report.close(f"{label}.probs = {name}", t["probs"], probs)
    report.close(f"{label}.attn_out = probs v", t["attn_out"], probs @ v)
    masked_out = t["probs"][:, ~allowed]
    if masked_out.size == 0 or np.all(masked_out == 0):
        report.ok(f"{label}.probs are exactly 0 where masked")
    else:
        report.fail(f"{label}.probs masked", f"max |p| where masked = {np.max(np.abs(masked_out)):.3e}")
    report.close(f"{label}.probs rows sum to 1", t["probs"].astype(np.float64).sum(axis=-1), np.ones((H, L)))


def check_tokens(ex, session, report, label):
    source = session["input"]
    if source["kind"] not in ("text", "task"):
        return
    tokens = ex.get("tokens")
    if tokens is None:
        return
    if tokens.dtype != np.int32:
        report.fail(f"{label}.tokens", f"dtype {tokens.dtype}, expected int32")
        return
    if source["kind"] == "text":
        expected = np.frombuffer(source["text"].encode("utf-8"), dtype=np.uint8).astype(np.int32)
        report.close(f"{label}.tokens = UTF-8 bytes of the text", tokens, expected)
    if source.get("embedding") == "onehot":
        u = ex.get("u")
        if u is not None:
            report.close(f"{label}.u = one-hot(tokens)", u, np.eye(u.shape[1])[tokens])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seqscope", required=True, help="path to the seqscope executable")
    parser.add_argument("--workdir", required=True, help="directory for session files and exports")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    report = Report()
    for label, session in SESSIONS.items():
        session = {"version": 1, **session}
        session_path = os.path.join(args.workdir, label + ".json")
        with open(session_path, "w", encoding="utf-8") as f:
            json.dump(session, f, indent=1)
        out_dir = os.path.join(args.workdir, label)
        if not run_export(args.seqscope, session_path, out_dir, report, label):
            continue
        try:
            ex = Export(out_dir, report, label)
        except (OSError, ValueError) as error:
            report.fail(f"{label}.manifest", str(error))
            continue
        check_tokens(ex, session, report, label)
        check_ssm(ex, session, report, label)
        check_attention(ex, session, report, label)
    print(f"{report.passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
