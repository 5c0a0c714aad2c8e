// AdamW, the learning-rate schedule and gradient clipping against the formulas written out in
// double (PyTorch's torch.optim.AdamW: decoupled decay first, bias-corrected moments).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "compute/train/optimizer.h"

namespace seqscope::compute::train {
namespace {

// The AdamW recurrence for one value in double.
struct ReferenceAdamW {
  double p, m = 0.0, v = 0.0;
  int t = 0;
  void step(double g, double lr, const AdamWSettings& s, bool decay) {
    ++t;
    if (decay) p *= 1.0 - lr * s.weight_decay;
    m = s.beta1 * m + (1.0 - s.beta1) * g;
    v = s.beta2 * v + (1.0 - s.beta2) * g * g;
    const double m_hat = m / (1.0 - std::pow(s.beta1, t)), v_hat = v / (1.0 - std::pow(s.beta2, t));
    p -= lr * m_hat / (std::sqrt(v_hat) + s.eps);
  }
};

TEST(AdamW, MatchesTheFormulaOverSeveralSteps) {
  const AdamWSettings settings;  // 0.9, 0.95, 1e-8, 0.1
  std::vector<float> decayed{0.5f, -1.25f, 2.0f}, kept{0.3f, -0.7f};
  AdamW optimizer({decayed.size(), kept.size()}, settings);
  std::vector<ReferenceAdamW> ref_decayed, ref_kept;
  for (float p : decayed) ref_decayed.push_back({p});
  for (float p : kept) ref_kept.push_back({p});
  const double lrs[4] = {1e-3, 3e-3, 2e-3, 5e-4};
  for (int step = 0; step < 4; ++step) {
    std::vector<float> g_decayed, g_kept;
    for (size_t i = 0; i < decayed.size(); ++i) g_decayed.push_back(std::sin(1.0f + step + 2.0f * i));
    for (size_t i = 0; i < kept.size(); ++i) g_kept.push_back(std::cos(0.5f * step - i));
    const ParamSlot slots[2] = {{decayed, g_decayed, true}, {kept, g_kept, false}};
    optimizer.step(slots, lrs[step]);
    for (size_t i = 0; i < decayed.size(); ++i) ref_decayed[i].step(g_decayed[i], lrs[step], settings, true);
    for (size_t i = 0; i < kept.size(); ++i) ref_kept[i].step(g_kept[i], lrs[step], settings, false);
  }
  EXPECT_EQ(optimizer.steps_taken(), 4);
  for (size_t i = 0; i < decayed.size(); ++i) EXPECT_NEAR(decayed[i], ref_decayed[i].p, 1e-6) << i;
  for (size_t i = 0; i < kept.size(); ++i) EXPECT_NEAR(kept[i], ref_kept[i].p, 1e-6) << i;
}

TEST(AdamW, FirstStepMovesEachValueByAboutLr) {
  // Bias correction makes the first step lr * g / (|g| + eps), about ±lr whatever the scale of g.
  std::vector<float> p{1.0f, 1.0f}, g{1e-4f, -300.0f};
  AdamW optimizer({2}, AdamWSettings{0.9, 0.95, 1e-8, 0.0});
  const ParamSlot slot{p, g, false};
  optimizer.step({&slot, 1}, 0.01);
  EXPECT_NEAR(p[0], 1.0 - 0.01 * 1e-4 / (1e-4 + 1e-8), 1e-7);
  EXPECT_NEAR(p[1], 1.01, 1e-7);
}

TEST(AdamW, RefusesSlotsOfTheWrongShape) {
  std::vector<float> p(3), g(3);
  AdamW optimizer({2}, AdamWSettings{});
  const ParamSlot slot{p, g, true};
  EXPECT_THROW(optimizer.step({&slot, 1}, 0.1), std::invalid_argument);
}

TEST(LearningRate, WarmsUpLinearlyThenDecaysByCosineToTheFloor) {
  const int64_t steps = 111, warmup = 10;  // 100 decay steps after the peak
  const double lr = 1e-3;
  EXPECT_DOUBLE_EQ(learning_rate(0, steps, warmup, lr), lr / 10);
  EXPECT_DOUBLE_EQ(learning_rate(4, steps, warmup, lr), lr / 2);
  EXPECT_DOUBLE_EQ(learning_rate(warmup, steps, warmup, lr), lr);  // the peak, cos(0) = 1
  // Halfway through the decay: the middle of lr and the floor.
  const int64_t middle = warmup + 50;
  EXPECT_NEAR(learning_rate(middle, steps, warmup, lr), 0.55 * lr, 1e-5 * lr);
  EXPECT_NEAR(learning_rate(steps - 1, steps, warmup, lr), 0.1 * lr, 1e-15);
  double previous = lr;
  for (int64_t step = warmup + 1; step < steps; ++step) {
    const double now = learning_rate(step, steps, warmup, lr);
    EXPECT_LE(now, previous) << step;
    previous = now;
  }
  EXPECT_DOUBLE_EQ(learning_rate(0, 1, 0, lr), lr);  // one step: no decay to speak of
}

TEST(Clipping, ScalesToTheNormOnlyAboveIt) {
  std::vector<float> a{3.0f, 0.0f}, b{4.0f};  // global norm 5
  const std::span<float> grads[2] = {a, b};
  EXPECT_DOUBLE_EQ(global_norm(grads), 5.0);
  EXPECT_DOUBLE_EQ(clip_to_norm(grads, 10.0), 5.0);
  EXPECT_FLOAT_EQ(a[0], 3.0f);
  EXPECT_DOUBLE_EQ(clip_to_norm(grads, 1.0), 5.0);
  EXPECT_FLOAT_EQ(a[0], 0.6f);
  EXPECT_FLOAT_EQ(b[0], 0.8f);
  EXPECT_NEAR(global_norm(grads), 1.0, 1e-7);
}

TEST(Clipping, ANonFiniteNormIsReportedAndNothingIsScaled) {
  std::vector<float> a{1.0f, std::numeric_limits<float>::quiet_NaN()};
  const std::span<float> grads[1] = {a};
  EXPECT_TRUE(std::isnan(clip_to_norm(grads, 1.0)));
  EXPECT_FLOAT_EQ(a[0], 1.0f);
}

}  // namespace
}  // namespace seqscope::compute::train
