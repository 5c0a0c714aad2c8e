// HeadlessUi: ImGui + the UI renderer on an offscreen target, with no window, no surface and
// no GLFW backend (io.DisplaySize is set by hand). Headless export and golden tests render
// through it; the window's --screenshot uses the same OffscreenTarget path.
#pragma once
#include <functional>
#include <memory>

#include "gpu/context.h"
#include "viz/render/image_export.h"
#include "viz/render/offscreen_target.h"
#include "viz/render/ui_renderer.h"

namespace seqscope::viz {

// Dark theme and sizes scaled for `scale` (the monitor's content scale or an export scale).
void apply_theme(float scale);
// The clear color behind every window.
ImVec4 background_color();
// Font pixel size at scale 1.
constexpr float k_base_font_px = 15.0f;

class HeadlessUi {
 public:
  explicit HeadlessUi(gpu::Context& context, float scale = 1.0f);
  ~HeadlessUi();
  HeadlessUi(const HeadlessUi&) = delete;
  HeadlessUi& operator=(const HeadlessUi&) = delete;

  UiRenderer& renderer() { return *renderer_; }
  bool has_font() const { return has_font_; }
  // Runs `draw` as ImGui frames of width x height (a few, so that layouts settle) and returns
  // the last one as an image, cleared to `clear` (alpha 0 for a transparent figure).
  Image render(uint32_t width, uint32_t height, const std::function<void()>& draw);
  Image render(uint32_t width, uint32_t height, const std::function<void()>& draw, ImVec4 clear);

 private:
  gpu::Context& context_;
  ImGuiContext* imgui_ = nullptr;
  std::unique_ptr<OffscreenTarget> target_;
  std::unique_ptr<UiRenderer> renderer_;
  bool has_font_ = false;
};

}  // namespace seqscope::viz
