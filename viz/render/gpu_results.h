// GpuResults: the float tensors the panels draw as heatmaps, uploaded once per recompute into
// persistent GPU buffers (grown, never shrunk), with the value ranges their colormaps use.
// Complex quantities are shown by their real part. Panels read these and Results; nothing here
// recomputes the model.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "compute/backend/results.h"
#include "gpu/buffer.h"
#include "gpu/context.h"
#include "viz/render/heatmap.h"
#include "viz/widgets/view_state.h"

namespace seqscope::viz {

// One uploaded tensor: its buffer, shape and the range of its values.
struct GpuTensor {
  std::unique_ptr<gpu::GpuBuffer> buffer;
  std::vector<int64_t> shape;
  float min = 0.0f, max = 0.0f, max_abs = 0.0f;
  bool empty() const { return !buffer || shape.empty(); }
  VkBuffer handle() const { return buffer ? buffer->buffer() : VK_NULL_HANDLE; }
};

class GpuResults {
 public:
  GpuResults(const gpu::Context& context, HeatmapRenderer& heatmaps);
  ~GpuResults();
  // Uploads everything from `results`; maps are scaled by `normalization`. Pooled maps (L
  // beyond a full map) upload the overview's `statistic` [M, P, P] instead of [M, L, L].
  void upload(const compute::Results& results, MapNormalization normalization,
              PooledStatistic statistic = PooledStatistic::MaxAbs);
  // Re-uploads only the maps (normalization or statistic changed).
  void upload_maps(const compute::Results& results, MapNormalization normalization,
                   PooledStatistic statistic = PooledStatistic::MaxAbs);
  // Counts uploads of new Results: caches derived from them (exact rows) compare it.
  uint64_t generation() const { return generation_; }

  const GpuTensor& h() const { return h_; }                  // [L, D, N] real part
  const GpuTensor& abar() const { return abar_; }            // [L, D, N] real part (diagonal variants)
  const GpuTensor& bbar() const { return bbar_; }            // [L, D, N] real part (diagonal variants)
  const GpuTensor& c() const { return c_; }                  // [L, N] or [D, N] real part
  const GpuTensor& delta() const { return delta_; }          // [L, D]
  const GpuTensor& kernel() const { return kernel_; }        // [D, L] (LTI)
  const GpuTensor& hidden_attention() const { return hidden_attention_; }  // [C, L, L] normalized
  const GpuTensor& probs() const { return probs_; }          // [H, L, L] normalized
  // Dense and shift variants only (empty otherwise): the per-channel matrices, real parts.
  const GpuTensor& abar_dense() const { return abar_dense_; }  // [D, N, N]
  // Bytes of GPU memory the copies hold (the status bar's "memory in use").
  uint64_t bytes() const;
  const GpuTensor& bbar_dense() const { return bbar_dense_; }  // [D, N]

  // A view of one [rows, cols] slice of a rank-3 tensor at index `first` of its first axis.
  static HeatmapView slice_view(const GpuTensor& tensor, int64_t first, Colormap map, float lo, float hi);

 private:
  void put(GpuTensor& tensor, const std::vector<int64_t>& shape, const float* data);
  const gpu::Context& context_;
  HeatmapRenderer& heatmaps_;
  GpuTensor h_, abar_, bbar_, c_, delta_, kernel_, hidden_attention_, probs_;
  GpuTensor abar_dense_, bbar_dense_;
  uint64_t generation_ = 0;
};

// Display scaling of maps [M, L, L]: raw, each row divided by its sum of |x|, or |x| min-max
// scaled per map. Returns the scaled copy.
std::vector<float> normalize_maps(const compute::Tensor& maps, MapNormalization normalization);

}  // namespace seqscope::viz
