// Vulkan error handling. Setup code returns VkStatus (the VkResult and a human reason, as
// vk-bootstrap does); per-frame calls use SEQSCOPE_VK_CHECK, which throws VulkanError with the
// file and line, so the app can show it in a modal and the CLI can print one line.
#pragma once
#include <vulkan/vulkan.h>

#include <stdexcept>
#include <string>

namespace seqscope::gpu {

// Name of a VkResult, e.g. "VK_ERROR_OUT_OF_DEVICE_MEMORY".
const char* result_name(VkResult result);

struct VkStatus {
  VkResult result = VK_SUCCESS;
  std::string reason;  // empty on success
  bool ok() const { return result == VK_SUCCESS && reason.empty(); }
  std::string message() const { return reason + " (" + result_name(result) + ")"; }
};

struct VulkanError : std::runtime_error {
  VkResult result;
  VulkanError(VkResult r, const std::string& what) : std::runtime_error(what), result(r) {}
};

[[noreturn]] void throw_vk_error(VkResult result, const char* expr, const char* file, int line);

}  // namespace seqscope::gpu

#define SEQSCOPE_VK_CHECK(expr)                                                   \
  do {                                                                            \
    VkResult seqscope_vk_result_ = (expr);                                        \
    if (seqscope_vk_result_ < 0)                                                  \
      ::seqscope::gpu::throw_vk_error(seqscope_vk_result_, #expr, __FILE__, __LINE__); \
  } while (0)
