// Plumbing of the compute backend: a compute pipeline built once from embedded SPIR-V (one
// descriptor set of storage buffers, a push-constant block of at most 128 bytes, sizes as
// specialization constants), persistent buffers that grow and are reused across recomputes,
// per-run descriptor sets, and a recorder that adds dispatches, barriers and per-op
// timestamps to the one command buffer of a recompute.
//
// Sections: ComputePipeline, BufferPool, RecorderPools, Recorder.
#pragma once
#include <vulkan/vulkan.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compute/vulkan/buffer_placement.h"
#include "gpu/buffer.h"
#include "gpu/context.h"
#include "gpu/handle.h"

namespace seqscope::vk {

// Binding `binding` read as texels of `components` floats (ComputePipeline).
struct TexelBinding {
  uint32_t binding = 0;
  int components = 1;
};

class ComputePipeline {
 public:
  // shader: name as embedded ("ssm_readout.comp"); constants: constant_id i = constants[i];
  // texels: the bindings that are uniform texel buffers of 1, 2 or 4 floats per texel (a
  // read-only `samplerBuffer`, fetched with texelFetch) instead of storage buffers.
  ComputePipeline(const gpu::Context& context, std::string_view shader, uint32_t bindings,
                  std::vector<int32_t> constants, std::vector<TexelBinding> texels = {});

  VkPipeline pipeline() const { return pipeline_.get(); }
  VkPipelineLayout layout() const { return layout_.get(); }
  VkDescriptorSetLayout set_layout() const { return set_layout_.get(); }
  uint32_t bindings() const { return bindings_; }
  // Floats per texel of binding i; 0 for a storage buffer.
  int texel_components(uint32_t i) const { return i < texels_.size() ? texels_[i] : 0; }
  // constant_id 0 of every kernel: the workgroup width (x, and y for square tiles).
  uint32_t local_size() const { return static_cast<uint32_t>(constants_.at(0)); }

 private:
  uint32_t bindings_ = 0;
  std::vector<int> texels_;  // per binding: floats per texel, 0 for a storage buffer
  std::vector<int32_t> constants_;
  gpu::DescriptorSetLayoutHandle set_layout_;
  gpu::PipelineLayoutHandle layout_;
  gpu::PipelineHandle pipeline_;
};

// Named storage buffers, grown on demand (never shrunk, never reallocated while large
// enough), so that a recompute of the same or a smaller session allocates nothing. write() and
// read() move data between the host and a buffer: a memcpy when it is mapped, else a copy
// through one host-visible staging buffer in its own submit.
class BufferPool {
 public:
  explicit BufferPool(gpu::Context& context, BufferPlacement placement = BufferPlacement::Auto);
  // The buffer `name` with room for at least `bytes` (its contents are kept only when it
  // was large enough). Throws gpu::VulkanError above the device's maxStorageBufferRange.
  gpu::GpuBuffer& ensure(const std::string& name, VkDeviceSize bytes);
  gpu::GpuBuffer& at(const std::string& name) const { return *buffers_.at(name); }
  // bytes from data into the start of buffer `name` (created or grown as ensure does).
  void write(const std::string& name, const void* data, size_t bytes);
  // The first `bytes` of buffer `name` into data, after every submitted dispatch.
  void read(const std::string& name, void* data, size_t bytes) const;
  size_t allocations() const { return allocations_; }
  bool device_local() const { return device_local_; }
  // New buffers start as NaN bytes (0xff) instead of undefined contents (tests).
  void set_poison(bool on) { poison_ = on; }

 private:
  gpu::GpuBuffer& staging(VkDeviceSize bytes) const;

  gpu::Context& context_;
  std::map<std::string, std::unique_ptr<gpu::GpuBuffer>> buffers_;
  mutable std::unique_ptr<gpu::GpuBuffer> staging_;  // host-visible, for the device-local copies
  size_t allocations_ = 0;
  bool device_local_ = false;
  bool poison_ = false;
};

// The descriptor pool and timestamp query pool a Recorder draws from: max_dispatches sets of
// up to max_bindings storage buffers, 2 timestamps per op (no query pool without timestamps).
class RecorderPools {
 public:
  RecorderPools(const gpu::Context& context, uint32_t max_dispatches, uint32_t max_bindings, uint32_t max_queries);
  ~RecorderPools();
  RecorderPools(const RecorderPools&) = delete;
  RecorderPools& operator=(const RecorderPools&) = delete;

  // Frees every descriptor set of the last run (before recording the next one).
  void reset();
  VkDescriptorPool descriptors() const { return descriptors_.get(); }
  VkQueryPool queries() const { return queries_.get(); }
  uint32_t max_queries() const { return max_queries_; }
  uint32_t max_dispatches() const { return max_dispatches_; }

 private:
  const gpu::Context& context_;
  uint32_t max_queries_;
  uint32_t max_dispatches_;
  gpu::DescriptorPoolHandle descriptors_;
  gpu::QueryPoolHandle queries_;
};

// Records the dispatches of one recompute into one command buffer: a descriptor set per
// dispatch from a pool reset per run, a compute->compute barrier after each dispatch, and a
// pair of timestamps around each op.
class Recorder {
 public:
  Recorder(const gpu::Context& context, VkCommandBuffer cmd, const RecorderPools& pools);

  template <typename Push>
  void dispatch(const ComputePipeline& pipeline, std::initializer_list<const gpu::GpuBuffer*> buffers, const Push& push,
                uint32_t groups_x, uint32_t groups_y = 1, uint32_t groups_z = 1) {
    static_assert(sizeof(Push) <= 128, "push constants are limited to 128 bytes");
    dispatch_raw(pipeline, buffers, &push, sizeof(Push), groups_x, groups_y, groups_z);
  }
  // Sets the first `bytes` of `buffer` to copies of `word`, before the dispatches that follow.
  void fill(const gpu::GpuBuffer& buffer, VkDeviceSize bytes, uint32_t word);
  void begin_op(const std::string& name);
  void end_op();
  // Makes every shader write visible to the host (before the submit ends).
  void finish();
  // Op name -> milliseconds, read after the submit completed (empty without timestamps).
  std::map<std::string, double> read_timings() const;

 private:
  void dispatch_raw(const ComputePipeline& pipeline, std::initializer_list<const gpu::GpuBuffer*> buffers, const void* push,
                    uint32_t push_bytes, uint32_t groups_x, uint32_t groups_y, uint32_t groups_z);

  const gpu::Context& context_;
  VkCommandBuffer cmd_;
  VkDescriptorPool pool_;
  VkQueryPool queries_;
  uint32_t max_queries_;
  uint32_t max_dispatches_;
  uint32_t dispatches_ = 0;
  std::vector<std::string> ops_;  // op i has queries 2i, 2i+1
};

// ceil(n / d) for dispatch sizes.
inline uint32_t groups_for(int64_t n, uint32_t d) { return static_cast<uint32_t>((n + d - 1) / d); }

}  // namespace seqscope::vk
