// Attention parity: scores, probs, out (and the projections) of VulkanBackend against
// EigenBackend for every case of the case table's attention_parity_cases()
// (compute/bench/cases.h): softmax (causal, none, window; ALiBi, RoPE, sinusoidal,
// temperature), linear attention (elu+1 and identity; causal, none, window) and the lag head,
// H = 1..8, one test per case, named after it. Then the pooled overviews past a full map.
#include "compute/bench/cases.h"
#include "compute/session/inputs.h"
#include "tests/compute/vulkan/parity_util.h"

namespace seqscope::parity {
namespace {

void check_attention(const AttentionCase& c) {
  const Session s = session_of(c);
  const Inputs inputs = inputs_of(random_u(c.L, s.d_model, 5));
  const Results eigen = run_eigen(s, inputs);
  const Results vulkan = vulkan_backend().run(s, inputs);
  expect_attention_close(vulkan.attention, eigen.attention);
  EXPECT_EQ(vulkan.timings_ms.count("attention"), 1u);
}

class AttentionParity : public ::testing::TestWithParam<AttentionCase> {};

TEST_P(AttentionParity, MatchesEigen) { check_attention(GetParam()); }

INSTANTIATE_TEST_SUITE_P(CaseTable, AttentionParity, ::testing::ValuesIn(attention_parity_cases()),
                         CaseName());

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

// Issue 19: causal softmax came back wrong on lavapipe once a query saw more than about
// 49152 / dh keys (rows sums of probs up to 1.15, out off by a factor near the row's sum of
// weights) while the case table stayed below that. The shape the issue reported (sine, L 3600,
// d_model 8, 2 heads of width 16) and a wide head at L 1000 (wrong from t = 832 with dh 64).
namespace seqscope::parity {
namespace {

// A signal session of `length` steps with the SSM side given; the attention is the default's.
Session long_signal_session(int length, int d_model, compute::SsmVariant variant, int state_size) {
  Session s;
  s.input.kind = compute::InputKind::Signal;
  s.input.length = length;
  s.d_model = d_model;
  s.ssm.variant = variant;
  s.ssm.state_size = state_size;
  return s;
}

void check_long_softmax(int length, int heads, int head_dim) {
  Session s = long_signal_session(length, 8, compute::SsmVariant::S4D, 4);
  s.input.signal = compute::SignalKind::Sine;
  s.attention.heads = heads;
  s.attention.head_dim = head_dim;
  const Inputs inputs = compute::make_inputs(s);
  const Results eigen = run_eigen(s, inputs);
  const Results vulkan = vulkan_backend().run(s, inputs);
  ASSERT_FALSE(vulkan.attention.pooled());
  expect_close("attention.out", vulkan.attention.out, eigen.attention.out);
  expect_close("attention.probs", vulkan.attention.probs, eigen.attention.probs);
  double worst_row = 0.0;  // every row of the map sums to 1
  const compute::Tensor& p = vulkan.attention.probs;
  for (int h = 0; h < heads; ++h)
    for (int t = 0; t < length; ++t) {
      double sum = 0.0;
      for (int u = 0; u <= t; ++u) sum += p.at(h, t, u);
      worst_row = std::max(worst_row, std::abs(sum - 1.0));
    }
  EXPECT_LT(worst_row, 1e-4);
}

TEST(LongSoftmaxParity, ReportedShapeL3600TwoHeadsOfWidth16) { check_long_softmax(3600, 2, 16); }
TEST(LongSoftmaxParity, WideHeadL1000Width64) { check_long_softmax(1000, 1, 64); }

}  // namespace
}  // namespace seqscope::parity

// Issue 19, the other kernels that loop along the sequence: lavapipe ends an invocation's loops
// after 65535 iterations in all, which cut the dense scan (and the shift register) short past
// about 990 steps at N = 64, the dense kernel K past about 1930 taps at N = 16, and linear
// attention's recurrent output past about 1985 steps at dh = 16. At L 2200 all of them did.
namespace seqscope::parity {
namespace {

void check_long_sequence(compute::SsmVariant variant, compute::MaskKind mask) {
  Session s = long_signal_session(2200, 4, variant, 64);
  if (variant == compute::SsmVariant::Dense) s.ssm.init = compute::SsmInit::HippoLegs;
  s.ssm.hidden_attention_channels = {1};
  s.attention.kind = AttentionKind::Linear;
  s.attention.mask = mask;
  s.attention.window = 64;
  s.attention.heads = 1;
  s.attention.head_dim = 16;
  const Inputs inputs = compute::make_inputs(s);
  const Results eigen = run_eigen(s, inputs);
  const Results vulkan = vulkan_backend().run(s, inputs);
  expect_close("ssm.h", vulkan.ssm.h, eigen.ssm.h);
  expect_close_matrix("ssm.y", vulkan.ssm.y, eigen.ssm.y);
  if (vulkan.ssm.lti) expect_close_matrix("ssm.kernel", vulkan.ssm.kernel, eigen.ssm.kernel);
  expect_close("attention.out", vulkan.attention.out, eigen.attention.out);
}

TEST(LongSequenceParity, DenseScanKernelAndCausalLinearAttention) {
  check_long_sequence(compute::SsmVariant::Dense, MaskKind::Causal);
}
TEST(LongSequenceParity, ShiftRegisterAndLinearAttentionWithoutMask) {
  check_long_sequence(compute::SsmVariant::Shift, MaskKind::None);
}
TEST(LongSequenceParity, LinearAttentionInAWindow) { check_long_sequence(compute::SsmVariant::S6, MaskKind::Window); }

// Found by the generated suite: the dense kernel K of a shift register with N = 4 stopped after
// 4681 taps (gallivm counts a loop's exiting pass too), which fresh zeroed memory hid. A backend
// of its own poisons every buffer it allocates, so the missing taps show as NaN.
TEST(LongSequenceParity, DenseKernelWritesEveryTap) {
  vk::VulkanBackend fresh(testing::test_context());
  fresh.poison_new_buffers(true);
  Session shift = long_signal_session(5793, 3, compute::SsmVariant::Shift, 4);
  shift.ssm.hidden_attention_channels.clear();
  const Inputs inputs = compute::make_inputs(shift);
  const Results eigen = run_eigen(shift, inputs);
  const Results vulkan = fresh.run(shift, inputs);
  expect_close_matrix("ssm.kernel", vulkan.ssm.kernel, eigen.ssm.kernel);
  expect_close_matrix("ssm.y", vulkan.ssm.y, eigen.ssm.y);
}

}  // namespace
}  // namespace seqscope::parity

// Issue 19, the pooled overviews: at L 8000 each row bin has 8 rows of 8-key bins, and pooling
// them with 64-wide heads walked past lavapipe's loop limit (probs mean off by 0.5 %). The
// hidden attention's overview had the same fix (mamba2 with N = 64 at L 8000 was off by 4 %);
// its test would take a minute, so it is left to the generated suite's sampled cases.
namespace seqscope::parity {
namespace {

TEST(LongSequenceParity, PooledAttentionOverviewAtL8000) {
  Session s = long_signal_session(8000, 2, compute::SsmVariant::S4D, 4);
  s.attention.heads = 1;
  s.attention.head_dim = 64;
  const Inputs inputs = compute::make_inputs(s);
  const Results eigen = run_eigen(s, inputs);
  const Results vulkan = vulkan_backend().run(s, inputs);
  ASSERT_TRUE(vulkan.attention.pooled());
  expect_close("probs_overview.max_abs", vulkan.attention.probs_overview.max_abs, eigen.attention.probs_overview.max_abs);
  expect_close("probs_overview.mean", vulkan.attention.probs_overview.mean, eigen.attention.probs_overview.mean);
  expect_close("attention.out", vulkan.attention.out, eigen.attention.out);
}

}  // namespace
}  // namespace seqscope::parity

// Issue 19: the GPU layout (AttentionLayout::Gpu: FlashAttention-2's structure, key and value
// tiles staged in shared memory by the workgroup, and one key per invocation in the map pass),
// run here on lavapipe, which takes the CPU layout by default: every softmax case of the table
// and the reported long shape match Eigen, and give the same bits as the CPU layout (the same
// arithmetic, other loads and another split of the work).
namespace seqscope::parity {
namespace {

vk::VulkanBackend& gpu_layout_backend() {
  static vk::VulkanBackend* backend = [] {
    auto* b = new vk::VulkanBackend(testing::test_context(), vk::BufferPlacement::Auto,
                                    vk::AttentionLayout::Gpu);  // lives with the context
    b->poison_new_buffers(true);
    return b;
  }();
  return *backend;
}

void check_gpu_layout(const Session& s) {
  const Inputs inputs = compute::make_inputs(s);
  const Results eigen = run_eigen(s, inputs);
  const Results gpu = gpu_layout_backend().run(s, inputs);
  const Results cpu = vulkan_backend().run(s, inputs);
  expect_attention_close(gpu.attention, eigen.attention);
  EXPECT_TRUE(gpu.attention.out.data == cpu.attention.out.data) << "out differs from the CPU layout";
  EXPECT_TRUE(gpu.attention.scores.data == cpu.attention.scores.data) << "scores differ from the CPU layout";
  EXPECT_TRUE(gpu.attention.probs.data == cpu.attention.probs.data) << "probs differ from the CPU layout";
}

TEST(GpuLayoutParity, EverySoftmaxCaseOfTheTable) {
  for (const AttentionCase& c : attention_parity_cases()) {
    if (c.kind != AttentionKind::Softmax) continue;
    SCOPED_TRACE(c.name);
    check_gpu_layout(session_of(c));
  }
}

TEST(GpuLayoutParity, ReportedShapeL3600TwoHeadsOfWidth16) {
  Session s = long_signal_session(3600, 8, compute::SsmVariant::S4D, 4);
  s.input.signal = compute::SignalKind::Sine;
  s.attention.heads = 2;
  s.attention.head_dim = 16;
  check_gpu_layout(s);
}

}  // namespace
}  // namespace seqscope::parity
