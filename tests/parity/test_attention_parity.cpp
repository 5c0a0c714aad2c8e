// Attention parity: scores, probs, out (and the projections) of VulkanBackend against
// EigenBackend for softmax (causal, none, window; ALiBi, RoPE, sinusoidal, temperature),
// linear attention (elu+1 and identity; causal, none, window) and the lag head, H = 1..8.
#include "compute/session/inputs.h"
#include "tests/parity/parity_util.h"

namespace seqscope::parity {
namespace {

struct AttentionCase {
  AttentionKind kind;
  MaskKind mask;
  Positional positional;
  int L, H, dh;
  int window = 32;
  double temperature = 1.0;
  FeatureMap feature_map = FeatureMap::Elu1;
  int lag = 1;
};

void check_attention(const AttentionCase& c) {
  Session s;
  s.d_model = 6;
  s.ssm.state_size = 1;
  s.ssm.hidden_attention_channels.clear();
  s.attention.kind = c.kind;
  s.attention.mask = c.mask;
  s.attention.positional = c.positional;
  s.attention.heads = c.H;
  s.attention.head_dim = c.dh;
  s.attention.window = c.window;
  s.attention.temperature = c.temperature;
  s.attention.feature_map = c.feature_map;
  s.attention.lag = c.lag;
  const Inputs inputs = inputs_of(random_u(c.L, s.d_model, 5));
  const Results eigen = run_eigen(s, inputs);
  const Results vulkan = vulkan_backend().run(s, inputs);
  const AttentionResults& a = vulkan.attention;
  const AttentionResults& b = eigen.attention;
  expect_close("attention.q", a.q, b.q);
  expect_close("attention.scores", a.scores, b.scores);
  expect_close("attention.probs", a.probs, b.probs);
  expect_close("attention.out", a.out, b.out);
  EXPECT_EQ(a.kv_cache_bytes, b.kv_cache_bytes);
  EXPECT_EQ(vulkan.timings_ms.count("attention"), 1u);
}

TEST(AttentionParity, SoftmaxCausalLong) {
  check_attention({AttentionKind::Softmax, MaskKind::Causal, Positional::None, 4099, 1, 8});
}

TEST(AttentionParity, SoftmaxMasksAndPositions) {
  check_attention({AttentionKind::Softmax, MaskKind::None, Positional::Alibi, 257, 8, 16});
  check_attention({AttentionKind::Softmax, MaskKind::Window, Positional::Rope, 500, 3, 5, 17, 0.7});
  check_attention({AttentionKind::Softmax, MaskKind::Causal, Positional::Sinusoidal, 1, 2, 4});
  check_attention({AttentionKind::Softmax, MaskKind::Causal, Positional::Alibi, 300, 5, 64, 32, 2.0});
}

TEST(AttentionParity, Linear) {
  check_attention({AttentionKind::Linear, MaskKind::Causal, Positional::None, 1000, 2, 8});
  check_attention({AttentionKind::Linear, MaskKind::None, Positional::Rope, 50, 1, 3, 32, 1.0, FeatureMap::Identity});
  check_attention({AttentionKind::Linear, MaskKind::Window, Positional::None, 300, 4, 6, 17});
  check_attention({AttentionKind::Linear, MaskKind::Causal, Positional::None, 1, 1, 1});
}

TEST(AttentionParity, LagHead) {
  AttentionCase c{AttentionKind::Lag, MaskKind::Causal, Positional::None, 100, 2, 4};
  c.lag = 3;
  check_attention(c);
}

}  // namespace
}  // namespace seqscope::parity

// L beyond a full map: both backends pool the maps to 1024 x 1024 (max |x| and mean).
namespace seqscope::parity {
namespace {

void check_overviews(Session s) {
  s.input.kind = compute::InputKind::Signal;
  s.input.length = 1500;
  s.d_model = 4;
  s.ssm.state_size = 4;
  s.attention.heads = 2;
  s.attention.head_dim = 4;
  s.full_map_max_length = 1000;
  const Inputs inputs = compute::make_inputs(s);
  const Results eigen = run_eigen(s, inputs);
  const Results vulkan = vulkan_backend().run(s, inputs);
  ASSERT_TRUE(vulkan.attention.pooled() && vulkan.ssm.pooled());
  expect_close("probs_overview.max_abs", vulkan.attention.probs_overview.max_abs, eigen.attention.probs_overview.max_abs);
  expect_close("probs_overview.mean", vulkan.attention.probs_overview.mean, eigen.attention.probs_overview.mean);
  expect_close("attention.out", vulkan.attention.out, eigen.attention.out);
  expect_close("alpha_overview.max_abs", vulkan.ssm.hidden_attention_overview.max_abs,
               eigen.ssm.hidden_attention_overview.max_abs);
  expect_close("alpha_overview.mean", vulkan.ssm.hidden_attention_overview.mean, eigen.ssm.hidden_attention_overview.mean);
}

TEST(OverviewParity, SoftmaxAlibiAndSelectiveBidirectional) {
  Session s;
  s.attention.positional = Positional::Alibi;
  s.ssm.bidirectional = true;
  check_overviews(s);
}

TEST(OverviewParity, LinearAndLtiComplex) {
  Session s;
  s.attention.kind = AttentionKind::Linear;
  s.attention.mask = MaskKind::Window;
  s.ssm.variant = compute::SsmVariant::S4D;
  s.ssm.init = compute::SsmInit::S4DLin;
  s.ssm.discretization = compute::Discretization::Zoh;
  check_overviews(s);
}

}  // namespace
}  // namespace seqscope::parity
