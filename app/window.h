// Window: GLFW window, Vulkan surface and swapchain (through ImGui's ImplVulkanH helpers),
// frame acquire/record/present with swapchain recreation on resize, out-of-date and minimize.
// The only file of the project that includes GLFW.
#pragma once
#include <imgui.h>
#include <backends/imgui_impl_vulkan.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gpu/context.h"
#include "viz/panels/transport_panel.h"

struct GLFWwindow;

namespace seqscope::app {

struct WindowStatus {
  bool ok = true;
  std::string reason;
};

class Window {
 public:
  // Initializes GLFW; false when there is no display (the caller prints the headless hint).
  static bool init_glfw(std::string* reason);
  // Instance extensions GLFW needs for a surface.
  static std::vector<const char*> required_instance_extensions();

  Window(gpu::Context& context, int width, int height, const std::string& title);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  static void terminate_glfw();

  bool should_close() const;
  void poll_events();
  void wait_events(double timeout_s);
  // ImGui's GLFW backend: input and display size for the coming frame.
  void new_imgui_frame();
  // Installs ImGui's GLFW backend (input, cursor, clipboard) for this window.
  void init_imgui_input();
  // The arrow presses counted since the last call (viz::KeyTaps), then the count starts again.
  viz::KeyTaps take_key_taps();
  float content_scale() const;
  VkRenderPass render_pass() const { return window_data_.RenderPass; }
  VkFormat format() const { return window_data_.SurfaceFormat.format; }
  uint32_t image_count() const { return window_data_.ImageCount; }
  uint32_t min_image_count() const { return min_image_count_; }
  bool minimized() const;

  // Rebuilds the swapchain if needed; returns true when it did (the caller updates ImGui's
  // min image count). Call once per frame before NewFrame.
  bool refresh_swapchain();
  // Acquires an image, records the frame with `record` inside the window's render pass, submits
  // and presents. Skips the frame (returns false) when the swapchain went out of date.
  bool render_and_present(const std::function<void(VkCommandBuffer)>& record, ImVec4 clear_color);

 private:
  // GLFW's key callback: counts arrow presses and repeats, then hands the event to ImGui's.
  static void on_key(GLFWwindow* window, int key, int scancode, int action, int mods);
  gpu::Context& context_;
  GLFWwindow* window_ = nullptr;
  ImGui_ImplVulkanH_Window window_data_;
  uint32_t min_image_count_ = 2;
  bool rebuild_swapchain_ = false;
  bool imgui_input_ = false;
  viz::KeyTaps key_taps_;  // filled by on_key between frames
};

}  // namespace seqscope::app
