#include "gpu/shader_module.h"

#include <string>

#include "embedded_shaders.h"
#include "gpu/check.h"

namespace seqscope::gpu {

ShaderModuleHandle make_shader_module(VkDevice device, std::string_view name) {
  const auto words = shaders::spirv(name);
  if (words.empty()) throw VulkanError(VK_ERROR_INITIALIZATION_FAILED, "missing embedded shader " + std::string(name));
  VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  info.codeSize = words.size_bytes();
  info.pCode = words.data();
  ShaderModuleHandle module;
  SEQSCOPE_VK_CHECK(vkCreateShaderModule(device, &info, nullptr, module.receive(device)));
  return module;
}

}  // namespace seqscope::gpu
