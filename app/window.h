// Window: GLFW window and how frames reach it, with resize, out-of-date and minimize:
// - Vulkan WSI: surface and swapchain through ImGui's ImplVulkanH helpers (acquire, record,
//   present);
// - X11 shared memory, for CPU devices (lavapipe): the frame is rendered offscreen, read back and
//   handed to the X server through MIT-SHM (app/shm_presenter.h says why).
// The only file of the project that includes GLFW.
#pragma once
#include <imgui.h>
#include <backends/imgui_impl_vulkan.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/shm_presenter.h"
#include "gpu/context.h"
#include "viz/panels/transport_panel.h"
#include "viz/render/offscreen_target.h"

struct GLFWwindow;

namespace seqscope::app {

// --present: auto takes shared memory when the device is a CPU and the X server allows it.
enum class PresentChoice { Auto, Wsi, Shm };
PresentChoice present_choice_from_name(const std::string& name);  // "auto", "wsi" or "shm"

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

  // Throws gpu::VulkanError naming the reason when `present` is Shm and shared memory is not
  // possible, or when no swapchain can be made.
  Window(gpu::Context& context, int width, int height, const std::string& title,
         PresentChoice present = PresentChoice::Auto);
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
  // Input and window events (keys, text, mouse moves, buttons, wheel, focus, resize, expose)
  // GLFW delivered since the last call; the frame loop draws again when there are any.
  int take_input_events();
  float content_scale() const;
  VkRenderPass render_pass() const { return shm_ ? shm_target_->render_pass() : window_data_.RenderPass; }
  VkFormat format() const { return shm_ ? shm_target_->format() : window_data_.SurfaceFormat.format; }
  uint32_t image_count() const { return shm_ ? 2 : window_data_.ImageCount; }
  // "shm" or "wsi": how this window presents (--stats prints it).
  const char* present_name() const { return shm_ ? "shm" : "wsi"; }
  uint32_t min_image_count() const { return min_image_count_; }
  bool minimized() const;

  // Rebuilds the swapchain if needed; returns true when it did (the caller updates ImGui's
  // min image count). Call once per frame before NewFrame.
  bool refresh_swapchain();
  // Records the frame with `record` inside the window's render pass and shows it. Skips the
  // frame (returns false) when the swapchain went out of date or the window has no pixels.
  bool render_and_present(const std::function<void(VkCommandBuffer)>& record, ImVec4 clear_color);

 private:
  // Shared memory when `present` allows it; null (and the reason) otherwise.
  bool init_shm(PresentChoice present, std::string* reason);
  void init_wsi();
  bool present_wsi(const std::function<void(VkCommandBuffer)>& record, ImVec4 clear_color);
  bool present_shm(const std::function<void(VkCommandBuffer)>& record, ImVec4 clear_color);
  // GLFW's key callback: counts arrow presses and repeats, then hands the event to ImGui's.
  static void on_key(GLFWwindow* window, int key, int scancode, int action, int mods);
  gpu::Context& context_;
  GLFWwindow* window_ = nullptr;
  ImGui_ImplVulkanH_Window window_data_;  // the WSI path's surface, swapchain and frames
  std::unique_ptr<viz::OffscreenTarget> shm_target_;  // the shared-memory path's frame
  std::unique_ptr<ShmPresenter> shm_;
  uint32_t min_image_count_ = 2;
  bool rebuild_swapchain_ = false;
  bool imgui_input_ = false;
  viz::KeyTaps key_taps_;  // filled by on_key between frames
  int input_events_ = 0;   // counted by the callbacks init_imgui_input installs
};

}  // namespace seqscope::app
