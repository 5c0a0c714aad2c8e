// Cost model: FLOP slopes (softmax attention ~ L^2, SSM and windowed / linear attention ~ L),
// constant SSM state vs growing KV cache, pair counts against the mask itself, and the
// complex flag against what run_ssm actually builds.
#include <gtest/gtest.h>

#include <functional>

#include "compute/attention/attention.h"
#include "compute/session/cost_model.h"
#include "compute/ssm/ssm.h"
#include "tests/compute/math_test_util.h"

namespace seqscope::compute {
namespace {


// Slopes by finite differences, so per-sequence constants (an LTI discretization, a dense
// matrix exponential) do not blur them: f(L) = a + b L has second difference 0, a quadratic
// has a constant nonzero second difference and third difference 0.
double second_difference(const std::function<double(int)>& f, int L) { return f(L) - 2 * f(2 * L) + f(3 * L); }
double third_difference(const std::function<double(int)>& f, int L) {
  return f(4 * L) - 3 * f(3 * L) + 3 * f(2 * L) - f(L);
}

TEST(CostModel, SoftmaxAttentionIsQuadraticSsmIsLinear) {
  for (MaskKind mask : {MaskKind::Causal, MaskKind::None}) {
    AttentionConfig cfg;
    cfg.mask = mask;
    const auto f = [&](int L) { return attention_cost(cfg, L, 16).flops; };
    EXPECT_GT(second_difference(f, 512), 0.0);
    EXPECT_NEAR(third_difference(f, 512) / f(2048), 0.0, 1e-12) << "mask " << static_cast<int>(mask);
    EXPECT_NEAR(f(4096) / f(2048), 4.0, 0.05);  // the L D H dh projection term fades
  }
  AttentionConfig window;
  window.mask = MaskKind::Window;
  window.window = 32;
  const auto fw = [&](int L) { return attention_cost(window, L, 16).flops; };
  EXPECT_NEAR(second_difference(fw, 512) / fw(1536), 0.0, 1e-12);  // linear once L > window
  AttentionConfig linear;
  linear.kind = AttentionKind::Linear;
  const auto fl = [&](int L) { return attention_cost(linear, L, 16).flops; };
  EXPECT_NEAR(second_difference(fl, 512) / fl(1536), 0.0, 1e-12);
  for (SsmVariant v : {SsmVariant::S4D, SsmVariant::Dense, SsmVariant::Shift, SsmVariant::S6, SsmVariant::Mamba2}) {
    SsmConfig cfg;
    cfg.variant = v;
    cfg.conv_width = 4;
    cfg.gate = true;
    const auto f = [&](int L) { return ssm_cost(cfg, L, 16).flops; };
    EXPECT_GT(f(2048), f(1024)) << "variant " << static_cast<int>(v);
    EXPECT_NEAR(second_difference(f, 512) / f(1536), 0.0, 1e-12) << "variant " << static_cast<int>(v);
  }
}

TEST(CostModel, ScanTermMatchesFormula) {
  SsmConfig cfg;  // S6, S4D-Real, N = 16
  const LayerCost c = ssm_cost(cfg, 64, 16);
  double scan = -1.0;
  for (const CostTerm& t : c.terms)
    if (t.op == "scan") scan = t.flops;
  EXPECT_EQ(scan, 64.0 * 16 * (5 * 16 + 2));
  cfg.bidirectional = true;
  EXPECT_GT(ssm_cost(cfg, 64, 16).flops, c.flops);
}

TEST(CostModel, StateIsConstantKvCacheGrows) {
  SsmConfig ssm;
  EXPECT_EQ(ssm_cost(ssm, 64, 16).state_bytes, ssm_cost(ssm, 4096, 16).state_bytes);
  EXPECT_EQ(ssm_state_bytes(ssm, 16), 16.0 * 16 * 4);
  ssm.init = SsmInit::S4DLin;
  ssm.variant = SsmVariant::S4D;
  EXPECT_EQ(ssm_state_bytes(ssm, 16), 16.0 * 16 * 8);  // complex modes
  AttentionConfig attn;  // causal softmax, H = 2, dh = 8
  EXPECT_EQ(kv_cache_bytes(attn, 0, 100), 2.0 * 2 * 8 * 4);
  EXPECT_EQ(kv_cache_bytes(attn, 99, 100), 100 * 2.0 * 2 * 8 * 4);
  EXPECT_EQ(attention_cost(attn, 100, 16).state_bytes, kv_cache_bytes(attn, 99, 100));
  attn.kind = AttentionKind::Linear;
  EXPECT_EQ(kv_cache_bytes(attn, 0, 100), kv_cache_bytes(attn, 99, 100));
  EXPECT_EQ(kv_cache_bytes(attn, 5, 100), 2.0 * (8 * 8 + 8) * 4);
}

TEST(CostModel, PairCountsMatchTheMask) {
  for (MaskKind mask : {MaskKind::Causal, MaskKind::None, MaskKind::Window})
    for (int L : {1, 5, 33, 100})
      for (int window : {1, 4, 32, 200}) {
        int64_t count = 0;
        for (int t = 0; t < L; ++t)
          for (int s = 0; s < L; ++s) count += mask_allows(mask, window, t, s);
        EXPECT_EQ(attention_pairs(mask, window, L), count) << "mask " << static_cast<int>(mask) << " L " << L;
      }
}

TEST(CostModel, ComplexFlagMatchesTheModel) {
  for (SsmVariant v : {SsmVariant::S4D, SsmVariant::Dense, SsmVariant::Shift, SsmVariant::S6, SsmVariant::Mamba2})
    for (SsmInit init : {SsmInit::S4DLin, SsmInit::S4DInv, SsmInit::S4DReal, SsmInit::HippoLegs, SsmInit::Random}) {
      const Session s = test::ssm_session(v, init, Discretization::Zoh, 4, 4);
      Timings timings;
      EXPECT_EQ(ssm_is_complex(s.ssm), run_ssm(s, test::random_u(3, 4), timings).is_complex)
          << "variant " << static_cast<int>(v) << " init " << static_cast<int>(init);
    }
}

}  // namespace
}  // namespace seqscope::compute
