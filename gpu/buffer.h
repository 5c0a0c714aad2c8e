// GpuBuffer: a storage buffer in host-visible, coherent memory, persistently mapped. Grown,
// never shrunk, so that recomputes reuse it. Every buffer is host-visible today, which suits
// lavapipe and integrated GPUs; device-local buffers with staging for discrete GPUs are the
// Vulkan issue's work (docs/vulkan.md).
#pragma once
#include <vulkan/vulkan.h>

#include <cstddef>
#include <cstdint>
#include <span>

#include "gpu/context.h"
#include "gpu/handle.h"

namespace seqscope::gpu {

class GpuBuffer {
 public:
  GpuBuffer(const Context& context, VkDeviceSize bytes, VkBufferUsageFlags usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT);
  GpuBuffer(const GpuBuffer&) = delete;
  GpuBuffer& operator=(const GpuBuffer&) = delete;

  VkBuffer buffer() const { return buffer_.get(); }
  VkDeviceSize size() const { return size_; }
  void* mapped() const { return mapped_; }
  // Unique in the process and never reused, unlike the VkBuffer handle, which the driver may
  // give to the next buffer once this one is destroyed: caches key on this.
  uint64_t id() const { return id_; }
  // Copies `values` to the start of the buffer (throws if they do not fit).
  void upload(std::span<const float> values);

 private:
  BufferHandle buffer_;
  MemoryHandle memory_;  // declared after buffer_: freed (and unmapped) first
  VkDeviceSize size_ = 0;
  void* mapped_ = nullptr;
  uint64_t id_ = 0;
};

}  // namespace seqscope::gpu
