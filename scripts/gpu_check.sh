#!/usr/bin/env bash
# The device check (issue 19), for a machine with a GPU, whose minutes are few: one command, no
# interaction, about 5 minutes at most. It
#   1. lists the Vulkan devices (seqscope --list-devices);
#   2. runs the parity suite (test_parity: the case table, the generated suite, the long-sequence
#      tests) on the chosen device with the validation layer on;
#   3. runs `seqscope bench --backend vulkan --json` (the sweep and the generated cases);
#   4. prints each Vulkan row's fraction of the device's own measured bound.
# The device is the one seqscope picks (a discrete GPU before an integrated one before a CPU),
# or SEQSCOPE_DEVICE=<index>. Binaries come from SEQSCOPE_BUILD_DIR (default build/ci); when
# they are missing or do not start there, the script installs what is missing and builds only
# the two targets it needs. Results go to build/gpu_check/: devices.txt, parity.txt, bench.json,
# bench.txt, fractions.txt. The exit status is the parity suite's.
#   SEQSCOPE_GPU_CHECK_QUICK=1   bench --quick (seconds instead of about a minute on a GPU)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$SEQSCOPE_ROOT"

build_dir="${SEQSCOPE_BUILD_DIR:-build/ci}"
out_dir="build/gpu_check"
seqscope="$build_dir/app/seqscope"
parity="$build_dir/tests/compute/vulkan/test_parity"
mkdir -p "$out_dir"

if ! "$seqscope" --list-devices >/dev/null 2>&1 || ! "$parity" --gtest_list_tests >/dev/null 2>&1; then
  echo "gpu_check: building seqscope and test_parity in $build_dir"
  seqscope_install_deps
  seqscope_build_targets ci seqscope test_parity
  build_dir="build/ci" seqscope="build/ci/app/seqscope" parity="build/ci/tests/compute/vulkan/test_parity"
fi

echo "== Vulkan devices"
"$seqscope" --list-devices | tee "$out_dir/devices.txt"
if [ -n "${SEQSCOPE_DEVICE:-}" ]; then echo "using device $SEQSCOPE_DEVICE (SEQSCOPE_DEVICE)"; fi

echo "== parity suite (validation on)"
parity_status=0
SEQSCOPE_VALIDATION=1 timeout 240 "$parity" --gtest_brief=1 >"$out_dir/parity.txt" 2>&1 || parity_status=$?
grep -E "^\[worst error\]|PASSED|FAILED|Validation" "$out_dir/parity.txt" | head -60 || true
if [ "$parity_status" -eq 124 ]; then echo "gpu_check: the parity suite ran past 240 s"; fi
# A message from the validation layer is a failure even when every expectation held.
if grep -q "Validation Error\|VUID-" "$out_dir/parity.txt"; then
  echo "gpu_check: the validation layer reported errors (see $out_dir/parity.txt)"
  parity_status=1
fi

echo "== bench --backend vulkan"
quick=()
[ "${SEQSCOPE_GPU_CHECK_QUICK:-0}" = "1" ] && quick=(--quick)
timeout 200 "$seqscope" bench --backend vulkan "${quick[@]}" --json "$out_dir/bench.json" >"$out_dir/bench.txt" 2>&1 ||
  echo "gpu_check: the bench stopped early (status $?); see $out_dir/bench.txt"

echo "== fractions of the device's measured bound"
python3 - "$out_dir/bench.json" <<'PY' | tee "$out_dir/fractions.txt"
import json, sys
try:
    report = json.load(open(sys.argv[1]))
except (OSError, ValueError) as e:
    sys.exit(f"no bench report: {e}")
limits = report.get("device_limits") or {}
print("device limits:", json.dumps(limits))
for r in report.get("results", []):
    if r.get("backend") != "vulkan" or r.get("fraction_of_bound") is None:
        continue
    print(f"{r['op']:<26} L={r['L']:<6} H={r.get('H', 0):<2} dh={r.get('dh', 0):<4} "
          f"{r['ms']:10.3f} ms  bound {r['bound_ms']:9.3f} ms  fraction {r['fraction_of_bound']:.3f}  {r.get('note', '')}")
PY
exit "$parity_status"
