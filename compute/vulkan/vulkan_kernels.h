// Internal to the Vulkan backend: the pipelines (built once), and the two halves of a
// recompute, SSM and attention, each as prepare (CPU side: weights, projections, small
// per-channel discretizations) -> upload -> record -> read back. docs/vulkan.md describes
// every kernel.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "compute/backend/results.h"
#include "compute/session/session.h"
#include "compute/vulkan/buffer_placement.h"
#include "compute/vulkan/compute_pipeline.h"

namespace seqscope::vk {

struct Kernels {
  Kernels(const gpu::Context& context, AttentionLayout layout);
  // Softmax attention's flash pass and map, specialized for the head width rounded up to a
  // multiple of 4 (their loops over it are unrolled) and for whether the flash pass hands its
  // scores to the map pass; built on first use of each.
  const ComputePipeline& flash(int dh, bool scores_from_flash) const;
  const ComputePipeline& probs_softmax(int dh, bool scores_from_flash) const;
  // Keys per invocation of the softmax map pass (its KPI): 4 on a CPU device, 1 on a GPU.
  int map_keys_per_invocation() const { return gpu_layout_ ? 1 : 4; }
  // Whether the flash pass writes the allowed scores of a map of `entries` floats and the map
  // pass reads them back (the CPU layout, where they fit one texel buffer), rather than the map
  // pass repeating the dot products (a GPU).
  bool scores_from_flash(int64_t entries) const;

  ComputePipeline scan_chunk, scan_carry, scan_fixup, readout, dense_scan;
  ComputePipeline kernel, kernel_dense;
  ComputePipeline hidden_prefix, hidden_tiles, hidden_pool;
  ComputePipeline probs, attention_pool, linear, lag;

