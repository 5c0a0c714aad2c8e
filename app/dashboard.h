// Dashboard: wires the panels into one window that fills the display, with a menu bar and a
// status bar (device, backend, frame time). The same draw() runs in the window and headless.
#pragma once
#include <memory>
#include <string>

#include "compute/vulkan/context.h"
#include "viz/heatmap.h"
#include "viz/test_pattern_panel.h"

namespace seqscope::app {

struct DashboardStatus {
  std::string device;
  float frame_ms = 0.0f;
  std::string notice;  // one line, e.g. a font fallback
};

class Dashboard {
 public:
  Dashboard(const vk::Context& context, viz::HeatmapRenderer& heatmaps);
  // Draws everything for this frame; returns false when the user asked to quit.
  bool draw(const DashboardStatus& status);

 private:
  void draw_status_bar(const DashboardStatus& status);
  viz::TestPatternPanel test_pattern_;
  bool quit_ = false;
  bool show_help_ = false;
};

}  // namespace seqscope::app
