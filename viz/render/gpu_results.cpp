#include "viz/render/gpu_results.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace seqscope::viz {
namespace {

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

}  // namespace

std::vector<float> normalize_maps(const compute::Tensor& maps, MapNormalization normalization) {
  std::vector<float> out(maps.data.begin(), maps.data.end());
  if (normalization == MapNormalization::Raw || maps.rank() != 3) return out;
  const int64_t count = maps.shape[0], rows = maps.shape[1], cols = maps.shape[2];
  for (int64_t m = 0; m < count; ++m) {
    float* map = out.data() + m * rows * cols;
    if (normalization == MapNormalization::RowNormalized) {
      for (int64_t r = 0; r < rows; ++r) {
        double sum = 0.0;
        for (int64_t c = 0; c < cols; ++c) sum += std::abs(map[r * cols + c]);
        for (int64_t c = 0; c < cols; ++c)
          map[r * cols + c] = sum > 0.0 ? static_cast<float>(std::abs(map[r * cols + c]) / sum) : 0.0f;
      }
    } else {
      float lo = std::numeric_limits<float>::max(), hi = 0.0f;
      for (int64_t i = 0; i < rows * cols; ++i) {
        lo = std::min(lo, std::abs(map[i]));
        hi = std::max(hi, std::abs(map[i]));
      }
      for (int64_t i = 0; i < rows * cols; ++i) map[i] = hi > lo ? (std::abs(map[i]) - lo) / (hi - lo) : 0.0f;
    }
  }
  return out;
}

GpuResults::GpuResults(const gpu::Context& context, HeatmapRenderer& heatmaps) : context_(context), heatmaps_(heatmaps) {}

GpuResults::~GpuResults() {
  for (GpuTensor* t : {&h_, &abar_, &bbar_, &c_, &delta_, &kernel_, &hidden_attention_, &probs_, &abar_dense_, &bbar_dense_})
    if (t->buffer) heatmaps_.forget_buffer(t->buffer->buffer());
}

void GpuResults::put(GpuTensor& tensor, const std::vector<int64_t>& shape, const float* data) {
  const int64_t count = count_of(shape);
  tensor.shape = shape;
  if (count == 0) return;
  const VkDeviceSize bytes = static_cast<VkDeviceSize>(count) * sizeof(float);
  if (!tensor.buffer || tensor.buffer->size() < bytes) {
    // Grown, never shrunk; the old descriptor set goes with the old buffer (the GPU is idle here).
    if (tensor.buffer) {
      vkDeviceWaitIdle(context_.device());
      heatmaps_.forget_buffer(tensor.buffer->buffer());
    }
    tensor.buffer = std::make_unique<gpu::GpuBuffer>(context_, bytes);
  }
  std::memcpy(tensor.buffer->mapped(), data, static_cast<size_t>(bytes));
  float lo = std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::lowest();
  for (int64_t i = 0; i < count; ++i)
    if (std::isfinite(data[i])) lo = std::min(lo, data[i]), hi = std::max(hi, data[i]);
  if (lo > hi) lo = hi = 0.0f;
  tensor.min = lo;
  tensor.max = hi;
  tensor.max_abs = std::max(std::abs(lo), std::abs(hi));
}

void GpuResults::upload(const compute::Results& results, MapNormalization normalization, PooledStatistic statistic) {
  vkDeviceWaitIdle(context_.device());  // buffers are rewritten in place; no frame may still read them
  ++generation_;
  const compute::SsmResults& ssm = results.ssm;
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
  if (ssm.lti) put(kernel_, {ssm.kernel.rows(), ssm.kernel.cols()}, ssm.kernel.data());
  else kernel_.shape.clear();
  upload_maps(results, normalization, statistic);
}

namespace {
const compute::Tensor& shown_maps(const compute::Tensor& full, const compute::MapOverview& overview,
                                  PooledStatistic statistic) {
  if (overview.empty()) return full;
  return statistic == PooledStatistic::Mean ? overview.mean : overview.max_abs;
}
}  // namespace

void GpuResults::upload_maps(const compute::Results& results, MapNormalization normalization,
                             PooledStatistic statistic) {
  vkDeviceWaitIdle(context_.device());
  const compute::Tensor& alpha_maps =
      shown_maps(results.ssm.hidden_attention, results.ssm.hidden_attention_overview, statistic);
  const auto alpha = normalize_maps(alpha_maps, normalization);
  put(hidden_attention_, alpha_maps.shape, alpha.data());
  const compute::Tensor& prob_maps = shown_maps(results.attention.probs, results.attention.probs_overview, statistic);
  const auto probs = normalize_maps(prob_maps, normalization);
  put(probs_, prob_maps.shape, probs.data());
}

uint64_t GpuResults::bytes() const {
  uint64_t total = 0;
  for (const GpuTensor* t : {&h_, &abar_, &bbar_, &c_, &delta_, &kernel_, &hidden_attention_, &probs_, &abar_dense_,
                             &bbar_dense_})
    if (t->buffer) total += t->buffer->size();
  return total;
}

HeatmapView GpuResults::slice_view(const GpuTensor& tensor, int64_t first, Colormap map, float lo, float hi) {
  HeatmapView view;
  if (tensor.empty()) return view;
  const bool rank3 = tensor.shape.size() == 3;
  const int64_t rows = rank3 ? tensor.shape[1] : tensor.shape[0];
  const int64_t cols = rank3 ? tensor.shape[2] : tensor.shape[1];
  view.buffer = tensor.handle();
  view.rows = static_cast<uint32_t>(rows);
  view.cols = static_cast<uint32_t>(cols);
  view.offset = static_cast<uint32_t>(rank3 ? first * rows * cols : 0);
  view.row_stride = static_cast<uint32_t>(cols);
  view.col_stride = 1;
  view.lo = lo;
  view.hi = hi;
  view.colormap = map;
  return view;
}

}  // namespace seqscope::viz
