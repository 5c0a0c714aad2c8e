// OffscreenTarget: render pass, color image, framebuffer and a host-visible readback buffer;
// one submit per render (begin pass, ImGui + heatmaps, copy image to buffer).
#include "viz/render/offscreen_target.h"

#include <cmath>

namespace seqscope::viz {
namespace {

bool is_bgra(VkFormat format) {
  return format == VK_FORMAT_B8G8R8A8_UNORM || format == VK_FORMAT_B8G8R8A8_SRGB;
}

}  // namespace

OffscreenTarget::OffscreenTarget(gpu::Context& context, VkFormat format) : context_(context), format_(format) {
  VkAttachmentDescription color{};
  color.format = format;
  color.samples = VK_SAMPLE_COUNT_1_BIT;
  color.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
  color.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
  color.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  color.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  color.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  color.finalLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
  VkAttachmentReference color_ref{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  VkSubpassDescription subpass{};
  subpass.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  subpass.colorAttachmentCount = 1;
  subpass.pColorAttachments = &color_ref;
  // The same dependency as the window's pass (ImGui_ImplVulkanH), so the two passes are
  // compatible and one pipeline serves both; the copy's barrier is recorded after the pass.
  VkSubpassDependency dependency{};
  dependency.srcSubpass = VK_SUBPASS_EXTERNAL;
  dependency.dstSubpass = 0;
  dependency.srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  dependency.dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  dependency.srcAccessMask = 0;
  dependency.dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  VkRenderPassCreateInfo info{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
  info.attachmentCount = 1;
  info.pAttachments = &color;
  info.subpassCount = 1;
  info.pSubpasses = &subpass;
  info.dependencyCount = 1;
  info.pDependencies = &dependency;
  SEQSCOPE_VK_CHECK(vkCreateRenderPass(context.device(), &info, nullptr, &render_pass_));
}

OffscreenTarget::~OffscreenTarget() {
  vkDeviceWaitIdle(context_.device());
  destroy_image();
  vkDestroyRenderPass(context_.device(), render_pass_, nullptr);
}

void OffscreenTarget::destroy_image() {
  VkDevice device = context_.device();
  if (framebuffer_) vkDestroyFramebuffer(device, framebuffer_, nullptr);
  if (view_) vkDestroyImageView(device, view_, nullptr);
  if (image_) vkDestroyImage(device, image_, nullptr);
  if (memory_) vkFreeMemory(device, memory_, nullptr);
  framebuffer_ = VK_NULL_HANDLE;
  view_ = VK_NULL_HANDLE;
  image_ = VK_NULL_HANDLE;
  memory_ = VK_NULL_HANDLE;
  readback_.reset();
}

void OffscreenTarget::resize(uint32_t width, uint32_t height) {
  if (width == width_ && height == height_ && image_) return;
  destroy_image();
  VkDevice device = context_.device();
  VkImageCreateInfo image_info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
  image_info.imageType = VK_IMAGE_TYPE_2D;
  image_info.format = format_;
  image_info.extent = {width, height, 1};
  image_info.mipLevels = 1;
  image_info.arrayLayers = 1;
  image_info.samples = VK_SAMPLE_COUNT_1_BIT;
  image_info.tiling = VK_IMAGE_TILING_OPTIMAL;
  image_info.usage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
  image_info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  SEQSCOPE_VK_CHECK(vkCreateImage(device, &image_info, nullptr, &image_));
  VkMemoryRequirements requirements;
  vkGetImageMemoryRequirements(device, image_, &requirements);
  auto type = context_.find_memory_type(requirements.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
  if (!type) type = context_.find_memory_type(requirements.memoryTypeBits, 0);
  if (!type) throw gpu::VulkanError(VK_ERROR_OUT_OF_DEVICE_MEMORY, "no memory type for the offscreen image");
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = requirements.size;
  alloc.memoryTypeIndex = *type;
  SEQSCOPE_VK_CHECK(vkAllocateMemory(device, &alloc, nullptr, &memory_));
  SEQSCOPE_VK_CHECK(vkBindImageMemory(device, image_, memory_, 0));

  VkImageViewCreateInfo view_info{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
  view_info.image = image_;
  view_info.viewType = VK_IMAGE_VIEW_TYPE_2D;
  view_info.format = format_;
  view_info.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  SEQSCOPE_VK_CHECK(vkCreateImageView(device, &view_info, nullptr, &view_));

  VkFramebufferCreateInfo fb_info{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
  fb_info.renderPass = render_pass_;
  fb_info.attachmentCount = 1;
  fb_info.pAttachments = &view_;
  fb_info.width = width;
  fb_info.height = height;
  fb_info.layers = 1;
  SEQSCOPE_VK_CHECK(vkCreateFramebuffer(device, &fb_info, nullptr, &framebuffer_));
  readback_ = std::make_unique<gpu::GpuBuffer>(context_, VkDeviceSize{width} * height * 4,
                                              VK_BUFFER_USAGE_TRANSFER_DST_BIT);
  width_ = width;
  height_ = height;
}

const uint8_t* OffscreenTarget::render_pixels(uint32_t width, uint32_t height, ImVec4 clear_color,
                                              const std::function<void(VkCommandBuffer)>& record) {
  if (width == 0 || height == 0) throw gpu::VulkanError(VK_ERROR_INITIALIZATION_FAILED, "empty offscreen frame");
  resize(width, height);
  context_.submit_and_wait([&](VkCommandBuffer cmd) {
    VkClearValue clear{};
    clear.color = {{clear_color.x, clear_color.y, clear_color.z, clear_color.w}};
    VkRenderPassBeginInfo begin{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
    begin.renderPass = render_pass_;
    begin.framebuffer = framebuffer_;
    begin.renderArea.extent = {width, height};
    begin.clearValueCount = 1;
    begin.pClearValues = &clear;
    vkCmdBeginRenderPass(cmd, &begin, VK_SUBPASS_CONTENTS_INLINE);
    record(cmd);
    vkCmdEndRenderPass(cmd);
    VkImageMemoryBarrier to_transfer{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    to_transfer.srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    to_transfer.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    to_transfer.oldLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    to_transfer.newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    to_transfer.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    to_transfer.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    to_transfer.image = image_;
    to_transfer.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0,
                         nullptr, 0, nullptr, 1, &to_transfer);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {width, height, 1};
    vkCmdCopyImageToBuffer(cmd, image_, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, readback_->buffer(), 1, &region);
    VkMemoryBarrier to_host{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    to_host.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    to_host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &to_host, 0, nullptr,
                         0, nullptr);
  });
  return static_cast<const uint8_t*>(readback_->mapped());
}

Image OffscreenTarget::render(UiRenderer& renderer, ImDrawData* draw_data, ImVec4 clear_color) {
  const auto width = static_cast<uint32_t>(std::lround(draw_data->DisplaySize.x * draw_data->FramebufferScale.x));
  const auto height = static_cast<uint32_t>(std::lround(draw_data->DisplaySize.y * draw_data->FramebufferScale.y));
  const uint8_t* src =
      render_pixels(width, height, clear_color, [&](VkCommandBuffer cmd) { renderer.record(cmd, draw_data); });
  Image image{width, height, std::vector<uint8_t>(size_t{width} * height * 4)};
  const bool swap = is_bgra(format_);
  for (size_t i = 0; i < image.rgba.size(); i += 4) {
    image.rgba[i + 0] = src[i + (swap ? 2 : 0)];
    image.rgba[i + 1] = src[i + 1];
    image.rgba[i + 2] = src[i + (swap ? 0 : 2)];
    image.rgba[i + 3] = src[i + 3];
  }
  return image;
}

}  // namespace seqscope::viz
