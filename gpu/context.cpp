// Vulkan context setup: instance, validation messenger, device choice, logical device.
//
// Index (each part starts at a "// [SECTION] name" line):
//   names
//   environment
//   instance + messenger
//   physical device
//   logical device
//   one-time submits
//   teardown
#include "gpu/context.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <dlfcn.h>
#include <link.h>
#endif

namespace seqscope::gpu {
namespace {

constexpr const char* k_validation_layer = "VK_LAYER_KHRONOS_validation";

// Sanitizer builds only: LeakSanitizer names the module of each frame of a leak's allocation
// stack when it reports, at exit, and tests/lsan.supp matches those names. The Vulkan loader
// unloads the driver (lavapipe) and the layers at vkDestroyInstance, so their leaks would read
// "<unknown module>" and match nothing (issue 15: seen on AMD EPYC, where the stack also stops
// after that frame). Every library loaded once an instance exists is therefore kept mapped
// until exit (RTLD_NODELETE). Release builds never do this.
void keep_loaded_libraries_for_leak_reports() {
#if defined(__SANITIZE_ADDRESS__)
  std::vector<std::string> names;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) {
        auto* found = static_cast<std::vector<std::string>*>(out);
        if (info->dlpi_name && info->dlpi_name[0]) found->push_back(info->dlpi_name);
        return 0;
      },
      &names);
  // dlopen outside the dl_iterate_phdr callback, which holds the dynamic linker's lock.
  for (const std::string& name : names) dlopen(name.c_str(), RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
#endif
}

// Higher is preferred: discrete > integrated > virtual > CPU > other.
int device_rank(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 4;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 3;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 1;
    default: return 0;
  }
}

bool has_layer(const char* name) {
  uint32_t count = 0;
  vkEnumerateInstanceLayerProperties(&count, nullptr);
  std::vector<VkLayerProperties> layers(count);
  vkEnumerateInstanceLayerProperties(&count, layers.data());
  return std::any_of(layers.begin(), layers.end(),
                     [&](const VkLayerProperties& layer) { return std::strcmp(layer.layerName, name) == 0; });
}

bool has_device_extension(VkPhysicalDevice device, const char* name) {
  uint32_t count = 0;
  vkEnumerateDeviceExtensionProperties(device, nullptr, &count, nullptr);
  std::vector<VkExtensionProperties> extensions(count);
  vkEnumerateDeviceExtensionProperties(device, nullptr, &count, extensions.data());
  return std::any_of(extensions.begin(), extensions.end(),
                     [&](const VkExtensionProperties& ext) { return std::strcmp(ext.extensionName, name) == 0; });
}

// First queue family with graphics and compute, or nullopt.
std::optional<uint32_t> graphics_compute_family(VkPhysicalDevice device, uint32_t* timestamp_bits) {
  uint32_t count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(device, &count, nullptr);
  std::vector<VkQueueFamilyProperties> families(count);
  vkGetPhysicalDeviceQueueFamilyProperties(device, &count, families.data());
  const VkQueueFlags needed = VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT;
  for (uint32_t i = 0; i < count; ++i) {
    if ((families[i].queueFlags & needed) == needed) {
      if (timestamp_bits) *timestamp_bits = families[i].timestampValidBits;
      return i;
    }
  }
  return std::nullopt;
}

}  // namespace

// [SECTION] names

const char* device_type_name(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "cpu";
    default: return "other";
  }
}

std::string api_version_string(uint32_t version) {
  return std::to_string(VK_API_VERSION_MAJOR(version)) + "." + std::to_string(VK_API_VERSION_MINOR(version)) + "." +
         std::to_string(VK_API_VERSION_PATCH(version));
}

// [SECTION] environment

ContextOptions options_from_environment(ContextOptions options) {
  if (const char* validation = std::getenv("SEQSCOPE_VALIDATION"))
    options.validation = options.validation || std::strcmp(validation, "0") != 0;
  if (const char* device = std::getenv("SEQSCOPE_DEVICE"); device && !options.device_index) {
    char* end = nullptr;
    const unsigned long index = std::strtoul(device, &end, 10);
    if (end != device && *end == '\0') options.device_index = static_cast<uint32_t>(index);
    else options.device_index = UINT32_MAX;  // reported as "no device with index" by create()
  }
  return options;
}

