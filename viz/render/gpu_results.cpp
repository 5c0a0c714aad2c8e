// GpuResults and GpuTensor (see gpu_results.h).
//
// Index (each part starts at a "// [SECTION] name" line):
//   helpers
//   GpuTensor views
//   GpuResults uploads
#include "viz/render/gpu_results.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "viz/widgets/map_normalization.h"

namespace seqscope::viz {
namespace {

// [SECTION] helpers

int64_t count_of(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return shape.empty() ? 0 : n;
}

std::vector<float> real_parts(const compute::TensorC& x) {
  std::vector<float> out(x.data.size());
  for (size_t i = 0; i < x.data.size(); ++i) out[i] = x.data[i].real();
  return out;
}

std::vector<float> real_parts(const compute::MatrixC& x) {
  std::vector<float> out(static_cast<size_t>(x.size()));
  for (Eigen::Index i = 0; i < x.size(); ++i) out[static_cast<size_t>(i)] = x.data()[i].real();
  return out;
}

const compute::Tensor& shown_maps(const compute::Tensor& full, const compute::MapOverview& overview,
                                  PooledStatistic statistic) {
  if (overview.empty()) return full;
  return statistic == PooledStatistic::Mean ? overview.mean : overview.max_abs;
}

// Sets min, max and max_abs of `tensor` from its finite values.
void measure_range(GpuTensor& tensor, const float* data, int64_t count) {
  float lo = std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::lowest();
  for (int64_t i = 0; i < count; ++i)
    if (std::isfinite(data[i])) lo = std::min(lo, data[i]), hi = std::max(hi, data[i]);
  if (lo > hi) lo = hi = 0.0f;
  tensor.min = lo;
  tensor.max = hi;
  tensor.max_abs = std::max(std::abs(lo), std::abs(hi));
}

}  // namespace

// [SECTION] GpuTensor views

int64_t GpuTensor::row_elements() const {
  if (shape.empty()) return 0;
  int64_t n = 1;
  for (size_t i = 1; i < shape.size(); ++i) n *= shape[i];
  return n;
}

HeatmapView GpuTensor::view(int64_t index, uint32_t offset, uint32_t rows, uint32_t cols, uint32_t row_stride,
                            uint32_t col_stride) const {
  HeatmapView v;
  if (empty() || index < 0 || index >= shape[0]) return v;
  const int64_t chunk = index / chunk_rows;
  v.buffer = chunks[static_cast<size_t>(chunk)].get();
  v.rows = rows;
  v.cols = cols;
  v.offset = static_cast<uint32_t>((index - chunk * chunk_rows) * row_elements()) + offset;
  v.row_stride = row_stride;
  v.col_stride = col_stride;
  return v;
}

std::vector<HeatmapPiece> GpuTensor::columns_along_axis0(uint32_t rows, uint32_t offset, uint32_t row_stride) const {
  std::vector<HeatmapPiece> pieces;
  if (empty()) return pieces;
  for (size_t chunk = 0; chunk < chunks.size(); ++chunk) {
    const int64_t first = static_cast<int64_t>(chunk) * chunk_rows;
    const int64_t count = std::min(chunk_rows, shape[0] - first);
    HeatmapView v = view(first, offset, rows, static_cast<uint32_t>(count), row_stride,
                         static_cast<uint32_t>(row_elements()));
    pieces.push_back({v, static_cast<uint32_t>(first)});
  }
  return pieces;
}

// [SECTION] GpuResults uploads

GpuResults::GpuResults(const gpu::Context& context, VkDeviceSize max_buffer_bytes)
    : context_(context),
      max_buffer_bytes_(max_buffer_bytes > 0 ? max_buffer_bytes
                                             : context.properties().limits.maxStorageBufferRange) {}

// Splits `data` [shape] along axis 0 into chunks of at most max_buffer_bytes_ each (at least
// one axis-0 index per chunk), reusing the chunks already there when they are large enough.
// The caller has waited for the device: no frame may still read the buffers.
void GpuResults::put(GpuTensor& tensor, const std::vector<int64_t>& shape, const float* data) {
  const int64_t count = count_of(shape);
  tensor.shape = shape;
  if (count == 0) return;
  const int64_t row = std::max<int64_t>(1, count / shape[0]);
  const int64_t rows_that_fit = static_cast<int64_t>(max_buffer_bytes_ / sizeof(float)) / row;
  tensor.chunk_rows = std::clamp<int64_t>(rows_that_fit, 1, shape[0]);
  const size_t chunk_count = static_cast<size_t>((shape[0] + tensor.chunk_rows - 1) / tensor.chunk_rows);
  tensor.chunks.resize(chunk_count);
  for (size_t i = 0; i < chunk_count; ++i) {
    const int64_t first = static_cast<int64_t>(i) * tensor.chunk_rows;
    const int64_t elements = std::min(tensor.chunk_rows, shape[0] - first) * row;
    const VkDeviceSize bytes = static_cast<VkDeviceSize>(elements) * sizeof(float);
    auto& chunk = tensor.chunks[i];
    // Grown, never shrunk; the heatmap renderer keys its descriptor sets by buffer id.
    if (!chunk || chunk->size() < bytes) chunk = std::make_unique<gpu::GpuBuffer>(context_, bytes);
    std::memcpy(chunk->mapped(), data + first * row, static_cast<size_t>(bytes));
  }
  measure_range(tensor, data, count);
}

void GpuResults::upload(std::shared_ptr<const compute::Results> results, MapNormalization normalization,
                        PooledStatistic statistic) {
  vkDeviceWaitIdle(context_.device());  // buffers are rewritten in place; no frame may still read them
  ++generation_;
  results_ = std::move(results);
  const compute::SsmResults& ssm = results_->ssm;
  put(h_, ssm.h.shape, real_parts(ssm.h).data());
  if (!ssm.dense) {
    put(abar_, ssm.Abar.shape, real_parts(ssm.Abar).data());
    put(bbar_, ssm.Bbar.shape, real_parts(ssm.Bbar).data());
    abar_dense_.shape.clear();
    bbar_dense_.shape.clear();
  } else {
    abar_.shape.clear();
    bbar_.shape.clear();
    put(abar_dense_, ssm.Abar.shape, real_parts(ssm.Abar).data());
    put(bbar_dense_, ssm.Bbar.shape, real_parts(ssm.Bbar).data());
  }
  put(c_, {ssm.C.rows(), ssm.C.cols()}, real_parts(ssm.C).data());
  put(delta_, {ssm.delta.rows(), ssm.delta.cols()}, ssm.delta.data());
  upload_maps(normalization, statistic);
}

void GpuResults::upload_maps(MapNormalization normalization, PooledStatistic statistic) {
  if (!results_) return;
  vkDeviceWaitIdle(context_.device());
  const compute::Tensor& alpha_maps =
      shown_maps(results_->ssm.hidden_attention, results_->ssm.hidden_attention_overview, statistic);
  const auto alpha = normalize_maps(alpha_maps, normalization);
  put(hidden_attention_, alpha_maps.shape, alpha.data());
  const compute::Tensor& prob_maps =
      shown_maps(results_->attention.probs, results_->attention.probs_overview, statistic);
  const auto probs = normalize_maps(prob_maps, normalization);
  put(probs_, prob_maps.shape, probs.data());
}

std::vector<const GpuTensor*> GpuResults::tensors() const {
  return {&h_, &abar_, &bbar_, &c_, &delta_, &hidden_attention_, &probs_, &abar_dense_, &bbar_dense_};
}

uint64_t GpuResults::bytes() const {
  uint64_t total = 0;
  for (const GpuTensor* t : tensors())
    for (const auto& chunk : t->chunks) total += chunk->size();
  return total;
}

HeatmapView GpuResults::slice_view(const GpuTensor& tensor, int64_t first, Colormap map, float lo, float hi) {
  if (tensor.empty() || tensor.shape.size() != 3) return {};
  const auto rows = static_cast<uint32_t>(tensor.shape[1]), cols = static_cast<uint32_t>(tensor.shape[2]);
  HeatmapView view = tensor.view(first, 0, rows, cols, cols, 1);
  view.lo = lo;
  view.hi = hi;
  view.colormap = map;
  return view;
}

}  // namespace seqscope::viz
