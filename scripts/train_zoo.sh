#!/usr/bin/env bash
# The model zoo (assets/zoo, docs/models.md "The zoo"): every shipped trained model with its
# exact command and seed. Each folder is what `seqscope train` writes (config.json,
# model.safetensors, train_log.jsonl with every 10th step, eval.json). About 5 minutes on the
# 2-core development machine. tests/app/gui/test_zoo.cpp retrains copy-attn and compares the bytes.
# Usage: scripts/train_zoo.sh [BUILD_DIR] [ZOO_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$ROOT/build/ci}"
ZOO="${2:-$ROOT/assets/zoo}"
SEQSCOPE="$BUILD/app/seqscope"
mkdir -p "$ZOO"

zoo() {  # NAME then seqscope train's flags
  local name="$1"
  shift
  echo "== $name: seqscope train $*"
  "$SEQSCOPE" train --out "$ZOO/$name" --seed 0 --eval-every 0 --eval-samples 256 --log-every 10 "$@" | tail -1
}

# Selective copying (Mamba paper, Table 1): the selective scan against the time-invariant one.
SC="--task selective_copy --vocab 16 --length 64 --tokens 4 --d-model 64 --steps 1000 --batch 32 --lr 5e-3 --warmup 100 --eval-lengths 64,128"
zoo selective_copy-MM --pattern MM $SC
zoo selective_copy-SS --pattern SS $SC
zoo selective_copy-attn --pattern '**' --heads 4 $SC

# Copying (Jelassi et al. 2024): attention, a fixed-size state, a hybrid.
CP="--task copy --vocab 16 --length 40 --tokens 16 --d-model 32 --heads 2 --steps 300 --batch 16 --lr 3e-3 --warmup 30"
zoo copy-attn --pattern '**' $CP
zoo copy-MM --pattern MM $CP
zoo copy-hybrid --pattern 'M*' $CP

# Copying against the number of tokens K (L = 2K + 8: the copy sits K + 7 steps after its
# source): attention in the same 300 steps, Mamba given 1500.
for K in 4 8 16; do
  CPK="--task copy --vocab 16 --length $((2 * K + 8)) --tokens $K --d-model 32 --heads 2 --batch 16 --lr 3e-3 --warmup 30"
  [ "$K" = 16 ] || zoo "copy-attn-K$K" --pattern '**' --steps 300 $CPK
  zoo "copy-MM-K$K" --pattern MM --steps 1500 $CPK
done

# Induction heads (Mamba paper, Table 2): trained at L 32, evaluated at 4x.
IN="--task induction --vocab 16 --length 32 --d-model 32 --heads 2 --steps 500 --batch 32 --lr 5e-3 --warmup 100 --eval-lengths 32,128"
zoo induction-MM --pattern MM $IN
zoo induction-attn --pattern '**' $IN

# Multi-query associative recall (Zoology): attention, Mamba with a small state, and the same
# Mamba with its second layer replaced by attention.
MQ="--task mqar --vocab 36 --length 64 --tokens 6 --d-model 64 --heads 4 --steps 1500 --batch 64 --lr 3e-3 --warmup 100"
zoo mqar-attn --pattern '**' $MQ
zoo mqar-MM-N4 --pattern MM --state 4 $MQ
zoo mqar-hybrid-N4 --pattern 'M*' --state 4 $MQ

# The build that trained them: the test compares bits only on the same SIMD instruction sets.
"$SEQSCOPE" --version > "$ZOO/TRAINED_WITH"
du -sh "$ZOO"
