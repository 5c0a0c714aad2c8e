#version 450
// Hidden attention, pass 2: alpha_d[t, s] in 2-D tiles of TILE x TILE, one invocation per
// entry, one workgroup per (tile, requested channel). Selective models:
//   forward  (s <= t): s * Re sum_n C[t, n] exp(Lambda_t - Lambda_s) Bbar[s, n]
//   backward (s >= t): the same with exp(Lambda_{s-1} - Lambda_{t-1}) (the reversed scan),
// LTI models: K[t - s] (and K[s - t] backward), the Toeplitz matrix of the kernel. Tiles
// entirely above the diagonal of a forward-only model do no work and write zeros.

layout(local_size_x_id = 0, local_size_y_id = 0) in;

// The inputs are uniform texel buffers: lavapipe fetches a texel with a gather, where it loops
// over the SIMD lanes with a branch for each storage-buffer load (docs/vulkan.md).
layout(binding = 0) uniform samplerBuffer C_tex;       // C: [L, N] complex (selective)
layout(binding = 1) uniform samplerBuffer Bbar_tex;    // Bbar: [L, D, N] complex
layout(binding = 2) uniform samplerBuffer prefix_tex;  // prefix: [Ch, L, N] (Lambda.re hi, lo, .im hi, lo)
layout(binding = 3) uniform samplerBuffer kernel_tex;  // kernel: [D, L] (LTI)
vec2 C_at(int i) { return texelFetch(C_tex, i).xy; }
vec2 Bbar_at(int i) { return texelFetch(Bbar_tex, i).xy; }
vec4 prefix_at(int i) { return texelFetch(prefix_tex, i); }
float kernel_at(int i) { return texelFetch(kernel_tex, i).x; }
layout(std430, binding = 4) readonly buffer Channels { int channels[]; };  // channels: [Ch]
layout(std430, binding = 5) writeonly buffer Alpha { float alpha[]; };     // alpha: [Ch, L, L]

layout(push_constant) uniform Push {
  int L;
  int D;
  int N;
  int lti;
  int bidirectional;
  int complex_a;
  float re_scale;
};

#include "hidden_attention_entry.glsl"
#include "workgroup_order.glsl"

void main() {
  const int ch = int(gl_WorkGroupID.z);
  const int tile = int(gl_WorkGroupSize.x);
  const int s = int(gl_GlobalInvocationID.x);
  const int row_tile = zigzag(int(gl_WorkGroupID.y), int(gl_NumWorkGroups.y));  // balanced (workgroup_order.glsl)
  const int t = row_tile * tile + int(gl_LocalInvocationID.y);
  const int t_last = row_tile * tile + tile - 1;
  const int s_first = int(gl_WorkGroupID.x) * tile;
  if (s >= L || t >= L) return;
  const int out_idx = (ch * L + t) * L + s;
  if (bidirectional == 0 && s_first > t_last) {
    alpha[out_idx] = 0.0;  // the whole tile is above the diagonal
    return;
  }
  alpha[out_idx] = alpha_entry(ch, channels[ch], t, s);
}