DeviceList list_devices() {
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "seqscope";
  app.apiVersion = VK_API_VERSION_1_2;
  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pApplicationInfo = &app;
  VkInstance instance = VK_NULL_HANDLE;
  if (VkResult r = vkCreateInstance(&info, nullptr, &instance); r != VK_SUCCESS)
    return {{}, {r, "cannot create a Vulkan instance (is a Vulkan driver such as mesa-vulkan-drivers installed?)"}};
  keep_loaded_libraries_for_leak_reports();
  uint32_t count = 0;
  vkEnumeratePhysicalDevices(instance, &count, nullptr);
  std::vector<VkPhysicalDevice> physical(count);
  vkEnumeratePhysicalDevices(instance, &count, physical.data());
  DeviceList list;
  for (uint32_t i = 0; i < count; ++i) {
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(physical[i], &props);
    list.devices.push_back({i, props.deviceName, props.deviceType, props.apiVersion});
  }
  vkDestroyInstance(instance, nullptr);
  return list;
}

// [SECTION] instance + messenger

VKAPI_ATTR VkBool32 VKAPI_CALL Context::on_validation_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                              VkDebugUtilsMessageTypeFlagsEXT,
                                                              const VkDebugUtilsMessengerCallbackDataEXT* data,
                                                              void* user) {
  auto* self = static_cast<Context*>(user);
  const bool is_error = severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  // The prefix is what the tests look for: any such line fails them.
  std::fprintf(stderr, "[vulkan-validation] %s: %s\n", is_error ? "error" : "warning", data->pMessage);
  self->validation_messages_.fetch_add(1);
  return VK_FALSE;
}

