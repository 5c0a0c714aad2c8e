// GpuBuffer: a storage buffer in host-visible, coherent memory, persistently mapped. Grown,
// never shrunk, so that recomputes reuse it. Every buffer is host-visible today, which suits
// lavapipe and integrated GPUs; device-local buffers with staging for discrete GPUs are the
// Vulkan issue's work (docs/vulkan.md).
#pragma once
#include <vulkan/vulkan.h>

#include <cstddef>
#include <span>

#include "gpu/context.h"

namespace seqscope::gpu {

class GpuBuffer {
 public:
  GpuBuffer(const Context& context, VkDeviceSize bytes, VkBufferUsageFlags usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT);
  ~GpuBuffer();
  GpuBuffer(const GpuBuffer&) = delete;
  GpuBuffer& operator=(const GpuBuffer&) = delete;

  VkBuffer buffer() const { return buffer_; }
  VkDeviceSize size() const { return size_; }
  void* mapped() const { return mapped_; }
  // Copies `values` to the start of the buffer (throws if they do not fit).
  void upload(std::span<const float> values);

 private:
  const Context& context_;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  VkDeviceSize size_ = 0;
  void* mapped_ = nullptr;
};

}  // namespace seqscope::gpu
