#!/usr/bin/env bash
# Quick start 2: install what is missing, build, and run every test with ctest (GUI tests
# under xvfb-run). Warnings are errors. Then the math and unit tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer. The exit code is the tests' result.
#   SEQSCOPE_SKIP_SANITIZERS=1  skip the sanitizer pass (faster local runs)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Each phase prints how long it took, so a slow CI run shows where its minutes went.
phase() { echo "seqscope: $1 done at ${SECONDS} s"; }
seqscope_install_deps "${SEQSCOPE_TEST_PACKAGES[@]}"
phase "install"
cd "$SEQSCOPE_ROOT"
seqscope_build ci
phase "build (ci)"
# Every test runs with the Vulkan validation layer on; a message from it fails the test.
export SEQSCOPE_VALIDATION=1
xvfb-run -a -s "-screen 0 3400x2400x24" ctest --preset ci -j 2 --timeout 600
phase "tests (ci)"

if [ "${SEQSCOPE_SKIP_SANITIZERS:-0}" != "1" ]; then
  # Only what the sanitizer pass runs: the math and unit tests (and the binary the math
  # label's Python checks call), not the GUI, golden, parity or checkpoint suites.
  # The preset compiles at -O1 -g1 (line tables for the stacks): half the compile time of
  # -O2 -g on these Eigen-heavy files, and the tests still run in about a minute. It also
  # drops -Wuninitialized, which at -O1 fires on GCC 12's own AVX-512 headers (`__Y = __Y`).
  seqscope_build_targets asan-ubsan seqscope test_math test_model_ops test_model_engine model_grads_export test_unit
  phase "build (asan-ubsan)"
  # Mesa's lavapipe and LLVM keep allocations until exit: suppress only their leaks. In this
  # build gpu/context.cpp keeps the Vulkan driver and layers mapped until exit, so the leak
  # stacks can name them (docs/testing.md, "Why the sanitizer build pins the Vulkan driver").
  export LSAN_OPTIONS="suppressions=$SEQSCOPE_ROOT/tests/lsan.supp:print_suppressions=0"
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
  # A failing test prints its whole output, leak stacks included, into the CI log.
  # LessonFit (every lesson step at four screen sizes, ~30 s optimized) only lays out panels that
  # the other unit tests run under the sanitizers too: it is left to the optimized pass.
  ctest --preset asan-ubsan -L "math|unit" -E "LessonFit" -j 2 --timeout 900 --output-on-failure \
    --test-output-size-failed 1048576
  phase "tests (asan-ubsan)"
fi
