// Vulkan context: instance (with the Khronos validation layer when SEQSCOPE_VALIDATION=1),
// physical-device choice, one graphics+compute queue, timestamp support. Shared by the
// compute backend, the window and the offscreen renderer.
//
// Sections: DeviceInfo / list_devices, ContextOptions, Context.
#pragma once
#include <vulkan/vulkan.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gpu/check.h"

namespace seqscope::gpu {

struct DeviceInfo {
  uint32_t index = 0;
  std::string name;
  VkPhysicalDeviceType type = VK_PHYSICAL_DEVICE_TYPE_OTHER;
  uint32_t api_version = 0;
  bool is_cpu() const { return type == VK_PHYSICAL_DEVICE_TYPE_CPU; }
};

// "discrete", "integrated", "virtual", "cpu" or "other".
const char* device_type_name(VkPhysicalDeviceType type);
// "1.3.230"
std::string api_version_string(uint32_t version);

struct ContextOptions {
  bool validation = false;                      // Khronos validation layer + stderr messenger
  std::optional<uint32_t> device_index;         // override of the automatic choice
  std::vector<const char*> instance_extensions;  // e.g. what GLFW needs for a surface
  bool swapchain = false;                       // enable VK_KHR_swapchain on the device
};

// Every physical device, in the loader's order (a bare instance; no device is created).
struct DeviceList {
  std::vector<DeviceInfo> devices;
  VkStatus status;
};
DeviceList list_devices();

// Reads SEQSCOPE_VALIDATION and SEQSCOPE_DEVICE into options (flags given on the command line win).
ContextOptions options_from_environment(ContextOptions options);

class Context;
struct ContextResult {
  std::unique_ptr<Context> context;
  VkStatus status;
};

class Context {
 public:
  static ContextResult create(const ContextOptions& options);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  // Every physical device (also without a usable queue), in the loader's order.
  const std::vector<DeviceInfo>& devices() const { return devices_; }
  const DeviceInfo& device_info() const { return devices_[chosen_]; }

  VkInstance instance() const { return instance_; }
  VkPhysicalDevice physical_device() const { return physical_device_; }
  VkDevice device() const { return device_; }
  VkQueue queue() const { return queue_; }
  uint32_t queue_family() const { return queue_family_; }
  const VkPhysicalDeviceProperties& properties() const { return properties_; }
  bool has_timestamps() const { return timestamp_valid_bits_ > 0; }
  float timestamp_period_ns() const { return properties_.limits.timestampPeriod; }

  // Index of a memory type with all of `required` among `type_bits`; nullopt if none.
  std::optional<uint32_t> find_memory_type(uint32_t type_bits, VkMemoryPropertyFlags required) const;

  // Validation warnings and errors seen so far (each is also printed to stderr).
  uint32_t validation_messages() const { return validation_messages_.load(); }
  bool validation_enabled() const { return messenger_ != VK_NULL_HANDLE; }

  // Records commands with `record` into a one-time command buffer, submits and waits.
  template <typename Record>
  void submit_and_wait(Record&& record);

 private:
  Context() = default;
  VkStatus create_instance(const ContextOptions& options);
  VkStatus choose_physical_device(const ContextOptions& options);
  VkStatus create_device(const ContextOptions& options);
  VkCommandBuffer begin_one_time();
  void end_one_time(VkCommandBuffer cmd);
  static VKAPI_ATTR VkBool32 VKAPI_CALL on_validation_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                              VkDebugUtilsMessageTypeFlagsEXT types,
                                                              const VkDebugUtilsMessengerCallbackDataEXT* data,
                                                              void* user);

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_device_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  VkCommandPool one_time_pool_ = VK_NULL_HANDLE;
  uint32_t queue_family_ = 0;
  uint32_t timestamp_valid_bits_ = 0;
  VkPhysicalDeviceProperties properties_{};
  VkPhysicalDeviceMemoryProperties memory_properties_{};
  std::vector<DeviceInfo> devices_;
  uint32_t chosen_ = 0;
  std::atomic<uint32_t> validation_messages_{0};
};

template <typename Record>
void Context::submit_and_wait(Record&& record) {
  VkCommandBuffer cmd = begin_one_time();
  record(cmd);
  end_one_time(cmd);
}

}  // namespace seqscope::gpu
