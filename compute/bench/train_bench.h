// `seqscope bench --train` (issue 17, docs/performance.md "Training"): the time of one
// training step (a batch's forward, backward and AdamW update, as compute/train runs it) of
// the patterns MM and *-*- at d_model 64, L 256, batch 32, on every core. Each row reports the
// median step time, tokens/s, the step's flops against the machine's measured FMA peak, and
// the peak memory the steps added to the process.
//
//   TrainBenchCase, train_bench_cases   the rows: pattern and shape
//   train_step_cost                     a step's flops, counted from the model's shapes
//   run_train_bench                     times every row
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "compute/bench/benchmark.h"
#include "compute/model/config.h"

namespace seqscope::compute {

struct TrainBenchCase {
  std::string pattern;
  int d_model = 64;
  int L = 256;
  int batch = 32;
  int d_state = 16;
  int n_heads = 4;
  int vocab = 16;
};

// MM and *-*- at d_model 64, L 256, batch 32 (the shapes).
std::vector<TrainBenchCase> train_bench_cases();

// The model the row trains (config.json's fields; the rest at their defaults, resolved).
model::ModelConfig train_bench_config(const TrainBenchCase& c);

// The flops of one training step of `batch` sequences of length L, counted as
// docs/performance.md says: every matrix product 2 m n k forward and twice that backward;
// causal attention counts its lower triangle; an exp counts kExpFlops; the selective scan
// counts its forward, the backward's recompute from checkpoints and the reverse recurrence.
// bytes stays 0: at these sizes the step is bound by arithmetic, not memory.
OpCost train_step_cost(const model::ModelConfig& config, int L, int batch);

// One row per case: op "train_step", backend "eigen", shape {L, d_model, d_state, n_heads,
// head_dim}, pattern and batch set; ms is the median step after `warm-up` steps (quick: 1 + 3
// steps, else 2 + 10). progress (optional) gets each row when it is done.
std::vector<BenchResult> run_train_bench(bool quick, const MachineLimits& machine,
                                         const std::function<void(const BenchResult&)>& progress = {});

}  // namespace seqscope::compute
