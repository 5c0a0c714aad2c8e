#!/usr/bin/env bash
# The full-size runs of docs/training.md section 7: each comparison trained with its exact
# command and seed, then drawn by seqscope itself (`seqscope export --curves`) into
# docs/figures/training_<task>.png. About 25 minutes on the 2-core development machine.
# Usage: scripts/training_figures.sh [BUILD_DIR] [WORK_DIR] [FIGURES_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$ROOT/build/ci}"
WORK="${2:-/tmp/seqscope_training_runs}"
FIGURES="${3:-$ROOT/docs/figures}"
SEQSCOPE="$BUILD/app/seqscope"
mkdir -p "$WORK" "$FIGURES"

train() {  # NAME then seqscope train's flags
  local name="$1"
  shift
  echo "== $name: seqscope train $*"
  "$SEQSCOPE" train --out "$WORK/$name" --seed 0 --eval-every 0 --eval-samples 512 "$@" | tail -1
}
curves() {  # FIGURE then the run names
  local figure="$1" dirs=""
  shift
  for name in "$@"; do dirs="${dirs:+$dirs,}$WORK/$name"; done
  "$SEQSCOPE" export --curves "$dirs" --png "$FIGURES/$figure" --width 1400 --height 820
}

# Selective copying (Mamba paper, Table 1): the selective scan against the time-invariant one.
SC="--task selective_copy --vocab 16 --length 256 --tokens 4 --d-model 64 --steps 2000 --batch 32 --lr 5e-3 --warmup 100 --eval-lengths 256,512,1024"
train sc_MM --pattern MM $SC
train sc_SS --pattern SS $SC
curves training_selective_copy.png sc_MM sc_SS

# Copying (Jelassi et al. 2024): attention copies, a fixed-size state does not, one attention
# layer in a hybrid is enough.
CP="--task copy --vocab 16 --length 40 --tokens 16 --d-model 32 --heads 2 --steps 1000 --batch 16 --lr 3e-3 --warmup 30 --eval-lengths 40,80"
train copy_attn --pattern '**' $CP
train copy_MM --pattern MM $CP
train copy_hybrid --pattern 'M*' $CP
curves training_copy.png copy_attn copy_MM copy_hybrid

# Induction heads (Mamba paper, Table 2): trained at L 64, evaluated up to 16x longer.
IN="--task induction --vocab 16 --length 64 --d-model 32 --heads 2 --steps 1000 --batch 32 --lr 5e-3 --warmup 50 --eval-lengths 64,128,256,512,1024"
train induction_MM --pattern MM $IN
train induction_attn --pattern '**' $IN
curves training_induction.png induction_MM induction_attn

# Multi-query associative recall (Zoology): attention, Mamba with a large and a small state, and
# a hybrid whose one attention layer restores recall.
MQ="--task mqar --vocab 36 --length 64 --tokens 8 --d-model 64 --heads 4 --steps 2000 --batch 64 --lr 3e-3 --warmup 100 --eval-lengths 64,128"
train mqar_attn --pattern '**' $MQ
train mqar_MM_N16 --pattern MM --state 16 $MQ
train mqar_MM_N4 --pattern MM --state 4 $MQ
train mqar_hybrid --pattern 'M*' --state 4 $MQ
curves training_mqar.png mqar_attn mqar_MM_N16 mqar_MM_N4 mqar_hybrid
