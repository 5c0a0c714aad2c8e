#include "gpu/buffer.h"

#include <atomic>
#include <cstring>
#include <string>

namespace seqscope::gpu {
namespace {
std::atomic<uint64_t> next_buffer_id{1};
}  // namespace

GpuBuffer::GpuBuffer(const Context& context, VkDeviceSize bytes, VkBufferUsageFlags usage, BufferMemory memory)
    : size_(bytes), id_(next_buffer_id.fetch_add(1)) {
  VkDevice device = context.device();
  const bool device_local = memory == BufferMemory::DeviceLocal;
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = bytes > 0 ? bytes : 4;
  info.usage = usage | (device_local ? VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT : 0);
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  SEQSCOPE_VK_CHECK(vkCreateBuffer(device, &info, nullptr, buffer_.receive(device)));
  VkMemoryRequirements requirements;
  vkGetBufferMemoryRequirements(device, buffer_.get(), &requirements);
  const VkMemoryPropertyFlags wanted = device_local ? VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT
                                                    : VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                          VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  const auto type = context.find_memory_type(requirements.memoryTypeBits, wanted);
  if (!type)
    throw VulkanError(VK_ERROR_OUT_OF_DEVICE_MEMORY, device_local ? "no device-local memory type for a storage buffer"
                                                                  : "no host-visible coherent memory type for a storage buffer");
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = requirements.size;
  alloc.memoryTypeIndex = *type;
  SEQSCOPE_VK_CHECK(vkAllocateMemory(device, &alloc, nullptr, memory_.receive(device)));
  SEQSCOPE_VK_CHECK(vkBindBufferMemory(device, buffer_.get(), memory_.get(), 0));
  if (!device_local) SEQSCOPE_VK_CHECK(vkMapMemory(device, memory_.get(), 0, VK_WHOLE_SIZE, 0, &mapped_));
}

void GpuBuffer::upload(std::span<const float> values) {
  if (!mapped_) throw VulkanError(VK_ERROR_MEMORY_MAP_FAILED, "upload to a device-local buffer (use a staging copy)");
  if (values.size_bytes() > size_) throw VulkanError(VK_ERROR_OUT_OF_DEVICE_MEMORY, "upload larger than the buffer");
  std::memcpy(mapped_, values.data(), values.size_bytes());
}

namespace {

// A texel view of the whole buffer in `format` (texels of `texel_bytes`).
void make_texel_view(const Context& context, VkBuffer buffer, VkDeviceSize size, VkFormat format,
                     VkDeviceSize texel_bytes, BufferViewHandle& view) {
  const VkDeviceSize texels = size / texel_bytes;
  if (texels > context.properties().limits.maxTexelBufferElements)
    throw VulkanError(VK_ERROR_OUT_OF_DEVICE_MEMORY, "a texel view of " + std::to_string(texels) +
                                                         " texels, above the device's maxTexelBufferElements");
  VkBufferViewCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
  info.buffer = buffer;
  info.format = format;
  info.offset = 0;
  info.range = texels * texel_bytes;
  VkDevice device = context.device();
  SEQSCOPE_VK_CHECK(vkCreateBufferView(device, &info, nullptr, view.receive(device)));
}

}  // namespace

VkBufferView GpuBuffer::texel_view(const Context& context, int components) const {
  const int slot = components == 1 ? 0 : components == 2 ? 1 : 2;
  static constexpr VkFormat kFormats[3] = {VK_FORMAT_R32_SFLOAT, VK_FORMAT_R32G32_SFLOAT, VK_FORMAT_R32G32B32A32_SFLOAT};
  if (components != 1 && components != 2 && components != 4)
    throw VulkanError(VK_ERROR_FORMAT_NOT_SUPPORTED, "texels of " + std::to_string(components) + " floats");
  if (!texels_[slot])
    make_texel_view(context, buffer_.get(), size_, kFormats[slot], components * sizeof(float), texels_[slot]);
  return texels_[slot].get();
}

}  // namespace seqscope::gpu
