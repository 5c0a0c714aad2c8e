// VulkanBackend: the compute::Backend that runs the SSM scans, kernels, hidden attention and
// the attention maps as Vulkan compute shaders, with the same Results as EigenBackend
// (backend = "vulkan", timings_ms from GPU timestamps per op plus the wall-clock "total").
// Pipelines are built once here; buffers persist and grow across recomputes; one submit per
// run. docs/vulkan.md has the kernels, the buffer design and the limits.
#pragma once
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>

#include "compute/backend/backend.h"
#include "compute/vulkan/buffer_placement.h"
#include "gpu/context.h"

namespace seqscope::vk {

struct Kernels;
class BufferPool;
class RecorderPools;
class Recorder;

class VulkanBackend : public compute::Backend {
 public:
  // placement: where the kernels' buffers live (compute_pipeline.h); Auto: device-local with
  // staging copies on a discrete GPU, host-visible elsewhere. layout: how the softmax attention
  // kernels spread their work (buffer_placement.h); Auto follows the device.
  explicit VulkanBackend(gpu::Context& context);
  VulkanBackend(gpu::Context& context, BufferPlacement placement,
                AttentionLayout layout = AttentionLayout::Auto);
  ~VulkanBackend() override;
  VulkanBackend(const VulkanBackend&) = delete;
  VulkanBackend& operator=(const VulkanBackend&) = delete;

  std::string name() const override { return "vulkan"; }
  // UserError for sessions the math refuses (as EigenBackend) or whose [L, L] maps exceed
  // the device's storage-buffer range.
  compute::Results run(const compute::Session& session, const compute::Inputs& inputs) override;
  // Buffer allocations so far (a recompute of an equal or smaller session adds none).
  size_t buffer_allocations() const;
  // Tests: fill every buffer allocated from now on with NaN bytes, so that an entry a kernel
  // never writes fails parity instead of showing whatever the memory held (often zeros).
  void poison_new_buffers(bool on);
  // Whether uploads and read-backs go through a staging copy (device-local buffers).
  bool uses_staging() const;

  // A real model's layers (compute::checkpoint::LayerKernels, through compute/vulkan/model_kernels.h),
  // on the same kernels as run(). r: a gated S6 layer's inputs; fills y, y_gated and, with
  // states, Abar, Bbar, h, the hidden attention and the eigenvalues.
  void run_model_scan(compute::SsmResults& r, bool states);
  // a: causal softmax heads' q, k, v [H, L, dh]; fills out and, with maps, scores and probs.
  void run_model_attention(compute::AttentionResults& a, bool maps);

 private:
  // One command buffer with what `record` adds, submitted and waited for.
  void submit(const std::function<void(Recorder&)>& record);

  gpu::Context& context_;
  std::unique_ptr<Kernels> kernels_;
  std::unique_ptr<BufferPool> buffers_;
  std::unique_ptr<RecorderPools> pools_;
};

// Per op of Results::timings_ms, the median over up to `runs` runs of `session` on `backend`
// (no warm-up run: the caller decides); after the first run, no new run starts once `budget_s`
// seconds have passed.
std::map<std::string, double> median_timings_ms(VulkanBackend& backend, const compute::Session& session,
                                                const compute::Inputs& inputs, int runs,
                                                double budget_s = std::numeric_limits<double>::infinity());

}  // namespace seqscope::vk
