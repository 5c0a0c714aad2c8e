// Small widgets on ImDrawList shared by the panels: the GPU heatmap item (with hover cell)
// and its colorbar with value labels. ImPlot is not packaged in Debian, so these are our own.
#pragma once
#include <imgui.h>

#include <span>

#include "viz/render/heatmap.h"
#include "viz/widgets/colormap.h"

namespace seqscope::viz {

struct HeatmapHover {
  bool hovered = false;
  bool clicked = false;
  int row = -1, col = -1;
};

// Reserves a size.x by size.y item, draws `view` there on the GPU, frames it, and reports
// which cell the mouse is over.
HeatmapHover heatmap_item(const char* id, HeatmapRenderer& heatmaps, const HeatmapView& view, ImVec2 size);
// The same for a rows x cols heatmap drawn from pieces (each its share of the width).
HeatmapHover heatmap_item(const char* id, HeatmapRenderer& heatmaps, std::span<const HeatmapPiece> pieces,
                          uint32_t rows, uint32_t cols, ImVec2 size);

// A vertical colorbar of `size` with tick labels at lo, middle and hi (in data units; for a
// log scale lo/hi are log10 values and labels show 10^x).
void colorbar(const char* id, Colormap map, float lo, float hi, bool log_scale, ImVec2 size);

// Width a colorbar of bar_width needs including its labels.
float colorbar_width(float bar_width);

}  // namespace seqscope::viz
