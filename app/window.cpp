// Window implementation: GLFW + swapchain, following the structure of Dear ImGui's
// example_glfw_vulkan for 1.86 (its ImplVulkanH helpers own the swapchain, render pass,
// framebuffers, per-image command buffers, fences and semaphores).
#include "app/window.h"

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
#define GLFW_EXPOSE_NATIVE_X11
#include <GLFW/glfw3native.h>
#include <backends/imgui_impl_glfw.h>
// Xlib's macros (glfw3native.h includes Xlib.h) would clash with the names below.
#undef None
#undef Status
#undef Bool

#include <cstdio>

namespace seqscope::app {
namespace {

std::string glfw_error_text() {
  const char* description = nullptr;
  glfwGetError(&description);
  return description ? description : "unknown GLFW error";
}

}  // namespace

bool Window::init_glfw(std::string* reason) {
  if (!glfwInit()) {
    if (reason) *reason = glfw_error_text();
    return false;
  }
  if (!glfwVulkanSupported()) {
    if (reason) *reason = "GLFW found no Vulkan loader";
    glfwTerminate();
    return false;
  }
  return true;
}

std::vector<const char*> Window::required_instance_extensions() {
  uint32_t count = 0;
  const char** names = glfwGetRequiredInstanceExtensions(&count);
  return std::vector<const char*>(names, names + count);
}

PresentChoice present_choice_from_name(const std::string& name) {
  if (name == "wsi") return PresentChoice::Wsi;
  if (name == "shm") return PresentChoice::Shm;
  return PresentChoice::Auto;
}

Window::Window(gpu::Context& context, int width, int height, const std::string& title, PresentChoice present)
    : context_(context) {
  glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
  window_ = glfwCreateWindow(width, height, title.c_str(), nullptr, nullptr);
  if (!window_) throw gpu::VulkanError(VK_ERROR_INITIALIZATION_FAILED, "cannot create a window: " + glfw_error_text());
  std::string reason;
  if (init_shm(present, &reason)) return;
  if (present == PresentChoice::Shm) {
    glfwDestroyWindow(window_);
    throw gpu::VulkanError(VK_ERROR_INITIALIZATION_FAILED, "--present shm: " + reason);
  }
  init_wsi();
}

bool Window::init_shm(PresentChoice present, std::string* reason) {
  if (present == PresentChoice::Wsi) return false;
  if (present == PresentChoice::Auto && !context_.device_info().is_cpu()) return false;
  shm_ = ShmPresenter::create(glfwGetX11Display(), glfwGetX11Window(window_), reason);
  if (!shm_) return false;
  // The X server's 32-bit BGRX pixels are a B8G8R8A8 frame's bytes.
  shm_target_ = std::make_unique<viz::OffscreenTarget>(context_, VK_FORMAT_B8G8R8A8_UNORM);
  return true;
}

void Window::init_wsi() {
  VkSurfaceKHR surface = VK_NULL_HANDLE;
  SEQSCOPE_VK_CHECK(glfwCreateWindowSurface(context_.instance(), window_, nullptr, &surface));
  VkBool32 present = VK_FALSE;
  vkGetPhysicalDeviceSurfaceSupportKHR(context_.physical_device(), context_.queue_family(), surface, &present);
  if (!present) {
    vkDestroySurfaceKHR(context_.instance(), surface, nullptr);
    throw gpu::VulkanError(VK_ERROR_INITIALIZATION_FAILED,
                          context_.device_info().name + " cannot present to this window's surface");
  }
  window_data_.Surface = surface;
  const VkFormat formats[] = {VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_B8G8R8_UNORM,
                              VK_FORMAT_R8G8B8_UNORM};
  window_data_.SurfaceFormat = ImGui_ImplVulkanH_SelectSurfaceFormat(
      context_.physical_device(), surface, formats, IM_ARRAYSIZE(formats), VK_COLORSPACE_SRGB_NONLINEAR_KHR);
  const VkPresentModeKHR modes[] = {VK_PRESENT_MODE_FIFO_KHR};
  window_data_.PresentMode = ImGui_ImplVulkanH_SelectPresentMode(context_.physical_device(), surface, modes, 1);
  int fb_width = 0, fb_height = 0;
  glfwGetFramebufferSize(window_, &fb_width, &fb_height);
  ImGui_ImplVulkanH_CreateOrResizeWindow(context_.instance(), context_.physical_device(), context_.device(),
                                         &window_data_, context_.queue_family(), nullptr, fb_width, fb_height,
                                         min_image_count_);
}

Window::~Window() {
  vkDeviceWaitIdle(context_.device());
  if (imgui_input_) ImGui_ImplGlfw_Shutdown();
  shm_target_.reset();
  shm_.reset();
  if (window_data_.Surface) ImGui_ImplVulkanH_DestroyWindow(context_.instance(), context_.device(), &window_data_, nullptr);
  if (window_) glfwDestroyWindow(window_);
  glfwTerminate();
}

namespace {
// The callbacks ImGui_ImplGlfw_InitForVulkan installed; ours count the event and call them.
struct ImGuiCallbacks {
  GLFWkeyfun key = nullptr;
  GLFWcharfun text = nullptr;
  GLFWmousebuttonfun button = nullptr;
  GLFWscrollfun scroll = nullptr;
  GLFWcursorenterfun enter = nullptr;
  GLFWwindowfocusfun focus = nullptr;
} imgui_callbacks;  // one window per process
}  // namespace

void Window::init_imgui_input() {
  ImGui_ImplGlfw_InitForVulkan(window_, true);
  imgui_input_ = true;
  glfwSetWindowUserPointer(window_, this);
  imgui_callbacks.key = glfwSetKeyCallback(window_, &Window::on_key);
  key_taps_.queued = true;
  // Lambdas in a member function may reach the private count.
  static constexpr auto count = [](GLFWwindow* window) {
    if (auto* self = static_cast<Window*>(glfwGetWindowUserPointer(window))) ++self->input_events_;
  };
  imgui_callbacks.text = glfwSetCharCallback(window_, [](GLFWwindow* w, unsigned int c) {
    count(w);
    if (imgui_callbacks.text) imgui_callbacks.text(w, c);
  });
  imgui_callbacks.button = glfwSetMouseButtonCallback(window_, [](GLFWwindow* w, int button, int action, int mods) {
    count(w);
    if (imgui_callbacks.button) imgui_callbacks.button(w, button, action, mods);
  });
  imgui_callbacks.scroll = glfwSetScrollCallback(window_, [](GLFWwindow* w, double x, double y) {
    count(w);
    if (imgui_callbacks.scroll) imgui_callbacks.scroll(w, x, y);
  });
  imgui_callbacks.enter = glfwSetCursorEnterCallback(window_, [](GLFWwindow* w, int entered) {
    count(w);
    if (imgui_callbacks.enter) imgui_callbacks.enter(w, entered);
  });
  imgui_callbacks.focus = glfwSetWindowFocusCallback(window_, [](GLFWwindow* w, int focused) {
    count(w);
    if (imgui_callbacks.focus) imgui_callbacks.focus(w, focused);
  });
  // ImGui 1.86 reads the pointer each frame itself; these only wake the loop.
  glfwSetCursorPosCallback(window_, [](GLFWwindow* w, double, double) { count(w); });
  glfwSetWindowSizeCallback(window_, [](GLFWwindow* w, int, int) { count(w); });
  glfwSetFramebufferSizeCallback(window_, [](GLFWwindow* w, int, int) { count(w); });
  glfwSetWindowRefreshCallback(window_, [](GLFWwindow* w) { count(w); });
  glfwSetWindowIconifyCallback(window_, [](GLFWwindow* w, int) { count(w); });
  glfwSetWindowContentScaleCallback(window_, [](GLFWwindow* w, float, float) { count(w); });
}

void Window::on_key(GLFWwindow* window, int key, int scancode, int action, int mods) {
  if (auto* self = static_cast<Window*>(glfwGetWindowUserPointer(window))) {
    ++self->input_events_;
    if (action != GLFW_RELEASE && key == GLFW_KEY_RIGHT) ++self->key_taps_.right;
    if (action != GLFW_RELEASE && key == GLFW_KEY_LEFT) ++self->key_taps_.left;
  }
  if (imgui_callbacks.key) imgui_callbacks.key(window, key, scancode, action, mods);
}

int Window::take_input_events() {
  const int events = input_events_;
  input_events_ = 0;
  return events;
}

viz::KeyTaps Window::take_key_taps() {
  const viz::KeyTaps taps = key_taps_;
  key_taps_.right = key_taps_.left = 0;
  return taps;
}

void Window::terminate_glfw() { glfwTerminate(); }
void Window::wait_events(double timeout_s) { glfwWaitEventsTimeout(timeout_s); }
void Window::new_imgui_frame() { ImGui_ImplGlfw_NewFrame(); }

bool Window::should_close() const { return glfwWindowShouldClose(window_); }
void Window::poll_events() { glfwPollEvents(); }

float Window::content_scale() const {
  float x = 1.0f, y = 1.0f;
  glfwGetWindowContentScale(window_, &x, &y);
  return x > 0.0f ? x : 1.0f;
}

bool Window::minimized() const {
  int width = 0, height = 0;
  glfwGetFramebufferSize(window_, &width, &height);
  return width == 0 || height == 0;
}

bool Window::refresh_swapchain() {
  if (shm_) return false;  // the offscreen frame follows the framebuffer size by itself
  int width = 0, height = 0;
  glfwGetFramebufferSize(window_, &width, &height);
  const bool size_changed = width != window_data_.Width || height != window_data_.Height;
  if (!(rebuild_swapchain_ || size_changed) || width == 0 || height == 0) return false;
  ImGui_ImplVulkan_SetMinImageCount(min_image_count_);
  ImGui_ImplVulkanH_CreateOrResizeWindow(context_.instance(), context_.physical_device(), context_.device(),
                                         &window_data_, context_.queue_family(), nullptr, width, height,
                                         min_image_count_);
  window_data_.FrameIndex = 0;
  rebuild_swapchain_ = false;
  return true;
}

bool Window::render_and_present(const std::function<void(VkCommandBuffer)>& record, ImVec4 clear_color) {
  return shm_ ? present_shm(record, clear_color) : present_wsi(record, clear_color);
}

bool Window::present_shm(const std::function<void(VkCommandBuffer)>& record, ImVec4 clear_color) {
  int width = 0, height = 0;
  glfwGetFramebufferSize(window_, &width, &height);
  if (width <= 0 || height <= 0) return false;
  const auto w = static_cast<uint32_t>(width), h = static_cast<uint32_t>(height);
  const uint8_t* pixels = shm_target_->render_pixels(w, h, clear_color, record);
  std::string reason;
  if (!shm_->present(pixels, w, h, &reason))
    throw gpu::VulkanError(VK_ERROR_INITIALIZATION_FAILED, "cannot show a frame through shared memory: " + reason +
                                                                 " (try --present wsi)");
  return true;
}

bool Window::present_wsi(const std::function<void(VkCommandBuffer)>& record, ImVec4 clear_color) {
  ImGui_ImplVulkanH_Window* wd = &window_data_;
  VkDevice device = context_.device();
  // Acquire semaphores rotate over the frames in flight (SemaphoreIndex); the render-complete
  // semaphore that the present waits on belongs to the acquired image (FrameIndex), because only
  // a later acquire of that same image proves the present has consumed it. ImGui 1.86's example
  // rotates both, which newer validation layers flag as reuse while the present may be pending.
  VkSemaphore acquired = wd->FrameSemaphores[wd->SemaphoreIndex].ImageAcquiredSemaphore;
  VkResult err = vkAcquireNextImageKHR(device, wd->Swapchain, UINT64_MAX, acquired, VK_NULL_HANDLE, &wd->FrameIndex);
  if (err == VK_ERROR_OUT_OF_DATE_KHR || err == VK_SUBOPTIMAL_KHR) {
    rebuild_swapchain_ = true;
    if (err == VK_ERROR_OUT_OF_DATE_KHR) return false;
  } else {
    SEQSCOPE_VK_CHECK(err);
  }
  ImGui_ImplVulkanH_Frame* fd = &wd->Frames[wd->FrameIndex];
  VkSemaphore complete = wd->FrameSemaphores[wd->FrameIndex].RenderCompleteSemaphore;  // one per image
  SEQSCOPE_VK_CHECK(vkWaitForFences(device, 1, &fd->Fence, VK_TRUE, UINT64_MAX));
  SEQSCOPE_VK_CHECK(vkResetFences(device, 1, &fd->Fence));
  SEQSCOPE_VK_CHECK(vkResetCommandPool(device, fd->CommandPool, 0));
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  SEQSCOPE_VK_CHECK(vkBeginCommandBuffer(fd->CommandBuffer, &begin));
  wd->ClearValue.color = {{clear_color.x, clear_color.y, clear_color.z, clear_color.w}};
  VkRenderPassBeginInfo pass{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  pass.renderPass = wd->RenderPass;
  pass.framebuffer = fd->Framebuffer;
  pass.renderArea.extent = {static_cast<uint32_t>(wd->Width), static_cast<uint32_t>(wd->Height)};
  pass.clearValueCount = 1;
  pass.pClearValues = &wd->ClearValue;
  vkCmdBeginRenderPass(fd->CommandBuffer, &pass, VK_SUBPASS_CONTENTS_INLINE);
  record(fd->CommandBuffer);
  vkCmdEndRenderPass(fd->CommandBuffer);
  SEQSCOPE_VK_CHECK(vkEndCommandBuffer(fd->CommandBuffer));

  const VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.waitSemaphoreCount = 1;
  submit.pWaitSemaphores = &acquired;
  submit.pWaitDstStageMask = &wait_stage;
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &fd->CommandBuffer;
  submit.signalSemaphoreCount = 1;
  submit.pSignalSemaphores = &complete;
  SEQSCOPE_VK_CHECK(vkQueueSubmit(context_.queue(), 1, &submit, fd->Fence));

  VkPresentInfoKHR present{VK_STRUCTURE_TYPE_PRESENT_INFO_KHR};
  present.waitSemaphoreCount = 1;
  present.pWaitSemaphores = &complete;
  present.swapchainCount = 1;
  present.pSwapchains = &wd->Swapchain;
  present.pImageIndices = &wd->FrameIndex;
  err = vkQueuePresentKHR(context_.queue(), &present);
  if (err == VK_ERROR_OUT_OF_DATE_KHR || err == VK_SUBOPTIMAL_KHR) rebuild_swapchain_ = true;
  else SEQSCOPE_VK_CHECK(err);
  wd->SemaphoreIndex = (wd->SemaphoreIndex + 1) % wd->ImageCount;
  return true;
}

}  // namespace seqscope::app
