#version 450
// Hidden attention, pass 2: alpha_d[t, s] in 2-D tiles of TILE x TILE, one invocation per
// entry, one workgroup per (tile, requested channel). Selective models:
//   forward  (s <= t): s * Re sum_n C[t, n] exp(Lambda_t - Lambda_s) Bbar[s, n]
//   backward (s >= t): the same with exp(Lambda_{s-1} - Lambda_{t-1}) (the reversed scan),
// LTI models: K[t - s] (and K[s - t] backward), the Toeplitz matrix of the kernel. Tiles
// entirely above the diagonal of a forward-only model do no work and write zeros.

layout(local_size_x_id = 0, local_size_y_id = 0) in;

layout(std430, binding = 0) readonly buffer CC { vec2 C[]; };            // C: [L, N] (selective)
layout(std430, binding = 1) readonly buffer BbarIn { vec2 Bbar[]; };     // Bbar: [L, D, N]
layout(std430, binding = 2) readonly buffer Prefix { vec4 prefix[]; };   // prefix: [Ch, L, N]
layout(std430, binding = 3) readonly buffer K { float kernel[]; };       // kernel: [D, L] (LTI)
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

void main() {
  const int ch = int(gl_WorkGroupID.z);
  const int tile = int(gl_WorkGroupSize.x);
  const int s = int(gl_GlobalInvocationID.x);
  const int t = int(gl_GlobalInvocationID.y);
  const int t_last = int(gl_WorkGroupID.y) * tile + tile - 1;
  const int s_first = int(gl_WorkGroupID.x) * tile;
  if (s >= L || t >= L) return;
  const int out_idx = (ch * L + t) * L + s;
  if (bidirectional == 0 && s_first > t_last) {
    alpha[out_idx] = 0.0;  // the whole tile is above the diagonal
    return;
  }
  alpha[out_idx] = alpha_entry(ch, channels[ch], t, s);
}
