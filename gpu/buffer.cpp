#include "gpu/buffer.h"

#include <cstring>

namespace seqscope::gpu {

GpuBuffer::GpuBuffer(const Context& context, VkDeviceSize bytes, VkBufferUsageFlags usage)
    : context_(context), size_(bytes) {
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = bytes > 0 ? bytes : 4;
  info.usage = usage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  SEQSCOPE_VK_CHECK(vkCreateBuffer(context.device(), &info, nullptr, &buffer_));
  VkMemoryRequirements requirements;
  vkGetBufferMemoryRequirements(context.device(), buffer_, &requirements);
  const auto type = context.find_memory_type(requirements.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                                              VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
  if (!type) {
    vkDestroyBuffer(context.device(), buffer_, nullptr);
    throw VulkanError(VK_ERROR_OUT_OF_DEVICE_MEMORY, "no host-visible coherent memory type for a storage buffer");
  }
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = requirements.size;
  alloc.memoryTypeIndex = *type;
  if (VkResult r = vkAllocateMemory(context.device(), &alloc, nullptr, &memory_); r != VK_SUCCESS) {
    vkDestroyBuffer(context.device(), buffer_, nullptr);
    throw_vk_error(r, "vkAllocateMemory", __FILE__, __LINE__);
  }
  SEQSCOPE_VK_CHECK(vkBindBufferMemory(context.device(), buffer_, memory_, 0));
  SEQSCOPE_VK_CHECK(vkMapMemory(context.device(), memory_, 0, VK_WHOLE_SIZE, 0, &mapped_));
}

GpuBuffer::~GpuBuffer() {
  if (memory_) {
    vkUnmapMemory(context_.device(), memory_);
    vkFreeMemory(context_.device(), memory_, nullptr);
  }
  if (buffer_) vkDestroyBuffer(context_.device(), buffer_, nullptr);
}

void GpuBuffer::upload(std::span<const float> values) {
  if (values.size_bytes() > size_) throw VulkanError(VK_ERROR_OUT_OF_DEVICE_MEMORY, "upload larger than the buffer");
  std::memcpy(mapped_, values.data(), values.size_bytes());
}

}  // namespace seqscope::gpu
