#include "app/dashboard.h"

#include <imgui.h>

namespace seqscope::app {
namespace {
constexpr uint32_t k_test_pattern_side = 4096;
constexpr ImGuiWindowFlags k_root_flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                          ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_MenuBar |
                                          ImGuiWindowFlags_NoBringToFrontOnFocus;
}  // namespace

Dashboard::Dashboard(const vk::Context& context, viz::HeatmapRenderer& heatmaps)
    : test_pattern_(context, heatmaps, k_test_pattern_side) {}

bool Dashboard::draw(const DashboardStatus& status) {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  ImGui::Begin("seqscope", nullptr, k_root_flags);
  if (ImGui::BeginMenuBar()) {
    if (ImGui::BeginMenu("File")) {
      if (ImGui::MenuItem("Quit", "Ctrl+Q")) quit_ = true;
      ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
      if (ImGui::MenuItem("About seqscope")) show_help_ = true;
      ImGui::EndMenu();
    }
    ImGui::EndMenuBar();
  }
  // ImGui 1.86 with the GLFW backend: letter keys are indexed by their ASCII codes.
  if (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed('Q')) quit_ = true;

  const float status_height = ImGui::GetFrameHeightWithSpacing();
  ImGui::BeginChild("heatmap_test", ImVec2(0, -status_height), true);
  ImGui::TextUnformatted("Heatmap test: GPU buffers drawn by seqscope's own pipeline inside ImGui");
  ImGui::Separator();
  test_pattern_.draw();
  ImGui::EndChild();
  draw_status_bar(status);
  ImGui::End();

  if (show_help_) {
    ImGui::SetNextWindowSize(ImVec2(460, 0), ImGuiCond_Appearing);
    ImGui::Begin("About seqscope", &show_help_, ImGuiWindowFlags_NoSavedSettings);
    ImGui::TextWrapped(
        "seqscope shows how a state space model (S4D, Mamba, Mamba-2) and attention process the same "
        "sequence, side by side: the SSM's hidden state h, its discretized dynamics (Δ, Ā = exp(ΔA)) and "
        "the attention maps α.");
    ImGui::End();
  }
  return !quit_;
}

void Dashboard::draw_status_bar(const DashboardStatus& status) {
  ImGui::Separator();
  ImGui::Text("device: %s", status.device.c_str());
  ImGui::SameLine(0.0f, 24.0f);
  ImGui::Text("frame %.2f ms", status.frame_ms);
  if (!status.notice.empty()) {
    ImGui::SameLine(0.0f, 24.0f);
    ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f), "%s", status.notice.c_str());
  }
}

}  // namespace seqscope::app
