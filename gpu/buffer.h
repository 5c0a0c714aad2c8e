// GpuBuffer: a storage buffer, either in host-visible, coherent memory and persistently mapped
// (lavapipe, integrated GPUs: the memory is the host's anyway), or in device-local memory that the
// host reaches only through a staging copy (discrete GPUs; compute/vulkan's BufferPool does the
// copies). Grown, never shrunk, so that recomputes reuse it (docs/vulkan.md).
#pragma once
#include <vulkan/vulkan.h>

#include <cstddef>
#include <cstdint>
#include <span>

#include "gpu/context.h"
#include "gpu/handle.h"

namespace seqscope::gpu {

enum class BufferMemory {
  HostVisible,  // mapped: the host reads and writes it directly
  DeviceLocal,  // not mapped; also a transfer source and destination, for staging copies
};

class GpuBuffer {
 public:
  GpuBuffer(const Context& context, VkDeviceSize bytes, VkBufferUsageFlags usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
            BufferMemory memory = BufferMemory::HostVisible);
  GpuBuffer(const GpuBuffer&) = delete;
  GpuBuffer& operator=(const GpuBuffer&) = delete;

  VkBuffer buffer() const { return buffer_.get(); }
  VkDeviceSize size() const { return size_; }
  void* mapped() const { return mapped_; }  // nullptr for BufferMemory::DeviceLocal
  bool host_visible() const { return mapped_ != nullptr; }
  // Unique in the process and never reused, unlike the VkBuffer handle, which the driver may
  // give to the next buffer once this one is destroyed: caches key on this.
  uint64_t id() const { return id_; }
  // Copies `values` to the start of a host-visible buffer (throws if they do not fit).
  void upload(std::span<const float> values);
  // A view of the whole buffer as texels of 1, 2 or 4 floats (R32, R32G32, R32G32B32A32_SFLOAT),
  // for a uniform texel buffer binding; made on first use. The buffer must have
  // VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT. Throws past the device's maxTexelBufferElements.
  VkBufferView texel_view(const Context& context, int components) const;

 private:
  BufferHandle buffer_;
  MemoryHandle memory_;  // declared after buffer_: freed (and unmapped) first
  mutable BufferViewHandle texels_[3];  // 1, 2, 4 floats per texel; destroyed before the buffer
  VkDeviceSize size_ = 0;
  void* mapped_ = nullptr;
  uint64_t id_ = 0;
};

}  // namespace seqscope::gpu
