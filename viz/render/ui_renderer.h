// UiRenderer: Dear ImGui's Vulkan backend plus the heatmap pipeline, initialized against one
// render pass. Records a frame's ImDrawData into a command buffer inside that pass (or a
// compatible one: same color format, one sample), so the window and the offscreen target
// share one code path.
#pragma once
#include <imgui.h>
#include <vulkan/vulkan.h>

#include <memory>

#include "gpu/context.h"
#include "viz/render/heatmap.h"

namespace seqscope::viz {

class UiRenderer {
 public:
  UiRenderer(gpu::Context& context, VkRenderPass render_pass, uint32_t image_count);
  ~UiRenderer();
  UiRenderer(const UiRenderer&) = delete;
  UiRenderer& operator=(const UiRenderer&) = delete;

  // Uploads the font atlas (after the fonts are added to ImGui's atlas).
  void upload_fonts();
  // Records draw_data into cmd; the render pass must already be begun.
  void record(VkCommandBuffer cmd, ImDrawData* draw_data);
  void set_min_image_count(uint32_t count);
  HeatmapRenderer& heatmaps() { return *heatmaps_; }
  gpu::Context& context() { return context_; }

 private:
  gpu::Context& context_;
  VkDescriptorPool pool_ = VK_NULL_HANDLE;
  std::unique_ptr<HeatmapRenderer> heatmaps_;
};

// Adds DejaVu Sans (with Greek and math symbols) at `pixel_size` to ImGui's atlas; falls back
// to ImGui's built-in font and returns false (the caller shows a notice) when it is missing.
bool load_ui_font(float pixel_size);

}  // namespace seqscope::viz
