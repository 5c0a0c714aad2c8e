// The attention layer on the GPU (see vulkan_kernels.h). q, k, v are projected on the CPU
// (compute::attention_projections: the reference's weights, sinusoidal positions and RoPE), a
// [L, D] x [D, H dh] product that is small next to the [H, L, L] map; the GPU computes the
// map and the output:
//   softmax: attention_flash (online softmax -> out, row max and sum) then attention_probs
//            (or attention_pool: the overview, for L beyond a full map);
//   linear:  attention_linear keysum -> den, attention_probs (parallel form for the map),
//            attention_linear out (recurrent form with a matrix state);
//   lag:     attention_probs (one-hot map) and attention_lag (out copies v).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "compute/attention/attention.h"
#include "compute/vulkan/vulkan_kernels.h"

namespace seqscope::vk {

using compute::AttentionKind;
using compute::AttentionResults;

AttentionJob prepare_attention(const gpu::Context& context, const compute::Session& session, const compute::Matrix& u) {
  AttentionJob job;
  job.config = session.attention;
  job.r = compute::attention_projections(session, u);
  const AttentionResults& r = job.r;
  if (compute::maps_pooled(session, r.L)) job.pooled_size = compute::overview_size(r.L);
  const double side = job.pooled_size > 0 ? job.pooled_size : r.L;
  require_buffer_range(context, static_cast<double>(r.H) * side * side * sizeof(float), "the attention map [H, L, L]",
                       r.L);
  job.slopes.assign(static_cast<size_t>(2 * r.H), 0.0f);
  if (job.config.positional == compute::Positional::Alibi) {
    const std::vector<double> slopes = compute::alibi_slopes(r.H);
    for (int h = 0; h < r.H; ++h) {
      const float hi = static_cast<float>(slopes[static_cast<size_t>(h)]);
      job.slopes[static_cast<size_t>(2 * h)] = hi;
      job.slopes[static_cast<size_t>(2 * h + 1)] = static_cast<float>(slopes[static_cast<size_t>(h)] - hi);
    }
  }
  // The reference scales a float product by the float of this double.
  job.scale = static_cast<float>(1.0 / (std::sqrt(static_cast<double>(r.dh)) * job.config.temperature));
  job.flash_tiles = flash_tiles_per_dispatch(context, r.dh);
  job.pool_rows = pool_rows_per_dispatch(context, r.L, job.pooled_size, r.dh);
  if (context.device_info().is_cpu()) {
    // attention_linear.comp's loops per step, generously: mode 0 one sum; mode 2 a key added
    // (and one leaving a window) and an output, each dh long.
    job.linear_steps = {60000 / 4, std::max(1, (60000 - 2 * r.dh) / (3 * r.dh + 4))};
  }
  return job;
}

int flash_tiles_per_dispatch(const gpu::Context& context, int dh) {
  if (!context.device_info().is_cpu()) return INT32_MAX;
  // Loop iterations of attention_flash.comp per key tile, counted as if its unrolled loops were
  // not (gallivm counts a loop of n passes as n + 1): per key the fetch of k and a dot product of
  // dh / 4 vec4 for each of the invocation's queries, then the weights, the rescale and the output
  // (the same again for v), and the loop staging the tile in shared memory when it is (STAGE_KV);
  // per dispatch the q / out loads and the write.
  const int d4 = padded_head_dim(dh) / 4, queries = kFlashQueriesPerInvocation;
  const int per_tile = 2 * (kFlashKeys + 1) * (d4 + 1) * (queries + 1) + queries * (kFlashKeys + d4 + 4) + 8 +
                       kFlashKeys * d4 / kGroup + 2;
  const int budget = 56000 - 8 * queries * d4;  // well under 65535
  return std::max(1, budget / per_tile);
}

AttentionJob prepare_model_attention(const gpu::Context& context, compute::AttentionResults a, bool maps) {
  AttentionJob job;
  job.r = std::move(a);
  const AttentionResults& r = job.r;
  job.config.kind = compute::AttentionKind::Softmax;
  job.config.mask = compute::MaskKind::Causal;
  job.config.heads = r.H;
  job.config.head_dim = r.dh;
  job.config.positional = compute::Positional::None;
  job.maps = maps;
  if (maps)
    require_buffer_range(context, static_cast<double>(r.H) * r.L * r.L * sizeof(float), "the attention map [H, L, L]",
                         r.L);
  job.slopes.assign(static_cast<size_t>(2 * r.H), 0.0f);
  job.scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(r.dh)));  // as the model's reference
  job.flash_tiles = flash_tiles_per_dispatch(context, r.dh);
  return job;
}

