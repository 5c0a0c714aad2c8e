#include "gpu/buffer.h"

#include <atomic>
#include <cstring>

namespace seqscope::gpu {
namespace {
std::atomic<uint64_t> next_buffer_id{1};
}  // namespace

GpuBuffer::GpuBuffer(const Context& context, VkDeviceSize bytes, VkBufferUsageFlags usage)
    : size_(bytes), id_(next_buffer_id.fetch_add(1)) {
  VkDevice device = context.device();
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = bytes > 0 ? bytes : 4;
  info.usage = usage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  SEQSCOPE_VK_CHECK(vkCreateBuffer(device, &info, nullptr, buffer_.receive(device)));
  VkMemoryRequirements requirements;
  vkGetBufferMemoryRequirements(device, buffer_.get(), &requirements);
  const auto type = context.find_memory_type(requirements.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                                              VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
  if (!type)
    throw VulkanError(VK_ERROR_OUT_OF_DEVICE_MEMORY, "no host-visible coherent memory type for a storage buffer");
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = requirements.size;
  alloc.memoryTypeIndex = *type;
  SEQSCOPE_VK_CHECK(vkAllocateMemory(device, &alloc, nullptr, memory_.receive(device)));
  SEQSCOPE_VK_CHECK(vkBindBufferMemory(device, buffer_.get(), memory_.get(), 0));
  SEQSCOPE_VK_CHECK(vkMapMemory(device, memory_.get(), 0, VK_WHOLE_SIZE, 0, &mapped_));
}

void GpuBuffer::upload(std::span<const float> values) {
  if (values.size_bytes() > size_) throw VulkanError(VK_ERROR_OUT_OF_DEVICE_MEMORY, "upload larger than the buffer");
  std::memcpy(mapped_, values.data(), values.size_bytes());
}

}  // namespace seqscope::gpu
