// PanelContext: what every panel's draw() gets: the Results of the last upload (CPU) and their
// GPU copies for heatmaps, always the same snapshot, the heatmap renderer, and the ViewState it may change (cursor,
// channel, head...). A panel never recomputes and never edits the Session; what it asks the app
// to do (re-upload maps, measure the Cost panel's sweep) it says through the flags below.
#pragma once
#include <imgui.h>

#include <string>

#include "compute/backend/results.h"
#include "compute/bench/benchmark.h"
#include "viz/render/gpu_results.h"
#include "viz/render/heatmap.h"
#include "viz/widgets/view_state.h"

namespace seqscope::viz {

// The Cost panel's measured L sweep as the app has it (app/cost_sweep.h measures it).
struct SweepView {
  bool available = false;  // the app can measure one: the panel offers "Measure sweep"
  bool running = false;
  float progress = 0.0f;                        // 0..1 while running
  const compute::CostSweep* result = nullptr;  // the last finished sweep, or null
  std::string message;                         // one line: "cancelled", an error
};

enum class SweepRequest { None, Start, Cancel };

struct PanelContext {
  // gpu must hold Results: the panels draw its snapshot, the one its buffers were made from.
  PanelContext(const GpuResults& gpu_results, HeatmapRenderer& heatmap_renderer, ViewState& view_state)
      : results(gpu_results.results()), gpu(gpu_results), heatmaps(heatmap_renderer), view(view_state) {}

  const compute::Results& results;
  const GpuResults& gpu;
  HeatmapRenderer& heatmaps;
  ViewState& view;
  // Set by a panel when the user changed how maps are normalized (the app re-uploads them).
  bool maps_dirty = false;
  // Drawn into a figure (export --panel a,b): no live controls; the maps draw through
  // figure_map.h. figure_colorbar false: the figure draws one shared colorbar for the maps.
  bool figure = false;
  bool figure_colorbar = true;
  // Where the last figure map was drawn (screen pixels): the figure's shared colorbar lines up.
  ImVec2 figure_map_min{}, figure_map_max{};
  // The measured sweep to draw (null: none and no way to measure), and what the user asked.
  const SweepView* sweep = nullptr;
  SweepRequest sweep_request = SweepRequest::None;
};

}  // namespace seqscope::viz
