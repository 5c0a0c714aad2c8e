// TokensPanel ("Input"): the strip at the top of the dashboard. Text and task inputs are token
// boxes (task roles colored, with a legend; query targets in tooltips; a window around the
// cursor plus an overview bar of the whole sequence when L is long), signals a line plot,
// grids their frames of cells with the scan path. Clicking a token, a point or a cell moves t.
// Two real models with their own tokenizers (Results::attention_tokens) get two strips, the SSM
// panels' tokens above the attention panels', each marking the tokens that share text with the
// other strip's cursor token.
//
// The layout helpers below are pure so that tests can check what a click lands on.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "compute/session/inputs.h"
#include "viz/panels/panel.h"

namespace seqscope::viz {

// Positions [first, first + count) shown when only `capacity` boxes fit: the cursor near the
// middle, `first` a multiple of `align` (boxes keep their column while t moves through a
// multi-row window), the window inside [0, length).
struct TokenWindow {
  int first = 0;
  int count = 0;
};
TokenWindow token_window(int length, int cursor, int capacity, int align = 1);

// Token boxes of box.x by box.y pixels, `gap` apart, `per_row` to a row, from `origin`.
struct TokenLayout {
  ImVec2 origin{};
  ImVec2 box{};
  float gap = 0.0f;
  int per_row = 1;
  TokenWindow window;
};
// Top-left corner of position t's box (t inside the window).
ImVec2 token_box_min(const TokenLayout& layout, int t);
// Position t under `point`, or -1 (gaps and empty slots included).
int token_at(const TokenLayout& layout, ImVec2 point);

// Grid frames side by side: square cells of `cell` pixels, frames `gap` apart.
struct GridLayout {
  ImVec2 origin{};
  float cell = 1.0f;
  float gap = 0.0f;
  int width = 1, height = 1, frames = 1;
};
// Screen center of flat cell frame*H*W + y*W + x.
ImVec2 grid_cell_center(const GridLayout& layout, int flat_cell);
// Flat cell under `point`, or -1 (outside the frames or in a gap between them).
int grid_cell_at(const GridLayout& layout, ImVec2 point);
// Step t at which each of `cells` flat cells is visited (the inverse of Inputs::scan_order);
// -1 for a cell no step visits.
std::vector<int> visit_steps(std::span<const int> scan_order, int cells);

// Role colors of task tokens (Okabe-Ito): data, noise, marker, query; text tokens are neutral.
uint32_t role_color(compute::TokenRole role);
const char* role_name(compute::TokenRole role);
// Display label of token id `token`: the label of the first position holding it, or "#id".
std::string symbol_label(const compute::Inputs& inputs, int token);
// Hover text of position t: index, label, token id, role, and the target of a query.
std::string token_tooltip(const compute::Inputs& inputs, int t);
// A trained model's answer at t: 1 right, -1 wrong, 0 where t has no target or no prediction.
int prediction_verdict(const compute::Inputs& inputs, int t);

class TokensPanel : public Panel {
 public:
  PanelId id() const override { return PanelId::Tokens; }
  void draw(PanelContext& context) override;

  // Where the last frame put its token boxes or grid cells (what a click there selects).
  const TokenLayout& token_layout() const { return token_layout_; }
  const TokenLayout& other_token_layout() const { return other_layout_; }  // the attention panels' strip
  const GridLayout& grid_layout() const { return grid_layout_; }

 private:
  TokenLayout token_layout_;
  TokenLayout other_layout_;
  GridLayout grid_layout_;
};

}  // namespace seqscope::viz
