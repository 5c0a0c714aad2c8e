#version 450
// Softmax attention, pass 1 (FlashAttention-style): one invocation per (head, query t); the
// workgroup walks the key tiles of TK keys that any of its queries may see and keeps an online
// softmax per query (running max m, double-float running sum l, the output row in the
// invocation's own array), rescaled once per tile. Writes out = softmax(scores) v and the row
// statistics (m, l): lse = m + log l, from which attention_probs.comp writes the map.
//
// q, k and v are uniform texel buffers (read-only, fetched with texelFetch): lavapipe turns every
// storage-buffer or shared-memory load into a loop over the SIMD lanes with a branch per lane
// (gallivm's emit_load_mem), while a texel fetch is one gather; staging K/V tiles in shared memory
// cost 4x more there than reading them this way (docs/vulkan.md, "Speed on lavapipe").
//
// One dispatch may run only the key tiles [tile_lo, tile_hi) of each workgroup (tile 0 starts at
// the workgroup's first allowed key): between dispatches the state (m, l) waits in stats and the
// unnormalised output in out, and the dispatch with `finish` normalises. The sequence of
// floating-point operations is the same however the tiles are split. lavapipe ends the loops of
// an invocation after 65535 iterations in all (gallivm's LP_MAX_TGSI_LOOP_ITERATIONS, shared by
// every loop), so on a CPU device the host splits long rows over dispatches (issue 19).
#include "attention_common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int TK = 8;          // keys per tile
layout(constant_id = 2) const int kMaxDh = 256;

layout(binding = 0) uniform samplerBuffer q_tex;  // q: [H, L, dh]
layout(binding = 1) uniform samplerBuffer k_tex;  // k: [H, L, dh]
layout(binding = 2) uniform samplerBuffer v_tex;  // v: [H, L, dh]
layout(std430, binding = 3) readonly buffer Slopes { vec2 slopes[]; };  // slopes: [H] (hi, lo)
layout(std430, binding = 4) buffer Out { float out_[]; };             // out: [H, L, dh]
layout(std430, binding = 5) buffer Stats { vec4 stats[]; };           // stats: [H, L] (m, l.hi, l.lo, 0)

layout(push_constant) uniform Push {
  int L;
  int dh;
  int mask;
  int window;
  float scale;
  int tile_lo;  // the key tiles this dispatch runs: [tile_lo, tile_hi) of each workgroup
  int tile_hi;
  int finish;   // 1: the last dispatch, which normalises out
};

void main() {
  const int h = int(gl_WorkGroupID.y);
  const int wg = int(gl_WorkGroupSize.x);
  const int t0 = int(gl_WorkGroupID.x) * wg;
  const int t = t0 + int(gl_LocalInvocationID.x);
  const bool in_range = t < L;
  const int t_last = min(L - 1, t0 + wg - 1);
  // Keys any query of this workgroup may see, cut to this dispatch's tiles.
  const int s_first = key_range(mask, window, L, t0).x;
  const int s_end = key_range(mask, window, L, t_last).y;
  const int s_begin = s_first + tile_lo * TK;
  const int s_stop = min(s_end, s_first + tile_hi * TK - 1);
  const ivec2 mine = key_range(mask, window, L, min(t, L - 1));
  const vec2 slope = slopes[h];
  const int row = (h * L + t) * dh;
  float q_row[kMaxDh];
  float acc[kMaxDh];
  float m = uintBitsToFloat(0xff800000u);
  vec2 l = vec2(0.0);
  const bool resume = tile_lo > 0 && in_range;
  if (resume) {
    const vec4 state = stats[h * L + t];
    m = state.x;
    l = state.yz;
  }
  for (int j = 0; j < dh; ++j) {
    q_row[j] = in_range ? texelFetch(q_tex, row + j).x : 0.0;
    acc[j] = resume ? out_[row + j] : 0.0;
  }
  for (int s0 = s_begin; s0 <= s_stop; s0 += TK) {
    const int count = min(TK, s_end + 1 - s0);
    if (!in_range || s0 > mine.y || s0 + count - 1 < mine.x) continue;
    float scores[TK];
    float tile_max = m;
    for (int kk = 0; kk < count; ++kk) {
      const int s = s0 + kk;
      scores[kk] = uintBitsToFloat(0xff800000u);
      if (s < mine.x || s > mine.y) continue;
      float dot_qk = 0.0;
      const int krow = (h * L + s) * dh;
      for (int j = 0; j < dh; ++j) dot_qk += q_row[j] * texelFetch(k_tex, krow + j).x;
      scores[kk] = logit(dot_qk, scale, slope, t, s);
      tile_max = max(tile_max, scores[kk]);
    }
    const float correction = exp_acc(m - tile_max);  // exp(-inf) = 0 on the first tile
    l = df_mul_f(l, correction);
    float p[TK];
    for (int kk = 0; kk < count; ++kk) {
      p[kk] = (s0 + kk < mine.x || s0 + kk > mine.y) ? 0.0 : exp_acc(scores[kk] - tile_max);
      l = df_add_f(l, p[kk]);
    }
    for (int j = 0; j < dh; ++j) {
      float a = acc[j] * correction;
      for (int kk = 0; kk < count; ++kk) a += p[kk] * texelFetch(v_tex, (h * L + s0 + kk) * dh + j).x;
      acc[j] = a;
    }
    m = tile_max;
  }
  if (!in_range) return;
  stats[h * L + t] = vec4(m, l, 0.0);
  if (finish == 0) {
    for (int j = 0; j < dh; ++j) out_[row + j] = acc[j];
    return;
  }
  const float inv = 1.0 / df_to_float(l);
  for (int j = 0; j < dh; ++j) out_[row + j] = acc[j] * inv;
}
