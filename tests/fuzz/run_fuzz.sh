#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a bounded time on a
# copy of the committed corpus. Exit 77 (skipped) when clang's libFuzzer is not installed.
# Usage: tests/fuzz/run_fuzz.sh OUT_DIR [SECONDS_PER_TARGET]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$1"
SECONDS_PER_TARGET="${2:-25}"
CXX=clang++
if ! command -v "$CXX" >/dev/null || ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' |
    "$CXX" -x c++ -fsanitize=fuzzer - -o /dev/null 2>/dev/null; then
  echo "clang++ with libFuzzer not found: skipped"
  exit 77
fi
mkdir -p "$OUT"
FLAGS=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I"$ROOT" -isystem /usr/include/eigen3)
"$CXX" "${FLAGS[@]}" "$ROOT/tests/fuzz/fuzz_safetensors.cpp" "$ROOT/compute/checkpoint/safetensors.cpp" \
  -o "$OUT/fuzz_safetensors"
"$CXX" "${FLAGS[@]}" "$ROOT/tests/fuzz/fuzz_tokenizer.cpp" "$ROOT/compute/checkpoint/tokenizer.cpp" \
  -o "$OUT/fuzz_tokenizer"
for target in safetensors tokenizer; do
  rm -rf "$OUT/corpus_$target"
  cp -r "$ROOT/tests/fuzz/corpus/$target" "$OUT/corpus_$target"
  # -rss_limit_mb keeps a pathological input from exhausting the shared machine.
  "$OUT/fuzz_$target" "$OUT/corpus_$target" -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=1024 \
    -max_len=4096 -print_final_stats=1 -artifact_prefix="$OUT/crash_$target-" 2>"$OUT/$target.log" ||
    { tail -40 "$OUT/$target.log"; echo "fuzz_$target: found a failure"; exit 1; }
  grep -E "stat::number_of_executed_units|Done" "$OUT/$target.log" | head -2
done
echo "fuzz: nothing found"
