#version 450
// The attention map's overview for L beyond a full map: head h's probs pooled to [P, P] blocks
// (largest |p| and mean p, masked cells counting as 0), without ever holding [L, L]. Workgroup
// (b, h) walks the query rows of bin b; each invocation sums its own key bins (see
// map_pool_common.glsl). Entries come from attention_map_entry.glsl, as in the full map.
#include "attention_common.glsl"
#include "map_pool_common.glsl"

layout(local_size_x_id = 0) in;

layout(binding = 0) uniform samplerBuffer q_tex;  // q: [H, L, dh] (a uniform texel buffer:
layout(binding = 1) uniform samplerBuffer k_tex;  // k: [H, L, dh]  lavapipe fetches them without a branch per lane)
float q_at(int i) { return texelFetch(q_tex, i).x; }
float k_at(int i) { return texelFetch(k_tex, i).x; }
layout(std430, binding = 2) readonly buffer Slopes { vec2 slopes[]; };  // slopes: [H] (hi, lo)
layout(std430, binding = 3) readonly buffer Stats { vec4 stats[]; };    // stats: [H, L] softmax (m, l) | linear (den)
layout(std430, binding = 4) buffer PoolMax { float pool_max[]; };    // [H, P, P]
layout(std430, binding = 5) buffer PoolMean { float pool_mean[]; };  // [H, P, P]

layout(push_constant) uniform Push {
  int L;
  int dh;
  int mask;
  int window;
  float scale;
  int kind;  // 0 softmax, 1 linear, 2 lag (compute::AttentionKind)
  int feature_map;  // linear: 0 elu + 1, 1 identity
  int lag;
  int P;
  int row_lo;  // the rows of each row bin this dispatch walks: [row_lo, row_hi)
  int row_hi;
  int finish;  // 1: the last dispatch, which stores means
};

#include "attention_map_entry.glsl"
#include "map_pool_store.glsl"

void main() {
  // Row bin b (later bins have more keys under a causal mask: zigzag order, workgroup_order.glsl).
  const int b = zigzag(int(gl_WorkGroupID.x), int(gl_NumWorkGroups.x)), h = int(gl_WorkGroupID.y);
  const int group = int(gl_WorkGroupSize.x), first_bin = int(gl_LocalInvocationID.x);
  float largest[kBinsPerInvocation], total[kBinsPerInvocation];
  load_bins(h, b, largest, total);
  const int t0 = bin_begin(b, L, P), t1 = bin_begin(b + 1, L, P);
  for (int t = t0 + row_lo; t < min(t1, t0 + row_hi); ++t) {
    // Entries outside the mask (and off the lag head's source) are exact zeros: not visited.
    const int src = t >= lag ? t - lag : t;
    const ivec2 keys = kind == 2 ? ivec2(src, src) : key_range(mask, window, L, t);
    for (int i = 0; i < kBinsPerInvocation; ++i) {
      const int j = first_bin + i * group;
      if (j >= P) break;
      const int s0 = max(bin_begin(j, L, P), keys.x), s1 = min(bin_begin(j + 1, L, P) - 1, keys.y);
      float score;
      for (int s = s0; s <= s1; ++s) {
        const float p = map_entry(h, t, s, score);
        largest[i] = max(largest[i], abs(p));
        total[i] += p;
      }
    }
  }
  store_bins(h, b, largest, total);
}