namespace {

// rows [H * L, dh] of x as rows of padded_head_dim(dh) floats, zeros after dh.
std::vector<float> padded_rows(const compute::Tensor& x, int dh) {
  const int64_t rows = static_cast<int64_t>(x.data.size()) / dh, width = padded_head_dim(dh);
  std::vector<float> out(static_cast<size_t>(rows * width), 0.0f);
  for (int64_t i = 0; i < rows; ++i)
    std::copy_n(x.data.begin() + i * dh, dh, out.begin() + i * width);
  return out;
}

void put_padded(BufferPool& buffers, const std::string& name, const compute::Tensor& x, int dh) {
  const std::vector<float> rows = padded_rows(x, dh);
  put(buffers, name, rows.data(), rows.size() * sizeof(float));
}

}  // namespace

void upload_attention(const AttentionJob& job, BufferPool& buffers) {
  const AttentionResults& r = job.r;
  put(buffers, "att.q", r.q.data.data(), r.q.data.size() * sizeof(float));
  put(buffers, "att.k", r.k.data.data(), r.k.data.size() * sizeof(float));
  put(buffers, "att.v", r.v.data.data(), r.v.data.size() * sizeof(float));
  put(buffers, "att.slopes", job.slopes.data(), job.slopes.size() * sizeof(float));
  if (job.config.kind == AttentionKind::Softmax) {  // the flash pass and the map read vec4 texels
    put_padded(buffers, "att.q4", r.q, r.dh);
    put_padded(buffers, "att.k4", r.k, r.dh);
    put_padded(buffers, "att.v4", r.v, r.dh);
  }
}

namespace {

struct FlashPush {
  int32_t L, dh, mask, window;
  float scale;
  int32_t tile_lo, tile_hi, finish;
};
struct ProbsPush {
  int32_t L, dh, mask, window;
  float scale;
  int32_t kind, feature_map, lag;
};
struct SoftmaxMapPush {
  int32_t L, dh, mask, window;
  float scale;
};
struct PoolPush {
  ProbsPush probs;
  int32_t P, row_lo, row_hi, finish;
};
struct LinearPush {
  int32_t L, dh, mask, window, H, mode, feature_map;
  float eps;
  int32_t t_lo, t_hi;
};
struct LagPush {
  int32_t H, L, dh, lag;
};

constexpr uint32_t kNegativeInfinityBits = 0xff800000u;  // -inf as a float's bits

}  // namespace

