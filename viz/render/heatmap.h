// GPU heatmaps inside Dear ImGui 1.86. Its Vulkan backend ignores ImTextureID, so a heatmap is
// an ImDrawList callback: when ImGui's renderer reaches it, our own pipeline draws one quad
// whose fragment shader reads the matrix straight from a GPU buffer and applies the colormap.
// A 4096×4096 matrix costs one quad, not 16 M vertices.
//
// Sections: HeatmapView (what to draw), HeatmapRenderer (pipeline, descriptor sets, callbacks).
#pragma once
#include <imgui.h>
#include <vulkan/vulkan.h>

#include <deque>
#include <memory>
#include <unordered_map>

#include "gpu/buffer.h"
#include "gpu/context.h"
#include "gpu/handle.h"
#include "viz/widgets/colormap.h"

namespace seqscope::viz {

// A strided 2-D view of floats in a GPU buffer: element (r, c) is
// buffer[offset + r*row_stride + c*col_stride]. Slices of [L, D, N] tensors need no copy.
// The buffer must live until the frame that draws the view has been rendered.
struct HeatmapView {
  const gpu::GpuBuffer* buffer = nullptr;
  uint32_t rows = 0, cols = 0;
  uint32_t offset = 0, row_stride = 0, col_stride = 1;
  float lo = 0.0f, hi = 1.0f;  // value range mapped to the colormap (log10 units when log_scale)
  Colormap colormap = Colormap::Viridis;
  bool log_scale = false;
};

// Part of a heatmap whose columns come from several buffers (a tensor split along the axis
// the columns run over): this piece draws columns [first_col, first_col + view.cols).
struct HeatmapPiece {
  HeatmapView view;
  uint32_t first_col = 0;
};

// Mirrors shaders/heatmap_push.glsl.
struct HeatmapPush {
  float rect[4];
  uint32_t dims[4];
  float range[4];
  uint32_t style[4];
};
static_assert(sizeof(HeatmapPush) == 64);

class HeatmapRenderer {
 public:
  // render_pass: the pass ImGui draws in (window or a compatible offscreen pass).
  HeatmapRenderer(const gpu::Context& context, VkRenderPass render_pass);
  ~HeatmapRenderer();
  HeatmapRenderer(const HeatmapRenderer&) = delete;
  HeatmapRenderer& operator=(const HeatmapRenderer&) = delete;

  // Queues `view` to be drawn in the screen rectangle [min, max] of `list`, in draw order.
  void draw(ImDrawList* list, const HeatmapView& view, ImVec2 min, ImVec2 max);
  // Call before ImGui_ImplVulkan_RenderDrawData: the 1.86 backend calls callbacks without the
  // command buffer, so the callbacks find it (and the display transform) here.
  void begin_render(VkCommandBuffer cmd, const ImDrawData* draw_data);
  // Call after NewFrame, before anything is recorded: forgets last frame's queued draws and
  // frees the descriptor sets of buffers not drawn for a few frames (destroyed ones included).
  void begin_frame();
  // Descriptor sets held now (one per buffer drawn recently); for tests.
  size_t cached_sets() const { return sets_.size(); }

 private:
  struct QueuedDraw {
    HeatmapRenderer* renderer;
    HeatmapView view;
    ImVec2 min, max;
  };
  // A buffer's descriptor set and the frame that last drew it.
  struct CachedSet {
    VkDescriptorSet set = VK_NULL_HANDLE;
    uint64_t last_frame = 0;
  };
  static void on_draw_callback(const ImDrawList* list, const ImDrawCmd* cmd);
  void record(const QueuedDraw& draw, const ImDrawCmd* cmd);
  VkDescriptorSet descriptor_for(const gpu::GpuBuffer& buffer);
  void free_unused_sets();
  void create_pipeline(VkRenderPass render_pass);

  const gpu::Context& context_;
  gpu::DescriptorSetLayoutHandle set_layout_;
  gpu::PipelineLayoutHandle pipeline_layout_;
  gpu::PipelineHandle pipeline_;
  gpu::DescriptorPoolHandle pool_;
  std::unique_ptr<gpu::GpuBuffer> lut_;
  // Keyed by GpuBuffer::id, never by VkBuffer: a destroyed buffer's handle may come back as a
  // new buffer's, and a set written for the old one would read freed memory (issue 16, fault 7).
  std::unordered_map<uint64_t, CachedSet> sets_;
  uint64_t frame_ = 0;
  std::deque<QueuedDraw> draws_;  // deque: pointers handed to ImGui stay valid while it grows
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  ImVec2 display_pos_{}, display_size_{1, 1}, framebuffer_scale_{1, 1};
};

}  // namespace seqscope::viz
