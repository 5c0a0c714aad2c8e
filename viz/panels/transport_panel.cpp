#include "viz/panels/transport_panel.h"

#include <imgui.h>

#include <algorithm>

namespace seqscope::viz {
namespace {

constexpr float k_min_speed = 0.5f, k_max_speed = 240.0f;

void step_cursor(ViewState& view, int length, int delta) {
  view.cursor = std::clamp(view.cursor + delta, 0, std::max(0, length - 1));
}

// ImGui 1.86 with GLFW: keys are GLFW key codes (ASCII for printable keys).
constexpr int k_key_space = 32, k_key_plus = '=', k_key_minus = '-', k_key_kp_add = 334, k_key_kp_subtract = 333;

}  // namespace

void TransportPanel::handle_keys(ViewState& view, int length, const KeyTaps& taps) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || length <= 0) return;
  if (ImGui::IsKeyPressed(k_key_space, false)) view.playing = !view.playing;
  if (taps.queued) {
    step_cursor(view, length, taps.right - taps.left);
  } else {
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) step_cursor(view, length, +1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) step_cursor(view, length, -1);
  }
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home), false)) view.cursor = 0;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_End), false)) view.cursor = length - 1;
  if (ImGui::IsKeyPressed(k_key_plus) || ImGui::IsKeyPressed(k_key_kp_add))
    view.speed = std::min(k_max_speed, view.speed * 2.0f);
  if (ImGui::IsKeyPressed(k_key_minus) || ImGui::IsKeyPressed(k_key_kp_subtract))
    view.speed = std::max(k_min_speed, view.speed * 0.5f);
}

void TransportPanel::advance(ViewState& view, int length, double dt_seconds) {
  if (!view.playing || length <= 0) return;
  view.play_accumulator += dt_seconds * view.speed;
  while (view.play_accumulator >= 1.0) {
    view.play_accumulator -= 1.0;
    if (view.cursor + 1 < length) {
      ++view.cursor;
    } else if (view.loop) {
      view.cursor = 0;
    } else {
      view.playing = false;
      view.play_accumulator = 0.0;
      break;
    }
  }
}

void TransportPanel::draw(ViewState& view, int length) {
  const int last = std::max(0, length - 1);
  if (ImGui::Button("|<")) view.cursor = 0;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Start (Home)");
  ImGui::SameLine();
  if (ImGui::Button("<")) step_cursor(view, length, -1);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Step back (←)");
  ImGui::SameLine();
  if (ImGui::Button(view.playing ? "Pause" : "Play", ImVec2(ImGui::CalcTextSize("Pause").x + 16.0f, 0)))
    view.playing = !view.playing;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Play / pause (Space)");
  ImGui::SameLine();
  if (ImGui::Button(">")) step_cursor(view, length, +1);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Step forward (→)");
  ImGui::SameLine();
  if (ImGui::Button(">|")) view.cursor = last;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("End (End)");
  ImGui::SameLine();
  const float speed_width = ImGui::CalcTextSize("speed 240.0 tok/s").x + 20.0f;
  const float loop_width = ImGui::CalcTextSize("loop").x + ImGui::GetFrameHeight() + 12.0f;
  ImGui::SetNextItemWidth(std::max(120.0f, ImGui::GetContentRegionAvail().x - speed_width - loop_width - 16.0f));
  ImGui::SliderInt("##t", &view.cursor, 0, last, "t = %d");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(speed_width);
  ImGui::SliderFloat("##speed", &view.speed, k_min_speed, k_max_speed, "speed %.1f tok/s", ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Playback speed in tokens per second (+ / −)");
  ImGui::SameLine();
  ImGui::Checkbox("loop", &view.loop);
  view.cursor = std::clamp(view.cursor, 0, last);
}

}  // namespace seqscope::viz
