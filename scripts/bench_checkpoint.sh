#!/usr/bin/env bash
# Scale measurement of real checkpoints: writes a mamba-130m-shaped folder with random weights
# (d_model 768, 24 layers, vocab 50280, d_state 16, expand 2, d_conv 4, dt_rank 48; 517 MB fp32)
# with the tests' generator, then times open + a 256-token forward pass and reports the peak
# resident memory against the file size. Usage: scripts/bench_checkpoint.sh [BUILD_DIR] [WORK_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
WORK="${2:-/tmp/seqscope_mamba130m}"
if [ ! -f "$WORK/model.safetensors" ]; then
  /usr/bin/python3 -c "
import sys; sys.path.insert(0, '$ROOT/tests/compute/checkpoint')
import checkpoints as c
c.make_mamba('$WORK', hf=False, dtype='F32', d_model=768, n_layer=24, vocab=50280, d_state=16, d_conv=4, expand=2, dt_rank=48)
"
fi
cmake --build "$BUILD" --target bench_checkpoint >/dev/null
# The weights are mapped, not read: the first forward pass faults the pages in, so its time
# includes reading the file (from the page cache here, as right after the generator wrote it).
# Each scenario runs in its own process (twice), so each peak resident memory is its own.
for scenario in export dashboard; do
  for run in 1 2; do
    "$BUILD/tests/compute/checkpoint/bench_checkpoint" "$WORK" 256 0 "$scenario" | tail -1
  done
done
