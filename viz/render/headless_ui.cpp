#include "viz/render/headless_ui.h"

#include <imgui_internal.h>

#include <imgui.h>

namespace seqscope::viz {
namespace {
constexpr int k_settle_frames = 3;  // auto-sized windows and tables need a frame or two
}

void apply_theme(float scale) {
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  // Square corners: a rounded frame costs lavapipe ~10x the triangles of a square one, and the
  // token strip alone draws hundreds of frames (docs/rendering.md).
  style.WindowRounding = 0.0f;
  style.FrameRounding = 0.0f;
  style.GrabRounding = 0.0f;
  style.WindowPadding = ImVec2(8, 8);
  style.ItemSpacing = ImVec2(8, 5);
  style.ScaleAllSizes(scale);
}

ImVec4 background_color() { return ImVec4(0.09f, 0.09f, 0.11f, 1.0f); }

HeadlessUi::HeadlessUi(gpu::Context& context, float scale) : context_(context) {
  ImGuiContext* previous = ImGui::GetCurrentContext();
  imgui_ = ImGui::CreateContext();
  ImGui::SetCurrentContext(imgui_);
  try {
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // headless renders never read or write window positions
    apply_theme(scale);
    has_font_ = load_ui_font(k_base_font_px * scale);
    target_ = std::make_unique<OffscreenTarget>(context);
    renderer_ = std::make_unique<UiRenderer>(context, target_->render_pass(), 2);
    renderer_->upload_fonts();
  } catch (...) {  // the device refused a resource: give the caller its context back
    renderer_.reset();
    target_.reset();
    ImGui::DestroyContext(imgui_);
    ImGui::SetCurrentContext(previous);
    throw;
  }
}

HeadlessUi::~HeadlessUi() {
  renderer_.reset();
  target_.reset();
  ImGui::DestroyContext(imgui_);
}

Image HeadlessUi::render(uint32_t width, uint32_t height, const std::function<void()>& draw) {
  return render(width, height, draw, background_color());
}

Image HeadlessUi::render(uint32_t width, uint32_t height, const std::function<void()>& draw, ImVec4 clear) {
  ImGui::SetCurrentContext(imgui_);
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(width), static_cast<float>(height));
  io.DisplayFramebufferScale = ImVec2(1.0f, 1.0f);
  io.DeltaTime = 1.0f / 60.0f;
  io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // no hover highlights in exported figures
  try {
    for (int i = 0; i < k_settle_frames - 1; ++i) {
      ImGui::NewFrame();
      renderer_->heatmaps().begin_frame();
      draw();
      ImGui::EndFrame();
    }
    ImGui::NewFrame();
    renderer_->heatmaps().begin_frame();
    draw();
    ImGui::Render();
  } catch (...) {
    // draw() threw between NewFrame and EndFrame: close its windows and the frame, so that the
    // next render starts a clean frame in this context.
    ImGui::ErrorCheckEndFrameRecover(nullptr);
    ImGui::EndFrame();
    throw;
  }
  return target_->render(*renderer_, ImGui::GetDrawData(), clear);
}

}  // namespace seqscope::viz
