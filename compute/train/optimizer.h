// The optimizer of issue 17's training: AdamW (Loshchilov & Hutter; PyTorch's torch.optim.AdamW,
// decoupled weight decay applied before the Adam step), the learning-rate schedule (linear
// warmup, then cosine decay) and gradient clipping by the global L2 norm.
//
//   AdamWSettings / AdamW      one moment pair per parameter tensor; step() updates in place
//   learning_rate              the schedule at a step
//   global_norm / clip_to_norm gradient clipping (norm 1 in training)
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace seqscope::compute::train {

struct AdamWSettings {
  double beta1 = 0.9;
  double beta2 = 0.95;
  double eps = 1e-8;
  double weight_decay = 0.1;
};

// One parameter tensor as the optimizer sees it: its values, its gradient (same size) and
// whether weight decay applies (not to norms, biases, A_log, D, log_dt: see docs/training.md).
struct ParamSlot {
  std::span<float> values;
  std::span<const float> grads;
  bool decay = true;
};

class AdamW {
 public:
  // sizes: the element count of each parameter tensor, in the order step() receives them.
  AdamW(const std::vector<size_t>& sizes, AdamWSettings settings);
  // One step at learning rate lr over every slot (in the constructor's order):
  //   p -= lr * wd * p            (only where decay)
  //   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
  //   p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
  void step(std::span<const ParamSlot> slots, double lr);
  int64_t steps_taken() const { return t_; }

 private:
  AdamWSettings settings_;
  std::vector<std::vector<float>> m_, v_;
  int64_t t_ = 0;
};

// Linear warmup from lr/warmup to lr over the first `warmup` steps, then cosine decay to
// min_ratio * lr at the last step (step = steps - 1). step is 0-based.
double learning_rate(int64_t step, int64_t steps, int64_t warmup, double lr, double min_ratio = 0.1);

// sqrt of the sum of squares of every gradient, in double. NaN or inf when a gradient is.
double global_norm(std::span<const std::span<float>> grads);
// Scales every gradient by max_norm / norm when norm > max_norm; returns the norm before.
double clip_to_norm(std::span<const std::span<float>> grads, double max_norm);

}  // namespace seqscope::compute::train
