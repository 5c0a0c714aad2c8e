#version 450
// The attention map [H, L, L] in 2-D tiles of TILE x TILE, one invocation per (t, s):
//   softmax: scores = q.k * scale - ALiBi (-inf where masked), probs = exp(score - m) / l from
//            the row statistics of attention_flash.comp;
//   linear:  scores = phi(q).phi(k) (unmasked, as the reference shows them), probs =
//            phi(q).phi(k) / den_t with den_t from attention_linear_den.comp, 0 where masked;
//   lag:     scores 0 at the source t - lag, -inf elsewhere; probs one-hot.
// Tiles the mask removes entirely write -inf / 0 without any dot product.
#include "attention_common.glsl"

layout(local_size_x_id = 0, local_size_y_id = 0) in;

layout(binding = 0) uniform samplerBuffer q_tex;  // q: [H, L, dh] (a uniform texel buffer:
layout(binding = 1) uniform samplerBuffer k_tex;  // k: [H, L, dh]  lavapipe fetches them without a branch per lane)
float q_at(int i) { return texelFetch(q_tex, i).x; }
float k_at(int i) { return texelFetch(k_tex, i).x; }
layout(std430, binding = 2) readonly buffer Slopes { vec2 slopes[]; };  // slopes: [H] (hi, lo)
layout(std430, binding = 3) readonly buffer Stats { vec4 stats[]; };    // stats: [H, L] softmax (m, l) | linear (den)
layout(std430, binding = 4) writeonly buffer Scores { float scores[]; };  // scores: [H, L, L]
layout(std430, binding = 5) writeonly buffer Probs { float probs[]; };    // probs: [H, L, L]

layout(push_constant) uniform Push {
  int L;
  int dh;
  int mask;
  int window;
  float scale;
  int kind;  // 0 softmax, 1 linear, 2 lag (compute::AttentionKind)
  int feature_map;  // linear: 0 elu + 1, 1 identity
  int lag;
};

#include "attention_map_entry.glsl"

bool tile_masked(int t0, int t1, int s0, int s1) {
  if (mask == kMaskNone) return false;
  if (s0 > t1) return true;                                      // above the diagonal
  return mask == kMaskWindow && s1 <= t0 - window;               // left of the band
}

void main() {
  const int h = int(gl_WorkGroupID.z);
  const int tile = int(gl_WorkGroupSize.x);
  const int s = int(gl_GlobalInvocationID.x);
  const int t = int(gl_GlobalInvocationID.y);
  if (s >= L || t >= L) return;
  const int idx = (h * L + t) * L + s;
  const int t0 = int(gl_WorkGroupID.y) * tile, s0 = int(gl_WorkGroupID.x) * tile;
  if (kind == 0 && tile_masked(t0, t0 + tile - 1, s0, s0 + tile - 1)) {
    scores[idx] = kNegInf;
    probs[idx] = 0.0;
    return;
  }
  float score;
  probs[idx] = map_entry(h, t, s, score);
  scores[idx] = score;
}
