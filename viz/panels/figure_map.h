// One L x L map as a figure draws it (`seqscope export --panel hidden_attention,attention`, the
// File menu's figure): a title, the square map with its query axis t and key axis s (tick
// labels, or token labels when every cell fits one), the row of the cursor outlined, and under
// it "where does t look?": the share of |x| of row t over the keys (|x[t, s]| / Σ_s' |x[t, s']|), one bar per column of the
// map, with the key tokens under the bars. No live controls. The hidden attention and attention
// panels both draw through here in figure mode, so their maps get the same geometry, axes and
// labels for the same column size.
#pragma once
#include <string>
#include <vector>

#include "viz/panels/map_range.h"
#include "viz/panels/panel_context.h"
#include "viz/panels/pooled_map.h"

namespace seqscope::viz {

struct FigureMap {
  std::string title;        // "Hidden attention α · channel d = 0"
  const GpuTensor* maps;    // [M, side, side] as uploaded (normalized)
  int index = 0;            // the map of `maps` shown (α slot, head)
  MapRange range;
  MapGeometry geometry;     // full map, or pooled blocks of an overview
  int t = 0;                // the query row outlined (a sequence index)
  std::vector<float> row;   // exact row t over keys s, L values (raw: the figure takes |x|)
  const std::vector<std::string>* labels = nullptr;  // token of each position (size L)
  const char* symbol = "x"; // in the caption: "α", "p"
  bool colorbar = true;     // false: the figure draws one shared colorbar
};

// Draws `map` in the current content region; the cursor ends under it.
void draw_figure_map(PanelContext& context, const FigureMap& map);

// |x| of row over its sum (a distribution over the keys; zeros when the row is all zero).
std::vector<float> row_shares(const std::vector<float>& row);

}  // namespace seqscope::viz
