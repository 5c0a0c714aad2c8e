// AttentionPanel ("Attention"): the attention probabilities [L, L] of the selected head (or a
// grid of every head), the query row t highlighted, below it that row as a bar chart over the
// keys s ("where does t look"), and a meter of the KV cache the layer keeps at t vs at L.
// Hovering a cell gives query and key tokens, the exact probability and score; clicking moves
// the cursor to the query row. Normalization and log scale are shared with the hidden
// attention panel. With two real models (Results::attention_tokens) the rows are the attention
// model's own tokens, and the query row is the one aligned with the cursor t.
#pragma once
#include <imgui.h>

#include <string>
#include <utility>

#include "compute/backend/results.h"
#include "viz/panels/map_range.h"
#include "viz/panels/panel.h"
#include "viz/panels/pooled_map.h"
#include "viz/widgets/colormap.h"

namespace seqscope::viz {

// The tokens the heads read: the attention model's own (two tokenizers), else Results::inputs.
const compute::Inputs& attention_inputs(const compute::Results& results);
// The query row shown for the cursor (TokenAlignment::other_at with the user's pick), in [0, L).
int attention_row(const compute::Results& results, const ViewState& view);
// Clicking query row `row`: the cursor moves to the token of Results::inputs that covers the
// row's first byte, and the row is kept as the pick.
void move_to_attention_row(const compute::Results& results, ViewState& view, int row);

// Value at (head, t, s) of `maps` [H, L, L] as the map shows it after `normalization`
// (normalized_cell of viz/widgets/map_normalization.h).
float shown_value(const compute::Tensor& maps, int head, int t, int s, MapNormalization normalization);

// Columns and rows of a grid of `heads` square maps in `region`, each under a label line of
// `label_h`, `gap` apart, with the largest map side.
struct HeadGrid {
  int cols = 1, rows = 1;
  float side = 0.0f;
};
HeadGrid head_grid(int heads, ImVec2 region, float label_h, float gap);

// "softmax · causal · head 1/2 · t = 17" and what the map means for linear and lag heads.
std::string attention_header(const compute::Session& session, int head, int heads, bool all_heads, int t);

// Hover text of cell (t, s) of `head`: tokens, probability (or weight), score, shown value.
std::string attention_cell_tooltip(const compute::Results& results, int head, int t, int s,
                                   MapNormalization normalization);

// Tooltip of block (row, col) of head `head`'s pooled overview (L beyond a full map).
std::string attention_block_tooltip(const compute::Results& results, int head, int row, int col);

class AttentionPanel : public Panel {
 public:
  PanelId id() const override { return PanelId::Attention; }
  void draw(PanelContext& context) override;

  // Screen rectangle (min, max) of the single-head map in the last frame; empty in the grid view.
  std::pair<ImVec2, ImVec2> map_rect() const { return map_rect_; }

 private:
  std::pair<ImVec2, ImVec2> map_rect_;
  void draw_figure(PanelContext& context, int t);  // figure mode (figure_map.h)

  ExactRowCache row_cache_;  // the query row (exact, also next to an overview)
};

}  // namespace seqscope::viz
