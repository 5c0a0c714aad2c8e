#version 450
// The hidden attention's overview for L beyond a full map: alpha_d pooled to [P, P] blocks
// (largest |alpha| and mean alpha, zeros above the diagonal of a forward model counting), never
// holding [L, L]. Workgroup (b, channel) walks the query rows of bin b; each invocation sums
// its own key bins (map_pool_common.glsl). Entries come from hidden_attention_entry.glsl, as
// in the full map.
#include "workgroup_order.glsl"
#include "map_pool_common.glsl"

layout(local_size_x_id = 0) in;

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
layout(std430, binding = 5) buffer PoolMax { float pool_max[]; };    // [Ch, P, P]
layout(std430, binding = 6) buffer PoolMean { float pool_mean[]; };  // [Ch, P, P]

layout(push_constant) uniform Push {
  int L;
  int D;
  int N;
  int lti;
  int bidirectional;
  int complex_a;
  float re_scale;
  int P;
  int row_lo;  // the rows of each row bin this dispatch walks: [row_lo, row_hi)
  int row_hi;
  int finish;  // 1: the last dispatch, which stores means
};

#include "hidden_attention_entry.glsl"
#include "map_pool_store.glsl"

void main() {
  // Row bin b (later bins have more keys under a causal mask: zigzag order, workgroup_order.glsl).
  const int b = zigzag(int(gl_WorkGroupID.x), int(gl_NumWorkGroups.x)), ch = int(gl_WorkGroupID.y), d = channels[ch];
  const int group = int(gl_WorkGroupSize.x), first_bin = int(gl_LocalInvocationID.x);
  float largest[kBinsPerInvocation], total[kBinsPerInvocation];
  load_bins(ch, b, largest, total);
  const int t0 = bin_begin(b, L, P), t1 = bin_begin(b + 1, L, P);
  for (int t = t0 + row_lo; t < min(t1, t0 + row_hi); ++t) {
    const int last_key = bidirectional != 0 ? L - 1 : t;  // above the diagonal: exact zeros
    for (int i = 0; i < kBinsPerInvocation; ++i) {
      const int j = first_bin + i * group;
      if (j >= P) break;
      const int s1 = min(bin_begin(j + 1, L, P) - 1, last_key);
      for (int s = bin_begin(j, L, P); s <= s1; ++s) {
        const float a = alpha_entry(ch, d, t, s);
        largest[i] = max(largest[i], abs(a));
        total[i] += a;
      }
    }
  }
  store_bins(ch, b, largest, total);
}
