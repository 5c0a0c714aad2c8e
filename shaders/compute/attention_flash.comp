#version 450
#extension GL_EXT_control_flow_attributes : require
// Softmax attention, pass 1 (FlashAttention-style): one invocation per (head, query t); the
// workgroup walks the key tiles of TK keys that any of its queries may see and keeps an online
// softmax per query (running max m, double-float running sum l to which each tile adds its float
// sum of at most TK weights, the output row in registers), rescaled once per tile. Writes
// out = softmax(scores) v and the row statistics (m, l): lse = m + log l, from which
// attention_probs_softmax.comp writes the map.
//
// The pipeline is specialized for the head width rounded up to a multiple of 4 (DHB), and every
// loop over it or over a tile is unrolled, so the query row and the output row stay in registers.
// q, k and v come padded to DHB / 4 vec4 per row (zeros past dh, which add exactly nothing) as
// uniform texel buffers: lavapipe turns every storage-buffer or shared-memory load into a loop
// over the SIMD lanes with a branch per lane (gallivm's emit_load_mem), while a texel fetch is a
// gather (docs/vulkan.md, "Speed on lavapipe"). Masked keys get a score of -inf by selection, not
// by a branch.
//
// STORE_SCORES = 1 (lavapipe, when the map is wanted): every allowed score is also written to
// scores, and attention_probs_softmax.comp reads it back instead of repeating the dot product
// (with the host's fill of the masked entries, the map pass at L 1024 took about 4 instead of
// 8 ms; on a GPU the repeated dot product is cheap and these stores, a row apart across the
// lanes, would not be).
//
// STAGE_KV = 1 (a GPU; FlashAttention-2's structure): each tile of TK keys and values is loaded
// once per workgroup into shared memory, between two barriers, and every invocation reads it from
// there. STAGE_KV = 0 (lavapipe): each invocation fetches the rows itself. The arithmetic is the
// same, so both give the same bits.
//
// One dispatch may run only the key tiles [tile_lo, tile_hi) of each workgroup (tile 0 starts at
// the workgroup's first allowed key): between dispatches the state (m, l) waits in stats and the
// unnormalised output in out, and the dispatch with `finish` normalises. The sequence of
// floating-point operations is the same however the tiles are split. lavapipe ends the loops of
// an invocation after 65535 iterations in all (gallivm's LP_MAX_TGSI_LOOP_ITERATIONS, shared by
// every loop), so on a CPU device the host splits very long rows over dispatches (issue 19).
#include "attention_common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int TK = 8;    // keys per tile (one rescale of the output per tile)
layout(constant_id = 2) const int DHB = 64;  // the head width rounded up to a multiple of 4
layout(constant_id = 3) const int STAGE_KV = 0;  // 1: key and value tiles staged in shared memory
layout(constant_id = 4) const int STORE_SCORES = 0;  // 1: every allowed score also written to scores
const int D4 = DHB / 4;
const int QPI = 2;  // queries per invocation: each fetched key and value serves both

shared vec4 k_tile[TK * D4];  // the current tile's keys, row kk at kk * D4 (STAGE_KV = 1)
shared vec4 v_tile[TK * D4];  // and values

layout(binding = 0) uniform samplerBuffer q4;  // q: [H, L, D4] vec4 texels
layout(binding = 1) uniform samplerBuffer k4;  // k: [H, L, D4]
layout(binding = 2) uniform samplerBuffer v4;  // v: [H, L, D4]
layout(std430, binding = 3) readonly buffer Slopes { vec2 slopes[]; };  // slopes: [H] (hi, lo)
layout(std430, binding = 4) buffer Out { float out_[]; };             // out: [H, L, dh]
layout(std430, binding = 5) buffer Stats { vec4 stats[]; };           // stats: [H, L] (m, l.hi, l.lo, 0)
layout(std430, binding = 6) writeonly buffer Scores { float scores_out[]; };  // scores: [H, L, L] (STORE_SCORES)

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

#define kNegInf uintBitsToFloat(0xff800000u)

