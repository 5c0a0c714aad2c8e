// GpuResults: the float tensors the panels draw as heatmaps, uploaded once per recompute into
// persistent GPU buffers (grown, never shrunk), with the value ranges their colormaps use, and
// the Results snapshot they were made from: panels draw that snapshot, never newer Results
// whose buffers are not uploaded yet (issue 16, fault 5). Complex quantities are shown by
// their real part. Nothing here recomputes the model.
//
// A tensor larger than the device's maxStorageBufferRange (h of D 64, N 16, L 65,536 is
// 256 MiB) is split along its first axis into chunks that each fit (fault 6); a view inside
// one first-axis index reads one chunk, and a view whose columns run along the first axis
// (a channel over t) is drawn as one piece per chunk.
//
// Index (each part starts at a "// [SECTION] name" line):
//   GpuTensor
//   GpuResults
#pragma once
#include <memory>
#include <vector>

#include "compute/backend/results.h"
#include "gpu/buffer.h"
#include "gpu/context.h"
#include "viz/render/heatmap.h"
#include "viz/widgets/view_state.h"

namespace seqscope::viz {

// [SECTION] GpuTensor

// One uploaded tensor: its chunks (split along axis 0), shape and the range of its values.
struct GpuTensor {
  std::vector<std::unique_ptr<gpu::GpuBuffer>> chunks;
  int64_t chunk_rows = 0;  // axis-0 indices per chunk; the last chunk may hold fewer
  std::vector<int64_t> shape;
  float min = 0.0f, max = 0.0f, max_abs = 0.0f;

  bool empty() const { return chunks.empty() || shape.empty(); }
  int64_t row_elements() const;  // elements per axis-0 index: the product of shape[1:]

  // rows x cols elements starting at `offset` elements into axis-0 index `index`, element
  // (r, c) at offset + r*row_stride + c*col_stride. Every element must lie in the chunk of
  // `index` (views inside one index always do). Colormap and range are the caller's.
  HeatmapView view(int64_t index, uint32_t offset, uint32_t rows, uint32_t cols, uint32_t row_stride,
                   uint32_t col_stride) const;
  // rows x shape[0] with column c = axis-0 index c: element (r, c) at
  // [c, offset + r*row_stride] of the flattened rows. One piece per chunk.
  std::vector<HeatmapPiece> columns_along_axis0(uint32_t rows, uint32_t offset, uint32_t row_stride) const;
};

// [SECTION] GpuResults

class GpuResults {
 public:
  // max_buffer_bytes: the largest chunk; 0 = the device's maxStorageBufferRange (tests pass less).
  explicit GpuResults(const gpu::Context& context, VkDeviceSize max_buffer_bytes = 0);
  // Uploads everything from `results` and keeps it as the snapshot; maps are scaled by
  // `normalization`. Pooled maps (L beyond a full map) upload the overview's `statistic`
  // [M, P, P] instead of [M, L, L].
  void upload(std::shared_ptr<const compute::Results> results, MapNormalization normalization,
              PooledStatistic statistic = PooledStatistic::MaxAbs);
  // Re-uploads only the snapshot's maps (normalization or statistic changed).
  void upload_maps(MapNormalization normalization, PooledStatistic statistic = PooledStatistic::MaxAbs);
  bool has_results() const { return results_ != nullptr; }
  // The Results the buffers were made from (has_results() must be true).
  const compute::Results& results() const { return *results_; }
  // Counts uploads of new Results: caches derived from them (exact rows) compare it.
  uint64_t generation() const { return generation_; }

  const GpuTensor& h() const { return h_; }                  // [L, D, N] real part
  const GpuTensor& abar() const { return abar_; }            // [L, D, N] real part (diagonal variants)
  const GpuTensor& bbar() const { return bbar_; }            // [L, D, N] real part (diagonal variants)
  const GpuTensor& c() const { return c_; }                  // [L, N] or [D, N] real part
  const GpuTensor& delta() const { return delta_; }          // [L, D]
  const GpuTensor& hidden_attention() const { return hidden_attention_; }  // [C, L, L] normalized
  const GpuTensor& probs() const { return probs_; }          // [H, L, L] normalized
  // Dense and shift variants only (empty otherwise): the per-channel matrices, real parts.
  const GpuTensor& abar_dense() const { return abar_dense_; }  // [D, N, N]
  const GpuTensor& bbar_dense() const { return bbar_dense_; }  // [D, N]
  // Bytes of GPU memory the copies hold (the status bar's "memory in use").
  uint64_t bytes() const;

  // The [rows, cols] slice of a rank-3 tensor at index `first` of its first axis.
  static HeatmapView slice_view(const GpuTensor& tensor, int64_t first, Colormap map, float lo, float hi);

 private:
  void put(GpuTensor& tensor, const std::vector<int64_t>& shape, const float* data);
  std::vector<const GpuTensor*> tensors() const;

  const gpu::Context& context_;
  VkDeviceSize max_buffer_bytes_;
  std::shared_ptr<const compute::Results> results_;
  GpuTensor h_, abar_, bbar_, c_, delta_, hidden_attention_, probs_;
  GpuTensor abar_dense_, bbar_dense_;
  uint64_t generation_ = 0;
};

}  // namespace seqscope::viz
