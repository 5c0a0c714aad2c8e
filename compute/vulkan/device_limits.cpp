// measure_device_limits (device_limits.h): bench_copy.comp and bench_fma.comp, timed with the
// Recorder's timestamps. The FMA dispatch grows (more workgroups, then more iterations) until
// one run takes kMinRunMs, so that a GPU is filled and lavapipe is not kept for minutes.
#include "compute/vulkan/device_limits.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>

#include "compute/vulkan/compute_pipeline.h"

namespace seqscope::vk {

namespace {

constexpr uint32_t kGroup = 256;
constexpr double kMinRunMs = 5.0;
constexpr uint32_t kMaxGroups = 65535;  // the minimum maxComputeWorkGroupCount[0] of the spec

struct CopyPush {
  uint32_t count;
};
struct FmaPush {
  int32_t iterations;
  float multiplier, addend;
};

// Milliseconds of the dispatches `record` adds, from timestamps (or the submit's wall clock).
double time_dispatch(gpu::Context& context, RecorderPools& pools, const std::function<void(Recorder&)>& record) {
  pools.reset();
  std::optional<Recorder> recorder;
  const auto start = std::chrono::steady_clock::now();
  context.submit_and_wait([&](VkCommandBuffer cmd) {
    recorder.emplace(context, cmd, pools);
    recorder->begin_op("run");
    record(*recorder);
    recorder->end_op();
    recorder->finish();
  });
  const double wall = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const auto timings = recorder->read_timings();
  const auto it = timings.find("run");
  return it != timings.end() && it->second > 0.0 ? it->second : wall;
}

// Best of `runs` after a warm-up.
double best_ms(int runs, const std::function<double()>& run) {
  run();
  double best = run();
  for (int i = 1; i < runs; ++i) best = std::min(best, run());
  return best;
}

double measure_copy_gbps(gpu::Context& context, RecorderPools& pools, bool quick) {
  const VkDeviceSize limit = context.properties().limits.maxStorageBufferRange;
  const VkDeviceSize bytes = std::min<VkDeviceSize>(limit, VkDeviceSize{quick ? 64u : 256u} << 20) / 16 * 16;
  // The memory the kernels' buffers live in (BufferPool): device-local on a discrete GPU.
  const auto memory = BufferPool(context).device_local() ? gpu::BufferMemory::DeviceLocal : gpu::BufferMemory::HostVisible;
  gpu::GpuBuffer src(context, bytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, memory);
  gpu::GpuBuffer dst(context, bytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, memory);
  if (src.host_visible())
    std::fill_n(static_cast<float*>(src.mapped()), bytes / sizeof(float), 1.0f);
  else
    context.submit_and_wait([&](VkCommandBuffer cmd) { vkCmdFillBuffer(cmd, src.buffer(), 0, VK_WHOLE_SIZE, 0x3f800000u); });
  const ComputePipeline copy(context, "bench_copy.comp", 2, {static_cast<int32_t>(kGroup)});
  const CopyPush push{static_cast<uint32_t>(bytes / 16)};
  const uint32_t groups = std::min<uint32_t>(kMaxGroups, groups_for(push.count, kGroup));
  const double ms = best_ms(quick ? 3 : 6, [&] {
    return time_dispatch(context, pools, [&](Recorder& rec) { rec.dispatch(copy, {&src, &dst}, push, groups); });
  });
  return 2.0 * static_cast<double>(bytes) / (ms * 1e6);  // read + written, GB/s
}

double measure_fma_gflops(gpu::Context& context, RecorderPools& pools, bool quick) {
  const ComputePipeline fma(context, "bench_fma.comp", 1, {static_cast<int32_t>(kGroup)});
  gpu::GpuBuffer sink(context, 16);
  FmaPush push{64, 0.999999f, 1e-7f};
  uint32_t groups = 16;
  const auto run = [&] {
    return time_dispatch(context, pools, [&](Recorder& rec) { rec.dispatch(fma, {&sink}, push, groups); });
  };
  double ms = run();
  while (ms < kMinRunMs && groups < kMaxGroups) {  // fill the device first
    groups = std::min<uint32_t>(kMaxGroups, groups * 2);
    ms = run();
  }
  while (ms < kMinRunMs && push.iterations < (1 << 20)) {  // then lengthen each invocation
    push.iterations *= 2;
    ms = run();
  }
  ms = best_ms(quick ? 3 : 6, run);
  const double flops = double(groups) * kGroup * push.iterations * 8.0 * 4.0 * 2.0;
  return flops / (ms * 1e6);
}

}  // namespace

compute::MachineLimits measure_device_limits(gpu::Context& context, bool quick) {
  RecorderPools pools(context, 1, 2, 2);
  compute::MachineLimits limits;
  limits.copy_gbps = measure_copy_gbps(context, pools, quick);
  limits.fma_gflops = measure_fma_gflops(context, pools, quick);
  limits.device = context.device_info().name;
  return limits;
}

}  // namespace seqscope::vk
