// The Vulkan backend as a Backend: buffers reused across recomputes, per-op timestamps, the
// storage-buffer limit as a one-line UserError, and make_backend's choices.
#include <string>

#include "compute/vulkan/backend_factory.h"
#include "compute/vulkan/device_limits.h"
#include "tests/compute/vulkan/parity_util.h"

namespace seqscope::parity {
namespace {

Session small_lti_session() {
  Session s;
  s.d_model = 4;
  s.ssm.variant = SsmVariant::S4D;
  s.ssm.init = SsmInit::S4DLin;
  s.ssm.state_size = 8;
  s.ssm.hidden_attention_channels = {0, 1};
  return s;
}

// The bench's device limits come from real dispatches: positive, finite, named after the device
// (lavapipe in CI: a few GB/s and tens of GFLOP/s; a GPU: hundreds of GB/s, TFLOP/s).
TEST(DeviceLimits, MeasuredOnTheDevice) {
  const compute::MachineLimits limits = vk::measure_device_limits(testing::test_context(), true);
  EXPECT_EQ(limits.device, testing::test_context().device_info().name);
  EXPECT_GT(limits.copy_gbps, 0.1);
  EXPECT_LT(limits.copy_gbps, 1e5);
  EXPECT_GT(limits.fma_gflops, 1.0);
  EXPECT_LT(limits.fma_gflops, 1e6);
}

TEST(VulkanBackend, ReusesBuffersAndTimesEachOp) {
  vk::VulkanBackend& backend = vulkan_backend();
  EXPECT_EQ(backend.name(), "vulkan");
  const Session s = small_lti_session();
  const Results first = backend.run(s, inputs_of(random_u(300, 4)));
  const size_t allocations = backend.buffer_allocations();
  backend.run(s, inputs_of(random_u(300, 4, 2)));
  backend.run(s, inputs_of(random_u(200, 4, 3)));  // smaller: fits in the same buffers
  EXPECT_EQ(backend.buffer_allocations(), allocations);
  for (const char* op : {"ssm_scan", "kernel", "hidden_attention", "attention", "total"})
    EXPECT_EQ(first.timings_ms.count(op), 1u) << op;
  if (testing::test_context().has_timestamps()) {
    EXPECT_GT(first.timings_ms.at("ssm_scan"), 0.0);
    EXPECT_LE(first.timings_ms.at("attention"), first.timings_ms.at("total"));
  }
}

// Device-local buffers, as a discrete GPU gets them: every upload and read-back goes through the
// staging buffer, new buffers are NaN-filled on the device, and the results still match Eigen
// (an SSM case with gate, conv and both directions; softmax and linear attention; a dense model;
// overviews past the full-map limit). lavapipe has a device-local memory type, so CI runs it.
TEST(VulkanBackend, DeviceLocalBuffersWithStagingMatchEigen) {
  vk::VulkanBackend staged(testing::test_context(), vk::BufferPlacement::DeviceLocal);
  staged.poison_new_buffers(true);
  EXPECT_TRUE(staged.uses_staging());
  EXPECT_FALSE(vulkan_backend().uses_staging());  // lavapipe: host-visible, as Auto chooses there
  const auto check = [&](const Session& s, int D) {
    const Inputs inputs = inputs_of(random_u(sequence_length(s), D, 11));
    const Results eigen = run_eigen(s, inputs);
    const Results vulkan = staged.run(s, inputs);
    expect_ssm_close(vulkan.ssm, eigen.ssm);
    expect_attention_close(vulkan.attention, eigen.attention);
  };
  for (const char* name : {"S6ComplexBidirectionalConvGate", "DenseLegSZoh"})
    for (const SsmCase& c : ssm_parity_cases())
      if (c.name == name) check(session_of(c), c.D);
  for (const char* name : {"SoftmaxAlibiNoMask", "LinearWindow"})
    for (const AttentionCase& c : attention_parity_cases())
      if (c.name == name) check(session_of(c), session_of(c).d_model);
  Session pooled = small_lti_session();
  pooled.input.kind = InputKind::Signal;
  pooled.input.length = 1500;
  pooled.full_map_max_length = 1000;
  check(pooled, pooled.d_model);
  const size_t allocations = staged.buffer_allocations();
  check(pooled, pooled.d_model);  // a recompute reuses every buffer, the staging one too
  EXPECT_EQ(staged.buffer_allocations(), allocations);
}

TEST(VulkanBackend, MapAboveTheStorageBufferRangeIsPooled) {
  const double range = testing::test_context().properties().limits.maxStorageBufferRange;
  // Smallest L whose [1, L, L] float map exceeds one storage buffer (and the 128 MiB budget).
  const int L = static_cast<int>(std::sqrt(std::min(range, 128.0 * 1024 * 1024) / 4.0)) + 1;
  Session s;
  s.d_model = 1;
  s.ssm.state_size = 1;
  s.ssm.hidden_attention_channels.clear();
  s.attention.heads = 1;
  s.attention.head_dim = 1;
  s.attention.mask = MaskKind::Window;  // keeps the overview pass cheap on lavapipe
  s.attention.window = 4;
  const Results r = vulkan_backend().run(s, inputs_of(Matrix::Zero(L, 1)));
  EXPECT_TRUE(r.attention.pooled());
  EXPECT_TRUE(r.attention.probs.data.empty());
  EXPECT_EQ(r.attention.probs_overview.max_abs.shape, (std::vector<int64_t>{1, 1024, 1024}));
}

TEST(VulkanBackend, StateAboveTheStorageBufferRangeIsAUserError) {
  const double range = testing::test_context().properties().limits.maxStorageBufferRange;
  // h [L, D, N] complex floats just above one storage buffer.
  const int D = 64, N = 64;
  const int L = static_cast<int>(range / (8.0 * D * N)) + 1;
  if (L > 65536) GTEST_SKIP() << "this device binds " << range << " bytes";
  Session s;
  s.d_model = D;
  s.ssm.state_size = N;
  s.ssm.hidden_attention_channels.clear();
  s.attention.heads = 1;
  s.attention.head_dim = 1;
  try {
    vulkan_backend().run(s, inputs_of(Matrix::Zero(L, D)));
    FAIL() << "no error for L = " << L;
  } catch (const UserError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("L = " + std::to_string(L)), std::string::npos) << message;
    EXPECT_NE(message.find("MiB"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(BackendFactory, ChoosesByDeviceAndChoice) {
  gpu::Context& context = testing::test_context();
  std::string notice;
  auto eigen = vk::make_backend(BackendChoice::Eigen, &context, &notice);
  EXPECT_EQ(eigen->name(), "eigen");
  EXPECT_TRUE(notice.empty());
  EXPECT_EQ(vk::make_backend(BackendChoice::Vulkan, &context, &notice)->name(), "vulkan");
  EXPECT_THROW(vk::make_backend(BackendChoice::Vulkan, nullptr, &notice), UserError);
  auto automatic = vk::make_backend(BackendChoice::Auto, &context, &notice);
  EXPECT_EQ(automatic->name(), context.device_info().is_cpu() ? "eigen" : "vulkan");
  EXPECT_EQ(notice.empty(), !context.device_info().is_cpu());
  EXPECT_EQ(vk::make_backend(BackendChoice::Auto, nullptr, &notice)->name(), "eigen");
  EXPECT_NE(notice.find("no Vulkan device"), std::string::npos);
}

}  // namespace
}  // namespace seqscope::parity
