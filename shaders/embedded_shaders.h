// SPIR-V of the shaders in this folder, compiled by glslc at build time and linked in.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace seqscope::shaders {
// Words of the shader file `name` (e.g. "heatmap.frag"); empty when there is no such shader.
std::span<const uint32_t> spirv(std::string_view name);
}  // namespace seqscope::shaders
