// OffscreenTarget: renders a frame's ImDrawData into a VkImage with no window and no surface,
// and reads it back as RGBA. Used by --screenshot, headless export and the golden tests. Its
// render pass is compatible with the window's (same color format, one sample), so one
// UiRenderer serves both.
#pragma once
#include <imgui.h>
#include <vulkan/vulkan.h>

#include <cstdint>
#include <functional>
#include <memory>

#include "gpu/buffer.h"
#include "gpu/context.h"
#include "viz/render/image_export.h"
#include "viz/render/ui_renderer.h"

namespace seqscope::viz {

class OffscreenTarget {
 public:
  // The offscreen default color format (also used by the window when the surface offers it).
  static constexpr VkFormat k_default_format = VK_FORMAT_B8G8R8A8_UNORM;

  OffscreenTarget(gpu::Context& context, VkFormat format = k_default_format);
  ~OffscreenTarget();
  OffscreenTarget(const OffscreenTarget&) = delete;
  OffscreenTarget& operator=(const OffscreenTarget&) = delete;

  VkRenderPass render_pass() const { return render_pass_; }
  // Renders draw_data into a width x height image (its framebuffer size) and reads it back.
  Image render(UiRenderer& renderer, ImDrawData* draw_data, ImVec4 clear_color);
  // Records `record` inside the pass into a width x height image and returns the read-back
  // pixels in the target's format: rows of width*4 bytes, valid until the next render.
  const uint8_t* render_pixels(uint32_t width, uint32_t height, ImVec4 clear_color,
                               const std::function<void(VkCommandBuffer)>& record);
  VkFormat format() const { return format_; }

 private:
  void resize(uint32_t width, uint32_t height);
  void destroy_image();

  gpu::Context& context_;
  VkFormat format_;
  VkRenderPass render_pass_ = VK_NULL_HANDLE;
  VkImage image_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  VkImageView view_ = VK_NULL_HANDLE;
  VkFramebuffer framebuffer_ = VK_NULL_HANDLE;
  std::unique_ptr<gpu::GpuBuffer> readback_;
  uint32_t width_ = 0, height_ = 0;
};

}  // namespace seqscope::viz
