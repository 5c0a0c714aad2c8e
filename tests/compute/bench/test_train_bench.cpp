// The training step's flop count (compute/bench/train_bench.h): the issue's two rows, a count
// that is linear in the batch, the MLP block against its products written out, attention's
// causal term quadratic in L, and the scan's term linear in N.
#include <gtest/gtest.h>

#include "compute/bench/train_bench.h"

namespace seqscope::compute {
namespace {

model::ModelConfig config_of(const std::string& pattern, int d, int N, int heads, int vocab) {
  return train_bench_config(TrainBenchCase{.pattern = pattern, .d_model = d, .d_state = N, .n_heads = heads,
                                           .vocab = vocab});
}

TEST(TrainBench, TheRowsAreTheIssuesShapes) {
  const std::vector<TrainBenchCase> cases = train_bench_cases();
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].pattern, "MM");
  EXPECT_EQ(cases[1].pattern, "*-*-");
  for (const TrainBenchCase& c : cases) {
    EXPECT_EQ(c.d_model, 64);
    EXPECT_EQ(c.L, 256);
    EXPECT_EQ(c.batch, 32);
  }
}

TEST(TrainBench, StepFlopsAreLinearInTheBatch) {
  for (const char* pattern : {"MM", "*-*-", "S", "M*-S"}) {
    const model::ModelConfig c = config_of(pattern, 32, 8, 4, 16);
    EXPECT_DOUBLE_EQ(train_step_cost(c, 40, 6).flops, 6.0 * train_step_cost(c, 40, 1).flops) << pattern;
    EXPECT_EQ(train_step_cost(c, 40, 6).bytes, 0.0);
  }
}

// One MLP layer, written out: the head (a [L, d] x [d, V] product, forward and its two
// backward products), the loss's exps, two norms, up [d -> 4d] and down [4d -> d] the same
// way, and GELU's exp forward and backward.
TEST(TrainBench, MlpStepCountsItsProductsThreeTimes) {
  const double L = 10, d = 8, V = 12, ff = 32;
  const model::ModelConfig c = config_of("-", 8, 4, 2, 12);
  ASSERT_EQ(c.d_ff, 32);
  const double expected = 3 * 2 * L * d * V + L * V * kExpFlops + 2 * 12 * L * d + 3 * 2 * L * d * ff +
                          3 * 2 * L * ff * d + 2 * L * ff * kExpFlops;
  EXPECT_DOUBLE_EQ(train_step_cost(c, 10, 1).flops, expected);
}

// Attention's score products grow with the causal triangle L (L + 1) / 2, the rest with L.
TEST(TrainBench, AttentionsScoreTermIsQuadraticInL) {
  const model::ModelConfig c = config_of("*", 16, 4, 2, 12);
  const auto flops = [&](int L) { return train_step_cost(c, L, 1).flops; };
  // f(L) = a L + b L (L + 1) / 2, so f(2L) - 2 f(L) = b (L (2L + 1) - L (L + 1)) = b L^2.
  const double b = 6.0 * 2.0 * 16 + 2 * (kExpFlops + 5.0);
  EXPECT_NEAR(flops(200) - 2 * flops(100), b * 100 * 100, 1e-6 * flops(200));
}

// Doubling N adds the scan's per-state work and the wider x_proj (R + 2N outputs).
TEST(TrainBench, TheScansTermIsLinearInTheStateSize) {
  const double L = 20, di = 64;
  const double per_state = L * di * (2 * kExpFlops + 30.0) + 3 * 2 * L * di * 2;  // scan + 2 x_proj rows
  const double f8 = train_step_cost(config_of("M", 32, 8, 2, 12), 20, 1).flops;
  const double f16 = train_step_cost(config_of("M", 32, 16, 2, 12), 20, 1).flops;
  EXPECT_DOUBLE_EQ(f16 - f8, 8 * per_state);
}

}  // namespace
}  // namespace seqscope::compute
