#!/usr/bin/python3
"""`seqscope tokenize` prints GPT-2's ids for the tricky strings of data/gpt2_tricky.json.
Usage: check_tokenize.py SEQSCOPE FIXTURE WORKDIR."""
import json
import os
import subprocess
import sys

seqscope, fixture, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
data = json.load(open(fixture, encoding="utf-8"))
path = os.path.join(work, "tokenizer.json")
json.dump(data["tokenizer"], open(path, "w", encoding="utf-8"))
passed = failed = 0
for case in data["cases"]:
    proc = subprocess.run([seqscope, "tokenize", "--tokenizer", path, "--text", case["text"]], capture_output=True,
                          text=True)
    want = ",".join(map(str, case["ids"]))
    if proc.returncode == 0 and proc.stdout.strip() == want:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {case['text']!r}: got {proc.stdout.strip()} {proc.stderr.strip()}, want {want}")
proc = subprocess.run([seqscope, "tokenize", "--tokenizer", os.path.join(work, "missing.json"), "--text", "x"],
                      capture_output=True, text=True)
if proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1:
    passed += 1
else:
    failed += 1
    print(f"FAIL missing tokenizer: rc {proc.returncode} {proc.stderr!r}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
