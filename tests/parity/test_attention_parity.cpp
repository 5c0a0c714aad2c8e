// Attention parity: scores, probs, out (and the projections) of VulkanBackend against
// EigenBackend for softmax (causal, none, window; ALiBi, RoPE, sinusoidal, temperature),
// linear attention (elu+1 and identity; causal, none, window) and the lag head, H = 1..8.
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