void main() {
  const int h = int(gl_WorkGroupID.y);
  const int wg = int(gl_WorkGroupSize.x);
  // This workgroup's queries [t0, t0 + QPI wg), in an order that balances causal work (zigzag).
  const int t0 = zigzag(int(gl_WorkGroupID.x), int(gl_NumWorkGroups.x)) * wg * QPI;
  const int t_last = min(L - 1, t0 + QPI * wg - 1);
  // Keys any query of this workgroup may see, cut to this dispatch's tiles.
  const int s_first = key_range(mask, window, L, t0).x;
  const int s_end = key_range(mask, window, L, t_last).y;
  const int s_begin = s_first + tile_lo * TK;
  const int s_stop = min(s_end, s_first + tile_hi * TK - 1);
  const vec2 slope = slopes[h];
  const bool resume = tile_lo > 0;
  int t[QPI];
  int tc[QPI];  // invocations past L compute row L - 1 and write nothing
  ivec2 mine[QPI];
  vec4 q_row[QPI][D4];
  vec4 acc[QPI][D4];
  float m[QPI];
  vec2 l[QPI];
  [[unroll]] for (int r = 0; r < QPI; ++r) {
    t[r] = t0 + r * wg + int(gl_LocalInvocationID.x);
    tc[r] = min(t[r], L - 1);
    mine[r] = key_range(mask, window, L, tc[r]);
    const vec4 state = resume ? stats[h * L + tc[r]] : vec4(kNegInf, 0.0, 0.0, 0.0);
    m[r] = state.x;
    l[r] = state.yz;
    const int row = (h * L + tc[r]) * dh;
    [[unroll]] for (int j = 0; j < D4; ++j) {
      q_row[r][j] = texelFetch(q4, (h * L + tc[r]) * D4 + j);
      acc[r][j] = vec4(0.0);
      if (resume)
        [[unroll]] for (int c = 0; c < 4; ++c) acc[r][j][c] = 4 * j + c < dh ? out_[row + min(4 * j + c, dh - 1)] : 0.0;
    }
  }
  // The tile loop's bounds are the workgroup's, so its barriers are in uniform control flow.
  for (int s0 = s_begin; s0 <= s_stop; s0 += TK) {
    if (STAGE_KV == 1) {
      barrier();  // every invocation is done with the previous tile
      for (int i = int(gl_LocalInvocationID.x); i < TK * D4; i += wg) {
        const int row = (h * L + min(s0 + i / D4, L - 1)) * D4;
        k_tile[i] = texelFetch(k4, row + i % D4);
        v_tile[i] = texelFetch(v4, row + i % D4);
      }
      barrier();
    }
    float scores[QPI][TK];
    float tile_max[QPI];
    [[unroll]] for (int r = 0; r < QPI; ++r) tile_max[r] = m[r];
    [[unroll]] for (int kk = 0; kk < TK; ++kk) {
      const int s = s0 + kk;
      const int krow = (h * L + min(s, L - 1)) * D4;
      vec4 k_row[D4];  // one fetch of the key for every query of the invocation
      [[unroll]] for (int j = 0; j < D4; ++j) k_row[j] = STAGE_KV == 1 ? k_tile[kk * D4 + j] : texelFetch(k4, krow + j);
      [[unroll]] for (int r = 0; r < QPI; ++r) {
        float dot_qk = 0.0;
        [[unroll]] for (int j = 0; j < D4; ++j) dot_qk += dot(q_row[r][j], k_row[j]);
        const bool allowed = s <= s_end && s >= mine[r].x && s <= mine[r].y;
        scores[r][kk] = allowed ? logit(dot_qk, scale, slope, t[r], s) : kNegInf;
        if (STORE_SCORES == 1 && allowed && t[r] < L) scores_out[(h * L + t[r]) * L + s] = scores[r][kk];
        tile_max[r] = max(tile_max[r], scores[r][kk]);
      }
    }
    float p[QPI][TK];
    [[unroll]] for (int r = 0; r < QPI; ++r) {
      // exp(-inf - -inf) would be NaN: a tile before the first allowed key changes nothing.
      const float correction = tile_max[r] == kNegInf ? 1.0 : exp_acc(m[r] - tile_max[r]);
      float tile_sum = 0.0;
      [[unroll]] for (int kk = 0; kk < TK; ++kk) {
        p[r][kk] = scores[r][kk] == kNegInf ? 0.0 : exp_acc(scores[r][kk] - tile_max[r]);
        tile_sum += p[r][kk];
      }
      l[r] = df_add_f(df_mul_f(l[r], correction), tile_sum);
      [[unroll]] for (int j = 0; j < D4; ++j) acc[r][j] *= correction;
      m[r] = tile_max[r];
    }
    [[unroll]] for (int kk = 0; kk < TK; ++kk) {
      const int vrow = (h * L + min(s0 + kk, L - 1)) * D4;
      [[unroll]] for (int j = 0; j < D4; ++j) {
        const vec4 v_j = STAGE_KV == 1 ? v_tile[kk * D4 + j] : texelFetch(v4, vrow + j);
        [[unroll]] for (int r = 0; r < QPI; ++r) acc[r][j] += p[r][kk] * v_j;
      }
    }
  }
  [[unroll]] for (int r = 0; r < QPI; ++r) {
    if (t[r] >= L) continue;
    stats[h * L + t[r]] = vec4(m[r], l[r], 0.0);
    const float inv = finish == 1 ? 1.0 / df_to_float(l[r]) : 1.0;
    const int row = (h * L + t[r]) * dh;
    [[unroll]] for (int j = 0; j < D4; ++j)
      [[unroll]] for (int c = 0; c < 4; ++c)
        if (4 * j + c < dh) out_[row + 4 * j + c] = acc[r][j][c] * inv;
  }
}
