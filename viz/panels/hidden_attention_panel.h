// HiddenAttentionPanel ("hidden_attention"): the SSM's implicit attention α_d [L, L] (Ali,
// Zimerman, Wolf 2024), y_d = α_d u_d, for the selected channel when it was computed (else the
// first computed one, with a note). Same colormap and normalization choices as the attention
// map; the query row t is outlined; clicking a cell moves the cursor to its row.
#pragma once
#include "viz/panels/map_range.h"
#include "viz/panels/panel.h"
#include "viz/panels/pooled_map.h"

namespace seqscope::viz {

class HiddenAttentionPanel : public Panel {
 public:
  PanelId id() const override { return PanelId::HiddenAttention; }
  void draw(PanelContext& context) override;

  // Where the last draw put the map, in screen pixels (tests sample colors there).
  ImVec2 last_map_min() const { return map_min_; }
  ImVec2 last_map_max() const { return map_max_; }

 private:
  void draw_header(PanelContext& context, int slot);
  void draw_map(PanelContext& context, int slot, float height);
  void draw_exact_row(PanelContext& context, int slot, float height);
  void draw_figure(PanelContext& context, int slot);
  MapRange shown_range(const PanelContext& context) const;  // own or shared (view.shared_scale)
  void update_range(const compute::SsmResults& ssm, int slot, PooledStatistic statistic);
  void tooltip(const PanelContext& context, int slot, int t, int s) const;
  void block_tooltip(const PanelContext& context, int slot, int row, int col) const;

  // min / max |α| of the shown map (min-max hover values, raw color range), cached per map.
  const void* range_key_ = nullptr;
  int range_slot_ = -1;
  float min_abs_ = 0.0f, max_abs_ = 0.0f;
  ImVec2 map_min_{}, map_max_{};
  ExactRowCache row_cache_;  // α[t, :] under a pooled overview
};

}  // namespace seqscope::viz
