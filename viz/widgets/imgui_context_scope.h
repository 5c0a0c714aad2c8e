// ImGuiContextScope: makes an ImGui context current for the life of the scope and makes the
// previous one current again when the scope ends, also when an exception leaves it. The
// figure renderer draws in a context of its own beside the window's (app/export_render.cpp):
// a figure that throws midway must not leave the window drawing into the figure's context.
#pragma once
#include <imgui.h>

namespace seqscope::viz {

class ImGuiContextScope {
 public:
  explicit ImGuiContextScope(ImGuiContext* context) : previous_(ImGui::GetCurrentContext()) {
    ImGui::SetCurrentContext(context);
  }
  ~ImGuiContextScope() { ImGui::SetCurrentContext(previous_); }
  ImGuiContextScope(const ImGuiContextScope&) = delete;
  ImGuiContextScope& operator=(const ImGuiContextScope&) = delete;

 private:
  ImGuiContext* previous_;
};

}  // namespace seqscope::viz
