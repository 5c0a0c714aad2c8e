// DeviceHandle: owns one Vulkan object created on a device and destroys it exactly once, when
// the handle is reset, reassigned or goes out of scope. A constructor that creates several
// objects and then throws releases the ones it already made, because its members' handles
// are destroyed by the unwinding (issue 16, fault 8).
//
//   DeviceHandle<T, destroy>   the owner; move-only
//   receive(device)            the out-parameter for vkCreate*/vkAllocateMemory
//   BufferHandle, ...          the object types seqscope creates
#pragma once
#include <vulkan/vulkan.h>

#include <utility>

namespace seqscope::gpu {

template <typename T, void (*Destroy)(VkDevice, T, const VkAllocationCallbacks*)>
class DeviceHandle {
 public:
  DeviceHandle() = default;
  ~DeviceHandle() { reset(); }
  DeviceHandle(const DeviceHandle&) = delete;
  DeviceHandle& operator=(const DeviceHandle&) = delete;
  DeviceHandle(DeviceHandle&& other) noexcept
      : device_(other.device_), handle_(std::exchange(other.handle_, VK_NULL_HANDLE)) {}
  DeviceHandle& operator=(DeviceHandle&& other) noexcept {
    if (this != &other) {
      reset();
      device_ = other.device_;
      handle_ = std::exchange(other.handle_, VK_NULL_HANDLE);
    }
    return *this;
  }

  T get() const { return handle_; }
  explicit operator bool() const { return handle_ != VK_NULL_HANDLE; }

  // Destroys what is held and returns the slot a vkCreate* call writes the new object to:
  //   SEQSCOPE_VK_CHECK(vkCreateBuffer(device, &info, nullptr, buffer_.receive(device)));
  T* receive(VkDevice device) {
    reset();
    device_ = device;
    return &handle_;
  }

  void reset() {
    if (handle_ != VK_NULL_HANDLE) Destroy(device_, handle_, nullptr);
    handle_ = VK_NULL_HANDLE;
  }

 private:
  VkDevice device_ = VK_NULL_HANDLE;
  T handle_ = VK_NULL_HANDLE;
};

using BufferHandle = DeviceHandle<VkBuffer, vkDestroyBuffer>;
using BufferViewHandle = DeviceHandle<VkBufferView, vkDestroyBufferView>;
// Freeing memory also unmaps it (Vulkan spec, vkFreeMemory).
using MemoryHandle = DeviceHandle<VkDeviceMemory, vkFreeMemory>;
using ImageHandle = DeviceHandle<VkImage, vkDestroyImage>;
using ImageViewHandle = DeviceHandle<VkImageView, vkDestroyImageView>;
using FramebufferHandle = DeviceHandle<VkFramebuffer, vkDestroyFramebuffer>;
using RenderPassHandle = DeviceHandle<VkRenderPass, vkDestroyRenderPass>;
using ShaderModuleHandle = DeviceHandle<VkShaderModule, vkDestroyShaderModule>;
using DescriptorSetLayoutHandle = DeviceHandle<VkDescriptorSetLayout, vkDestroyDescriptorSetLayout>;
using DescriptorPoolHandle = DeviceHandle<VkDescriptorPool, vkDestroyDescriptorPool>;
using PipelineLayoutHandle = DeviceHandle<VkPipelineLayout, vkDestroyPipelineLayout>;
using PipelineHandle = DeviceHandle<VkPipeline, vkDestroyPipeline>;
using QueryPoolHandle = DeviceHandle<VkQueryPool, vkDestroyQueryPool>;

}  // namespace seqscope::gpu
