// TestPatternPanel: the walking skeleton's proof that GPU heatmaps work inside ImGui: a large
// sequential pattern (viridis) and a signed pattern (diverging), each with its colorbar and a
// hover readout of the exact value. Kept as the "Heatmap test" window and the golden image.
#pragma once
#include <memory>
#include <vector>

#include "gpu/buffer.h"
#include "viz/render/heatmap.h"

namespace seqscope::viz {

class TestPatternPanel {
 public:
  // side: rows and columns of the large pattern (e.g. 4096).
  TestPatternPanel(const gpu::Context& context, HeatmapRenderer& heatmaps, uint32_t side);
  // Draws the panel's contents into the current ImGui window.
  void draw();

  // Value of the large pattern at (row, col) in [0, 1]; of the signed one in [-1, 1].
  static float large_value(uint32_t row, uint32_t col, uint32_t side);
  static float signed_value(uint32_t row, uint32_t col, uint32_t side);

 private:
  HeatmapRenderer& heatmaps_;
  uint32_t side_;
  uint32_t signed_side_ = 64;
  std::unique_ptr<gpu::GpuBuffer> large_;   // [side, side]
  std::unique_ptr<gpu::GpuBuffer> signed_;  // [64, 64]
};

}  // namespace seqscope::viz
