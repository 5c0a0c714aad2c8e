#include "viz/render/ui_renderer.h"

#include <backends/imgui_impl_vulkan.h>

#include <filesystem>

namespace seqscope::viz {
namespace {

void check_imgui_vk(VkResult result) {
  if (result < 0) gpu::throw_vk_error(result, "ImGui Vulkan backend", __FILE__, __LINE__);
}

constexpr const char* k_font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

}  // namespace

UiRenderer::UiRenderer(gpu::Context& context, VkRenderPass render_pass, uint32_t image_count) : context_(context) {
  // ImGui's backend needs one combined image sampler (the font); a few spare sets cost nothing.
  VkDescriptorPoolSize pool_size{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 16};
  VkDescriptorPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  pool_info.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
  pool_info.maxSets = 16;
  pool_info.poolSizeCount = 1;
  pool_info.pPoolSizes = &pool_size;
  SEQSCOPE_VK_CHECK(vkCreateDescriptorPool(context.device(), &pool_info, nullptr, &pool_));

  ImGui_ImplVulkan_InitInfo info{};
  info.Instance = context.instance();
  info.PhysicalDevice = context.physical_device();
  info.Device = context.device();
  info.QueueFamily = context.queue_family();
  info.Queue = context.queue();
  info.DescriptorPool = pool_;
  info.MinImageCount = image_count < 2 ? 2 : image_count;
  info.ImageCount = info.MinImageCount;
  info.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
  info.CheckVkResultFn = &check_imgui_vk;
  if (!ImGui_ImplVulkan_Init(&info, render_pass))
    throw gpu::VulkanError(VK_ERROR_INITIALIZATION_FAILED, "cannot initialize the ImGui Vulkan backend");
  heatmaps_ = std::make_unique<HeatmapRenderer>(context, render_pass);
}

UiRenderer::~UiRenderer() {
  vkDeviceWaitIdle(context_.device());
  heatmaps_.reset();
  ImGui_ImplVulkan_Shutdown();
  vkDestroyDescriptorPool(context_.device(), pool_, nullptr);
}

void UiRenderer::upload_fonts() {
  context_.submit_and_wait([](VkCommandBuffer cmd) { ImGui_ImplVulkan_CreateFontsTexture(cmd); });
  ImGui_ImplVulkan_DestroyFontUploadObjects();
}

void UiRenderer::record(VkCommandBuffer cmd, ImDrawData* draw_data) {
  heatmaps_->begin_render(cmd, draw_data);
  ImGui_ImplVulkan_RenderDrawData(draw_data, cmd);
}

void UiRenderer::set_min_image_count(uint32_t count) { ImGui_ImplVulkan_SetMinImageCount(count); }

bool load_ui_font(float pixel_size) {
  ImGuiIO& io = ImGui::GetIO();
  std::error_code error;
  if (!std::filesystem::exists(k_font_path, error)) {
    io.Fonts->AddFontDefault();
    return false;
  }
  // Latin-1, Greek (Δ, α, λ), general punctuation (‖ – …), super/subscripts, arrows, math
  // operators (∑ ≤ ∘), the open box ␣ (how token labels show a space), geometric shapes
  // (● ▶): what formulas and labels on screen use.
  static const ImWchar k_ranges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x2000, 0x206F, 0x2070, 0x209F, 0x2190,
                                     0x21FF, 0x2200, 0x22FF, 0x2423, 0x2423, 0x25A0, 0x25FF, 0};
  ImFontConfig config;
  config.OversampleH = 2;
  if (!io.Fonts->AddFontFromFileTTF(k_font_path, pixel_size, &config, k_ranges)) {
    io.Fonts->AddFontDefault();
    return false;
  }
  return true;
}

}  // namespace seqscope::viz