void record_attention(Recorder& rec, const Kernels& k, BufferPool& b, const AttentionJob& job) {
  const AttentionResults& r = job.r;
  const compute::AttentionConfig& c = job.config;
  const int64_t hl = int64_t{r.H} * r.L, maps = hl * r.L, hld = hl * r.dh;
  gpu::GpuBuffer& q = b.at("att.q");
  gpu::GpuBuffer& kk = b.at("att.k");
  gpu::GpuBuffer& v = b.at("att.v");
  gpu::GpuBuffer& out = b.ensure("att.out", hld * sizeof(float));
  gpu::GpuBuffer& stats = b.ensure("att.stats", hl * 4 * sizeof(float));
  const int32_t mask = static_cast<int32_t>(c.mask), feature = static_cast<int32_t>(c.feature_map);
  // The flash pass hands the full map's allowed scores to the map pass (Kernels::scores_from_flash).
  const bool scores_from_flash = c.kind == AttentionKind::Softmax && job.maps && job.pooled_size == 0 &&
                                 k.scores_from_flash(maps);
  const ProbsPush probs_push{r.L, r.dh, mask, c.window, job.scale, static_cast<int32_t>(c.kind), feature, c.lag};
  // The whole map, or (L beyond a full map) its overview: one workgroup per (query bin, head).
  const auto map_pass = [&] {
    const int P = job.pooled_size;
    if (P > 0) {
      const int64_t pooled = int64_t{r.H} * P * P * sizeof(float);
      const int rows = (r.L + P - 1) / P;  // the most rows a row bin has
      for (int lo = 0; lo < rows; lo += job.pool_rows) {
        const int hi = static_cast<int>(std::min<int64_t>(rows, int64_t{lo} + job.pool_rows));
        rec.dispatch(k.attention_pool,
                     {&q, &kk, &b.at("att.slopes"), &stats, &b.ensure("att.pool_max", pooled),
                      &b.ensure("att.pool_mean", pooled)},
                     PoolPush{probs_push, P, lo, hi, hi == rows ? 1 : 0}, P, r.H);
      }
      return;
    }
    gpu::GpuBuffer& scores = b.ensure("att.scores", maps * sizeof(float));
    gpu::GpuBuffer& probs = b.ensure("att.probs", maps * sizeof(float));
    if (c.kind == AttentionKind::Softmax) {  // KPI kGroup keys by kGroup rows per workgroup
      // Binding 6 reads what the flash pass wrote to scores (scores_from_flash; else unused, and
      // small: a texel view of the whole map may exceed the device's texel limit), binding 4
      // writes the rest.
      rec.dispatch(k.probs_softmax(r.dh, scores_from_flash),
                   {&b.at("att.q4"), &b.at("att.k4"), &b.at("att.slopes"), &stats, &scores, &probs,
                    scores_from_flash ? &scores : &stats},
                   SoftmaxMapPush{r.L, r.dh, mask, c.window, job.scale},
                   groups_for(r.L, k.map_keys_per_invocation() * kGroup), groups_for(r.L, kGroup), r.H);
      return;
    }
    rec.dispatch(k.probs, {&q, &kk, &b.at("att.slopes"), &stats, &scores, &probs}, probs_push,
                 groups_for(r.L, kTile), groups_for(r.L, kTile), r.H);
  };
  rec.begin_op("attention");
  switch (c.kind) {
    case AttentionKind::Softmax: {
      // A workgroup sees at most every key; its tiles go in dispatches of job.flash_tiles.
      const int64_t tiles = (int64_t{r.L} + kFlashKeys - 1) / kFlashKeys;
      if (scores_from_flash) {  // the kernels write the allowed entries only
        rec.fill(b.ensure("att.scores", maps * sizeof(float)), maps * sizeof(float), kNegativeInfinityBits);
        rec.fill(b.ensure("att.probs", maps * sizeof(float)), maps * sizeof(float), 0);
      }
      gpu::GpuBuffer& scores = scores_from_flash ? b.at("att.scores") : stats;  // unused: stats
      for (int64_t lo = 0; lo < tiles; lo += job.flash_tiles) {
        const int64_t hi = std::min(tiles, lo + job.flash_tiles);
        rec.dispatch(k.flash(r.dh, scores_from_flash),
                     {&b.at("att.q4"), &b.at("att.k4"), &b.at("att.v4"), &b.at("att.slopes"), &out, &stats, &scores},
                     FlashPush{r.L, r.dh, mask, c.window, job.scale, static_cast<int32_t>(lo),
                               static_cast<int32_t>(hi), hi == tiles ? 1 : 0},
                     groups_for(r.L, kFlashQueriesPerInvocation * kGroup), r.H);
      }
      if (job.maps) map_pass();
      break;
    }
    case AttentionKind::Linear: {
      gpu::GpuBuffer& z = b.ensure("att.z", hld * 2 * sizeof(float));
      gpu::GpuBuffer& state = b.ensure("att.state", int64_t{r.H} * r.dh * r.dh * 2 * sizeof(float));
      // Modes 0 and 2 walk `steps` steps, job.linear_steps[mode] per dispatch.
      const auto linear_pass = [&](int32_t mode, int64_t invocations, int steps) {
        const int per_dispatch = mode == 1 ? steps : job.linear_steps[mode == 0 ? 0 : 1];
        for (int lo = 0; lo < steps; lo += per_dispatch) {
          const int hi = static_cast<int>(std::min<int64_t>(steps, int64_t{lo} + per_dispatch));
          const LinearPush push{r.L, r.dh, mask, c.window, r.H, mode, feature, static_cast<float>(compute::kLinearEps),
                                lo, hi};
          rec.dispatch(k.linear, {&q, &kk, &v, &z, &stats, &state, &out}, push, groups_for(invocations, kGroup));
        }
      };
      linear_pass(0, int64_t{r.H} * r.dh, r.L);  // key prefix sums
      linear_pass(1, hl, 1);                      // denominators
      map_pass();
      // The recurrent output; with no mask every key first, then every output.
      linear_pass(2, int64_t{r.H} * r.dh, c.mask == compute::MaskKind::None ? 2 * r.L : r.L);
      break;
    }
    case AttentionKind::Lag:
      map_pass();
      rec.dispatch(k.lag, {&v, &out}, LagPush{r.H, r.L, r.dh, c.lag}, groups_for(hld, kGroup));
      break;
  }
  rec.end_op();
}

void read_attention(const BufferPool& buffers, AttentionJob& job) {
  AttentionResults& r = job.r;
  r.out = compute::Tensor({r.H, r.L, r.dh});
  if (job.maps && job.pooled_size > 0) {
    r.probs_overview = compute::make_overview(r.H, r.L);
    get(buffers, "att.pool_max", r.probs_overview.max_abs.data.data(), r.probs_overview.max_abs.data.size() * sizeof(float));
    get(buffers, "att.pool_mean", r.probs_overview.mean.data.data(), r.probs_overview.mean.data.size() * sizeof(float));
  } else if (job.maps) {
    r.scores = compute::Tensor({r.H, r.L, r.L});
    r.probs = compute::Tensor({r.H, r.L, r.L});
    get(buffers, "att.scores", r.scores.data.data(), r.scores.data.size() * sizeof(float));
    get(buffers, "att.probs", r.probs.data.data(), r.probs.data.size() * sizeof(float));
  }
  get(buffers, "att.out", r.out.data.data(), r.out.data.size() * sizeof(float));
}

}  // namespace seqscope::vk
