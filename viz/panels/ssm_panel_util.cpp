// Helpers shared by the SSM panels: ranges, views, α slots, hover text, highlights.
#include "viz/panels/ssm_panel_util.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace seqscope::viz {

namespace {
// A dark halo under a light line: readable on white (diverging 0) and on dark (viridis 0) cells.
void outline(ImDrawList* list, ImVec2 min, ImVec2 max, uint32_t color) {
  list->AddRect(ImVec2(min.x - 1.0f, min.y - 1.0f), ImVec2(max.x + 1.0f, max.y + 1.0f), IM_COL32(0, 0, 0, 200), 0.0f,
                0, 3.0f);
  list->AddRect(min, max, color, 0.0f, 0, 1.5f);
}

}  // namespace

HeatmapView colored(HeatmapView view, const MapRange& range) {
  view.lo = range.lo;
  view.hi = range.hi;
  view.colormap = range.colormap;
  view.log_scale = range.log_scale;
  return view;
}

std::vector<HeatmapPiece> over_time(const GpuTensor& tensor, uint32_t rows, uint32_t offset, uint32_t row_stride,
                                    const MapRange& range) {
  std::vector<HeatmapPiece> pieces = tensor.columns_along_axis0(rows, offset, row_stride);
  for (HeatmapPiece& piece : pieces) piece.view = colored(piece.view, range);
  return pieces;
}
int alpha_slot(const std::vector<int>& channels, int channel) {
  if (channels.empty()) return -1;
  const auto it = std::find(channels.begin(), channels.end(), channel);
  return it == channels.end() ? 0 : static_cast<int>(it - channels.begin());
}

std::string format_channel_list(const std::vector<int>& channels, size_t max_shown) {
  std::string out = "[";
  for (size_t i = 0; i < std::min(channels.size(), max_shown); ++i) out += (i ? ", " : "") + std::to_string(channels[i]);
  if (channels.size() > max_shown) out += ", … (" + std::to_string(channels.size()) + " in all)";
  return out + "]";
}

std::string format_complex(std::complex<float> z, bool is_complex) {
  char text[64];
  if (!is_complex) {
    std::snprintf(text, sizeof text, "%.4g", z.real());
  } else {
    // U+2212 minus, as in the formulas elsewhere on screen.
    std::snprintf(text, sizeof text, "%.4g %s %.4gi", z.real(), z.imag() < 0.0f ? "\u2212" : "+", std::abs(z.imag()));
  }
  return text;
}

std::string position_label(const compute::Inputs& inputs, int t) {
  if (t < 0 || static_cast<size_t>(t) >= inputs.labels.size()) return "";
  return "'" + inputs.labels[static_cast<size_t>(t)] + "'";
}

std::vector<float> state_norms(const compute::TensorC& h, int channel) {
  if (h.rank() != 3) return {};
  const int64_t L = h.shape[0], D = h.shape[1], N = h.shape[2];
  std::vector<float> norms(static_cast<size_t>(L), 0.0f);
  const int64_t first = channel < 0 ? 0 : channel, last = channel < 0 ? D : std::min<int64_t>(D, channel + 1);
  for (int64_t t = 0; t < L; ++t) {
    double sum = 0.0;
    for (int64_t d = first; d < last; ++d)
      for (int64_t n = 0; n < N; ++n) sum += std::norm(h.at(t, d, n));
    norms[static_cast<size_t>(t)] = static_cast<float>(std::sqrt(sum));
  }
  return norms;
}

bool apply_map_click(ViewState& view, MapAxes axes, const HeatmapHover& hover) {
  if (!hover.clicked || hover.row < 0 || hover.col < 0) return false;
  switch (axes) {
    case MapAxes::RowIsT: view.cursor = hover.row; break;
    case MapAxes::ColIsT: view.cursor = hover.col; break;
    case MapAxes::RowIsChannel: view.channel = hover.row; break;
    case MapAxes::RowChannelColT:
      view.channel = hover.row;
      view.cursor = hover.col;
      break;
  }
  return true;
}

void outline_row(ImDrawList* list, ImVec2 min, ImVec2 max, int row, int rows, uint32_t color) {
  if (row < 0 || row >= rows) return;
  const float h = (max.y - min.y) / static_cast<float>(rows);
  // At least 3 px tall, so the outline shows even when a row is thinner than a pixel.
  const float mid = min.y + (static_cast<float>(row) + 0.5f) * h, half = std::max(1.5f, 0.5f * h);
  outline(list, ImVec2(min.x, mid - half), ImVec2(max.x, mid + half), color);
}

void outline_col(ImDrawList* list, ImVec2 min, ImVec2 max, int col, int cols, uint32_t color) {
  if (col < 0 || col >= cols) return;
  const float w = (max.x - min.x) / static_cast<float>(cols);
  const float mid = min.x + (static_cast<float>(col) + 0.5f) * w, half = std::max(1.5f, 0.5f * w);
  outline(list, ImVec2(mid - half, min.y), ImVec2(mid + half, max.y), color);
}

}  // namespace seqscope::viz
