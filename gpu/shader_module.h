// A VkShaderModule from the SPIR-V embedded at build time (shaders/), shared by the compute
// pipelines and the heatmap's graphics pipeline.
#pragma once
#include <vulkan/vulkan.h>

#include <string_view>

#include "gpu/handle.h"

namespace seqscope::gpu {

// Throws VulkanError when there is no embedded shader of that name or creation fails.
ShaderModuleHandle make_shader_module(VkDevice device, std::string_view name);

}  // namespace seqscope::gpu
