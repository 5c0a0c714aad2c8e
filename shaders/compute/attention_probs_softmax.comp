#version 450
#extension GL_EXT_control_flow_attributes : require
// The softmax attention map [H, L, L]: a workgroup of W invocations owns KPI W consecutive keys s
// and W rows t, and walks the rows: scores = q.k * scale - ALiBi (-inf where masked), probs =
// exp(score - m) / l from the row statistics of attention_flash.comp.
//
// SCORES_IN = 0 (a GPU): each invocation keeps its KPI keys' rows of k in registers (DHB / 4 vec4,
// the pipeline specialized for the head width rounded up to a multiple of 4) and repeats the flash
// pass's scores bit for bit (the same vec4 dot products in the same order, the same logit).
// SCORES_IN = 1 (lavapipe): the flash pass wrote every allowed score (its STORE_SCORES) into maps
// the host filled with -inf and 0; the allowed scores are read back as texels and only the
// allowed probabilities are written here (a store is a loop over the SIMD lanes on lavapipe).
//
// q and the statistics are read as texels (one gather each, where lavapipe loops over the SIMD
// lanes with a branch for a storage-buffer load; docs/vulkan.md, "Speed on lavapipe"). With
// SCORES_IN = 0, rows the mask removes for all W keys are written -inf / 0 without a dot product.
#include "attention_common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int DHB = 64;  // the head width rounded up to a multiple of 4
layout(constant_id = 2) const int KPI = 1;  // keys per invocation: each fetched query row serves them all
layout(constant_id = 3) const int SCORES_IN = 0;  // 1: the flash pass wrote the allowed scores
const int D4 = DHB / 4;

layout(binding = 0) uniform samplerBuffer q4;     // q: [H, L, D4] vec4 texels
layout(binding = 1) uniform samplerBuffer k4;     // k: [H, L, D4]
layout(std430, binding = 2) readonly buffer Slopes { vec2 slopes[]; };  // slopes: [H] (hi, lo)
layout(binding = 3) uniform samplerBuffer stats4;  // stats: [H, L] (m, l.hi, l.lo, 0) as vec4 texels
layout(std430, binding = 4) writeonly buffer Scores { float scores[]; };  // scores: [H, L, L]
layout(std430, binding = 5) writeonly buffer Probs { float probs[]; };    // probs: [H, L, L]
layout(binding = 6) uniform samplerBuffer scores_in;  // scores [H, L, L] as texels (SCORES_IN; binding 4's buffer)

layout(push_constant) uniform Push {
  int L;
  int dh;
  int mask;
  int window;
  float scale;
};

#define kNegInf uintBitsToFloat(0xff800000u)

void main() {
  const int h = int(gl_WorkGroupID.z);
  const int w = int(gl_WorkGroupSize.x);
  const int s0 = int(gl_WorkGroupID.x) * w * KPI;  // this workgroup's keys [s0, s0 + KPI w)
  const int s_last = min(L - 1, s0 + KPI * w - 1);
  const int t_begin = zigzag(int(gl_WorkGroupID.y), int(gl_NumWorkGroups.y)) * w;  // balanced (zigzag)
  const int t_end = min(L, t_begin + w);
  int s[KPI];
  vec4 k_row[KPI][D4];
  [[unroll]] for (int r = 0; r < KPI; ++r) {
    s[r] = s0 + r * w + int(gl_LocalInvocationID.x);
    const int sc = min(s[r], L - 1);
    if (SCORES_IN == 0)
      [[unroll]] for (int j = 0; j < D4; ++j) k_row[r][j] = texelFetch(k4, (h * L + sc) * D4 + j);
  }
  const vec2 slope = slopes[h];
  for (int t = t_begin; t < t_end; ++t) {
    const int row = (h * L + t) * L;
    const ivec2 allowed_keys = key_range(mask, window, L, t);
    if (s0 > allowed_keys.y || s_last < allowed_keys.x) {  // the whole row of this workgroup is masked
      if (SCORES_IN == 0)  // (else the host filled the maps with -inf and 0)
        [[unroll]] for (int r = 0; r < KPI; ++r)
          if (s[r] < L) {
            scores[row + s[r]] = kNegInf;
            probs[row + s[r]] = 0.0;
          }
      continue;
    }
    vec4 q_row[D4];  // one fetch of the query for every key of the invocation
    if (SCORES_IN == 0)
      [[unroll]] for (int j = 0; j < D4; ++j) q_row[j] = texelFetch(q4, (h * L + t) * D4 + j);
    const vec4 st = texelFetch(stats4, h * L + t);
    const float inv_l = 1.0 / df_to_float(st.yz);
    [[unroll]] for (int r = 0; r < KPI; ++r) {
      const bool allowed = s[r] >= allowed_keys.x && s[r] <= allowed_keys.y;
      float score;
      if (SCORES_IN == 1) {
        score = allowed ? texelFetch(scores_in, row + min(s[r], L - 1)).x : kNegInf;
      } else {
        float dot_qk = 0.0;
        [[unroll]] for (int j = 0; j < D4; ++j) dot_qk += dot(q_row[j], k_row[r][j]);
        score = allowed ? logit(dot_qk, scale, slope, t, s[r]) : kNegInf;
      }
      const float p = allowed ? exp_acc(score - st.x) * inv_l : 0.0;
      if (SCORES_IN == 0 && s[r] < L) {
        scores[row + s[r]] = score;
        probs[row + s[r]] = p;
      }
      if (SCORES_IN == 1 && allowed) probs[row + s[r]] = p;
    }
  }
}
