#include "gpu/check.h"

#include <filesystem>

namespace seqscope::gpu {

const char* result_name(VkResult result) {
  switch (result) {
#define SEQSCOPE_RESULT_CASE(name) \
  case name:                       \
    return #name;
    SEQSCOPE_RESULT_CASE(VK_SUCCESS)
    SEQSCOPE_RESULT_CASE(VK_NOT_READY)
    SEQSCOPE_RESULT_CASE(VK_TIMEOUT)
    SEQSCOPE_RESULT_CASE(VK_INCOMPLETE)
    SEQSCOPE_RESULT_CASE(VK_SUBOPTIMAL_KHR)
    SEQSCOPE_RESULT_CASE(VK_ERROR_OUT_OF_HOST_MEMORY)
    SEQSCOPE_RESULT_CASE(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    SEQSCOPE_RESULT_CASE(VK_ERROR_INITIALIZATION_FAILED)
    SEQSCOPE_RESULT_CASE(VK_ERROR_DEVICE_LOST)
    SEQSCOPE_RESULT_CASE(VK_ERROR_MEMORY_MAP_FAILED)
    SEQSCOPE_RESULT_CASE(VK_ERROR_LAYER_NOT_PRESENT)
    SEQSCOPE_RESULT_CASE(VK_ERROR_EXTENSION_NOT_PRESENT)
    SEQSCOPE_RESULT_CASE(VK_ERROR_FEATURE_NOT_PRESENT)
    SEQSCOPE_RESULT_CASE(VK_ERROR_INCOMPATIBLE_DRIVER)
    SEQSCOPE_RESULT_CASE(VK_ERROR_TOO_MANY_OBJECTS)
    SEQSCOPE_RESULT_CASE(VK_ERROR_FORMAT_NOT_SUPPORTED)
    SEQSCOPE_RESULT_CASE(VK_ERROR_SURFACE_LOST_KHR)
    SEQSCOPE_RESULT_CASE(VK_ERROR_NATIVE_WINDOW_IN_USE_KHR)
    SEQSCOPE_RESULT_CASE(VK_ERROR_OUT_OF_DATE_KHR)
    SEQSCOPE_RESULT_CASE(VK_ERROR_OUT_OF_POOL_MEMORY)
#undef SEQSCOPE_RESULT_CASE
    default:
      return "VK_ERROR_UNKNOWN";
  }
}

void throw_vk_error(VkResult result, const char* expr, const char* file, int line) {
  const std::string where = std::filesystem::path(file).filename().string() + ":" + std::to_string(line);
  throw VulkanError(result, std::string("Vulkan call failed: ") + expr + " returned " + result_name(result) +
                                " at " + where);
}

}  // namespace seqscope::gpu
