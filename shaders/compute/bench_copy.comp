#version 450
// Copy bandwidth of the device for `seqscope bench --backend vulkan`: dst = src over vec4 words,
// a grid-stride loop so that any size fits the dispatch limits. The buffers are the same kind
// the compute backend uses (GpuBuffer), so the figure bounds what its kernels can move.

layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Src { vec4 src[]; };   // src: [count]
layout(std430, binding = 1) writeonly buffer Dst { vec4 dst[]; };  // dst: [count]

layout(push_constant) uniform Push {
  uint count;  // vec4 words
};

void main() {
  const uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
  for (uint i = gl_GlobalInvocationID.x; i < count; i += stride) dst[i] = src[i];
}