VkStatus Context::create_instance(const ContextOptions& options) {
  std::vector<const char*> extensions = options.instance_extensions;
  std::vector<const char*> layers;
  bool validation = options.validation;
  if (validation && !has_layer(k_validation_layer)) {
    std::fprintf(stderr, "seqscope: SEQSCOPE_VALIDATION is set but %s is not installed (vulkan-validationlayers)\n",
                 k_validation_layer);
    validation = false;
  }
  if (validation) {
    layers.push_back(k_validation_layer);
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  }
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "seqscope";
  app.apiVersion = VK_API_VERSION_1_2;
  VkDebugUtilsMessengerCreateInfoEXT messenger_info{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
  messenger_info.messageSeverity =
      VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  messenger_info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                               VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                               VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
  messenger_info.pfnUserCallback = &Context::on_validation_message;
  messenger_info.pUserData = this;

  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pApplicationInfo = &app;
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  info.enabledLayerCount = static_cast<uint32_t>(layers.size());
  info.ppEnabledLayerNames = layers.data();
  if (validation) info.pNext = &messenger_info;  // also covers vkCreateInstance itself
  if (VkResult r = vkCreateInstance(&info, nullptr, &instance_); r != VK_SUCCESS)
    return {r, "cannot create a Vulkan instance (is a Vulkan driver such as mesa-vulkan-drivers installed?)"};
  keep_loaded_libraries_for_leak_reports();
  if (validation) {
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
    if (!create || create(instance_, &messenger_info, nullptr, &messenger_) != VK_SUCCESS)
      return {VK_ERROR_EXTENSION_NOT_PRESENT, "cannot create the validation messenger"};
  }
  return {};
}

// [SECTION] physical device

VkStatus Context::choose_physical_device(const ContextOptions& options) {
  uint32_t count = 0;
  vkEnumeratePhysicalDevices(instance_, &count, nullptr);
  std::vector<VkPhysicalDevice> physical(count);
  vkEnumeratePhysicalDevices(instance_, &count, physical.data());
  if (count == 0) return {VK_ERROR_INITIALIZATION_FAILED, "no Vulkan device found (install mesa-vulkan-drivers)"};
  for (uint32_t i = 0; i < count; ++i) {
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(physical[i], &props);
    devices_.push_back({i, props.deviceName, props.deviceType, props.apiVersion});
  }
  auto usable = [&](uint32_t i) {
    return graphics_compute_family(physical[i], nullptr).has_value() &&
           (!options.swapchain || has_device_extension(physical[i], VK_KHR_SWAPCHAIN_EXTENSION_NAME));
  };
  std::optional<uint32_t> chosen;
  if (options.device_index) {
    const uint32_t index = *options.device_index;
    if (index >= count)
      return {VK_ERROR_INITIALIZATION_FAILED, "no Vulkan device with index " + std::to_string(index) + " (there are " +
                                                  std::to_string(count) + "; see --list-devices)"};
    if (!usable(index))
      return {VK_ERROR_FEATURE_NOT_PRESENT,
              "Vulkan device " + std::to_string(index) + " has no graphics+compute queue" +
                  (options.swapchain ? " or no swapchain support" : "")};
    chosen = index;
  } else {
    for (uint32_t i = 0; i < count; ++i)
      if (usable(i) && (!chosen || device_rank(devices_[i].type) > device_rank(devices_[*chosen].type))) chosen = i;
    if (!chosen) return {VK_ERROR_FEATURE_NOT_PRESENT, "no Vulkan device has a graphics+compute queue"};
  }
  chosen_ = *chosen;
  physical_device_ = physical[chosen_];
  queue_family_ = *graphics_compute_family(physical_device_, &timestamp_valid_bits_);
  vkGetPhysicalDeviceProperties(physical_device_, &properties_);
  vkGetPhysicalDeviceMemoryProperties(physical_device_, &memory_properties_);
  return {};
}

// [SECTION] logical device

VkStatus Context::create_device(const ContextOptions& options) {
  const float priority = 1.0f;
  VkDeviceQueueCreateInfo queue_info{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queue_info.queueFamilyIndex = queue_family_;
  queue_info.queueCount = 1;
  queue_info.pQueuePriorities = &priority;
  std::vector<const char*> extensions;
  if (options.swapchain) extensions.push_back(VK_KHR_SWAPCHAIN_EXTENSION_NAME);
  VkDeviceCreateInfo info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &queue_info;
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  if (VkResult r = vkCreateDevice(physical_device_, &info, nullptr, &device_); r != VK_SUCCESS)
    return {r, "cannot create a logical device on " + device_info().name};
  vkGetDeviceQueue(device_, queue_family_, 0, &queue_);
  VkCommandPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pool_info.flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT;
  pool_info.queueFamilyIndex = queue_family_;
  if (VkResult r = vkCreateCommandPool(device_, &pool_info, nullptr, &one_time_pool_); r != VK_SUCCESS)
    return {r, "cannot create a command pool"};
  return {};
}

ContextResult Context::create(const ContextOptions& options) {
  std::unique_ptr<Context> context(new Context());
  VkStatus status = context->create_instance(options);
  if (status.ok()) status = context->choose_physical_device(options);
  if (status.ok()) status = context->create_device(options);
  if (!status.ok()) return {nullptr, status};
  return {std::move(context), status};
}

std::optional<uint32_t> Context::find_memory_type(uint32_t type_bits, VkMemoryPropertyFlags required) const {
  for (uint32_t i = 0; i < memory_properties_.memoryTypeCount; ++i)
    if ((type_bits & (1u << i)) && (memory_properties_.memoryTypes[i].propertyFlags & required) == required) return i;
  return std::nullopt;
}

// [SECTION] one-time submits

VkCommandBuffer Context::begin_one_time() {
  VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  alloc.commandPool = one_time_pool_;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  SEQSCOPE_VK_CHECK(vkAllocateCommandBuffers(device_, &alloc, &cmd));
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  SEQSCOPE_VK_CHECK(vkBeginCommandBuffer(cmd, &begin));
  return cmd;
}

void Context::end_one_time(VkCommandBuffer cmd) {
  SEQSCOPE_VK_CHECK(vkEndCommandBuffer(cmd));
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &cmd;
  SEQSCOPE_VK_CHECK(vkQueueSubmit(queue_, 1, &submit, VK_NULL_HANDLE));
  SEQSCOPE_VK_CHECK(vkQueueWaitIdle(queue_));
  vkFreeCommandBuffers(device_, one_time_pool_, 1, &cmd);
}

// [SECTION] teardown

Context::~Context() {
  if (device_) {
    vkDeviceWaitIdle(device_);
    if (one_time_pool_) vkDestroyCommandPool(device_, one_time_pool_, nullptr);
    vkDestroyDevice(device_, nullptr);
  }
  if (messenger_) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy) destroy(instance_, messenger_, nullptr);
  }
  if (instance_) vkDestroyInstance(instance_, nullptr);
}

}  // namespace seqscope::gpu