 private:
  const gpu::Context& context_;
  bool gpu_layout_;  // AttentionLayout::Gpu: attention_flash.comp's STAGE_KV, the map pass's KPI 1
  // By padded head width and scores_from_flash.
  mutable std::map<std::pair<int, bool>, std::unique_ptr<ComputePipeline>> flash_, probs_softmax_;
};

// Workgroup sizes and tiles (specialization constants of the kernels).
inline constexpr int kGroup = 64;      // 1-D kernels
inline constexpr int kTile = 16;       // 2-D map tiles: 16 x 16
inline constexpr int kScanChunk = 64;  // steps per chunk of the diagonal scan
inline constexpr int kKernelTaps = 32;  // taps per invocation of the kernel
inline constexpr int kMaxState = 256;  // ssm.state_size maximum (dense kernels keep it in shared memory)
inline constexpr int kMaxHeadDim = 256;  // attention.head_dim maximum
// Softmax attention's rows padded to a multiple of 4 floats (vec4 texels; the pipelines' DHB).
inline constexpr int padded_head_dim(int dh) { return (dh + 3) / 4 * 4; }
inline constexpr int kFlashQueriesPerInvocation = 2;  // attention_flash.comp's QPI
inline constexpr int kFlashKeys = 8;    // keys per tile of the flash pass (one rescale of the output per tile)

// Throws UserError when `bytes` for `what` exceed the device's storage-buffer range.
void require_buffer_range(const gpu::Context& context, double bytes, const std::string& what, int L);

// The SSM layer of one recompute. r holds what the CPU prepares (params, u, z, delta, B, C,
// A, Dskip; Abar/Bbar of dense models) and, after read_ssm, everything else.
struct SsmJob {
  compute::SsmResults r;
  compute::Discretization method = compute::Discretization::Zoh;
  compute::MatrixC abar_lti, bbar_lti;  // [D, N] diagonal LTI, discretized on the CPU
  compute::Tensor dense_abar;           // [D, N, N] dense
  compute::Matrix dense_bbar;           // [D, N] dense
  int directions = 1;
  int chunks = 1;
  int pooled_size = 0;  // P of the hidden attention's overview; 0: the full [C, L, L] map
  bool read_states = true;  // false: read back y and y_gated only (a model layer not shown)
  int dense_steps = INT32_MAX;  // steps one dense-scan dispatch runs (dense_steps_per_dispatch)
  int pool_rows = INT32_MAX;    // rows of a row bin one overview dispatch walks
};
// The rows of each row bin one pooled-overview dispatch (attention_pool.comp,
// hidden_attention_pool.comp) walks on `context`, for L pooled to P bins whose entries each
// loop `entry_loop` times: on a CPU device under lavapipe's loop limit; all of them elsewhere.
int pool_rows_per_dispatch(const gpu::Context& context, int L, int P, int entry_loop);
// The steps of ssm_dense_scan.comp (and taps of ssm_kernel_dense.comp) one dispatch may run on
// `context` for state size N: on a CPU
// device (lavapipe ends an invocation's loops after 65535 iterations in all) its loops stay
// well under that; unlimited elsewhere.
int dense_steps_per_dispatch(const gpu::Context& context, int N);
// CPU side of the SSM layer; UserError on bad sizes or limits of this device.
SsmJob prepare_ssm(const gpu::Context& context, const compute::Session& session, const compute::Matrix& u_block);
// A real model's layer, whose inputs r already holds (a gated S6 layer, mamba discretization):
// states false reads back y and y_gated only.
SsmJob prepare_model_ssm(const gpu::Context& context, compute::SsmResults r, bool states);
void upload_ssm(const SsmJob& job, BufferPool& buffers);
void record_ssm(Recorder& recorder, const Kernels& kernels, BufferPool& buffers, const SsmJob& job);
void read_ssm(const BufferPool& buffers, SsmJob& job);

// The attention layer of one recompute: r holds the projections (CPU), then the map and out.
struct AttentionJob {
  compute::AttentionResults r;
  compute::AttentionConfig config;
  std::vector<float> slopes;  // [H, 2] ALiBi slope as hi, lo (zeros without ALiBi)
  float scale = 1.0f;         // 1 / (sqrt(dh) temperature), rounded as the reference does
  int pooled_size = 0;        // P of the map's overview; 0: the full [H, L, L] map
  bool maps = true;           // false: out only, no scores or probs (a model layer not shown)
  // Key tiles one flash dispatch runs per workgroup (flash_tiles_per_dispatch); long rows take
  // several dispatches on a CPU device.
  int flash_tiles = INT32_MAX;
  // Steps of attention_linear.comp's key prefix sums (mode 0) and recurrent output (mode 2) one
  // dispatch runs: on a CPU device they keep its loops well under lavapipe's limit.
  std::array<int, 2> linear_steps{INT32_MAX, INT32_MAX};
  int pool_rows = INT32_MAX;  // rows of a row bin one overview dispatch walks
};
// lavapipe (a CPU device) ends the loops of a shader invocation after 65535 iterations in all
// (gallivm's LP_MAX_TGSI_LOOP_ITERATIONS): the key tiles of width kFlashKeys whose loops stay
// well under that for head width dh in attention_flash.comp; unlimited on other devices.
int flash_tiles_per_dispatch(const gpu::Context& context, int dh);
AttentionJob prepare_attention(const gpu::Context& context, const compute::Session& session, const compute::Matrix& u);
// A real model's causal softmax heads, whose q, k, v [H, L, dh] a already holds.
AttentionJob prepare_model_attention(const gpu::Context& context, compute::AttentionResults a, bool maps);
void upload_attention(const AttentionJob& job, BufferPool& buffers);
void record_attention(Recorder& recorder, const Kernels& kernels, BufferPool& buffers, const AttentionJob& job);
void read_attention(const BufferPool& buffers, AttentionJob& job);

// Host <-> mapped buffer copies of plain float/complex data.
void put(BufferPool& buffers, const std::string& name, const void* data, size_t bytes);
void get(const BufferPool& buffers, const std::string& name, void* data, size_t bytes);

}  // namespace seqscope::vk
