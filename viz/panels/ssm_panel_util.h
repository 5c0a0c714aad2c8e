// Helpers shared by the SSM panels (ssm_state, ssm_dynamics, hidden_attention): display
// ranges for signed and non-negative maps, strided views of [L, D, N] tensors, picking the
// computed α slot, hover text (complex numbers, token labels), and row / column highlights.
// All pure except the ImDrawList helpers at the end.
#pragma once
#include <imgui.h>

#include <complex>
#include <string>
#include <vector>

#include "compute/session/inputs.h"
#include "core/types.h"
#include "viz/render/gpu_results.h"
#include "viz/render/heatmap.h"
#include "viz/panels/map_range.h"
#include "viz/render/heatmap_item.h"
#include "viz/widgets/colormap.h"
#include "viz/widgets/view_state.h"

namespace seqscope::viz {

// `view` with the colors of `range`.
HeatmapView colored(HeatmapView view, const MapRange& range);
// A rows x L heatmap of a [L, ...] tensor (a channel over t): row r of column t is element
// offset + r*row_stride of index t; one piece per chunk of the tensor, colored by `range`.
std::vector<HeatmapPiece> over_time(const GpuTensor& tensor, uint32_t rows, uint32_t offset, uint32_t row_stride,
                                    const MapRange& range);

// Index into hidden_attention_channels showing `channel`: its own slot when it was computed,
// else slot 0; -1 when no channel was computed.
int alpha_slot(const std::vector<int>& channels, int channel);
// "[0, 3, 5]"; long lists end in "… (12 in all)" after `max_shown` entries.
std::string format_channel_list(const std::vector<int>& channels, size_t max_shown = 8);


// "0.123" for real models, "0.123 + 0.0456i" / "0.123 − 0.0456i" for complex ones.
std::string format_complex(std::complex<float> z, bool is_complex);
// "'a'" for position t when the inputs have labels, else "".
std::string position_label(const compute::Inputs& inputs, int t);

// [L] ‖h_t[d]‖ over n of channel d, or over all channels and modes when d < 0. h: [L, D, N].
std::vector<float> state_norms(const compute::TensorC& h, int channel);

// What the rows and columns of a map are, so that a click on a cell moves the right thing.
enum class MapAxes {
  RowIsT,          // L x L maps: row = query t
  ColIsT,          // n x t maps: column = t
  RowIsChannel,    // d x n map at t: row = channel
  RowChannelColT,  // d x t maps: row = channel, column = t
};
// Applies a click on a cell (hover.clicked) to the view; returns whether it did anything.
bool apply_map_click(ViewState& view, MapAxes axes, const HeatmapHover& hover);

// Thin outline around row `row` (or column `col`) of a rows x cols map drawn in [min, max].
void outline_row(ImDrawList* list, ImVec2 min, ImVec2 max, int row, int rows, uint32_t color);
void outline_col(ImDrawList* list, ImVec2 min, ImVec2 max, int col, int cols, uint32_t color);

// Color for highlights over heatmaps (white with some transparency; visible on both maps).
constexpr uint32_t k_highlight_color = IM_COL32(255, 255, 255, 220);
// Vermillion (Okabe-Ito), for warnings and unstable modes.
constexpr uint32_t k_warning_color = IM_COL32(213, 94, 0, 255);

}  // namespace seqscope::viz
