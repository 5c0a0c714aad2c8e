// HeatmapRenderer: the graphics pipeline, per-buffer descriptor sets (kept while the buffer is
// drawn, freed a few frames after it was last drawn) and the ImDrawList callback that records
// a heatmap quad into the command buffer ImGui is filling.
//
// Index (each part starts at a "// [SECTION] name" line):
//   pipeline creation
//   descriptor sets
//   queueing
//   recording
#include "viz/render/heatmap.h"

#include <algorithm>
#include <cmath>

#include "gpu/shader_module.h"

namespace seqscope::viz {
namespace {
// A buffer's descriptor set is freed once the buffer has not been drawn for this many frames.
constexpr uint64_t k_frames_before_freeing_a_set = 3;
}  // namespace

// [SECTION] pipeline creation

HeatmapRenderer::HeatmapRenderer(const gpu::Context& context, VkRenderPass render_pass) : context_(context) {
  VkDevice device = context.device();
  VkDescriptorSetLayoutBinding bindings[2]{};
  for (uint32_t i = 0; i < 2; ++i) {
    bindings[i].binding = i;
    bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    bindings[i].descriptorCount = 1;
    bindings[i].stageFlags = VK_SHADER_STAGE_FRAGMENT_BIT;
  }
  VkDescriptorSetLayoutCreateInfo layout_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  layout_info.bindingCount = 2;
  layout_info.pBindings = bindings;
  SEQSCOPE_VK_CHECK(vkCreateDescriptorSetLayout(device, &layout_info, nullptr, set_layout_.receive(device)));
  const VkDescriptorSetLayout set_layout = set_layout_.get();

  VkPushConstantRange push{VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(HeatmapPush)};
  VkPipelineLayoutCreateInfo pipeline_layout_info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  pipeline_layout_info.setLayoutCount = 1;
  pipeline_layout_info.pSetLayouts = &set_layout;
  pipeline_layout_info.pushConstantRangeCount = 1;
  pipeline_layout_info.pPushConstantRanges = &push;
  SEQSCOPE_VK_CHECK(
      vkCreatePipelineLayout(device, &pipeline_layout_info, nullptr, pipeline_layout_.receive(device)));

  VkDescriptorPoolSize pool_size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1024};
  VkDescriptorPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  pool_info.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
  pool_info.maxSets = 512;
  pool_info.poolSizeCount = 1;
  pool_info.pPoolSizes = &pool_size;
  SEQSCOPE_VK_CHECK(vkCreateDescriptorPool(device, &pool_info, nullptr, pool_.receive(device)));

  const auto tables = colormap_tables();
  lut_ = std::make_unique<gpu::GpuBuffer>(context, tables.size_bytes());
  lut_->upload({reinterpret_cast<const float*>(tables.data()), tables.size() * 4});
  create_pipeline(render_pass);
}

void HeatmapRenderer::create_pipeline(VkRenderPass render_pass) {
  VkDevice device = context_.device();
  const gpu::ShaderModuleHandle vert = gpu::make_shader_module(device, "heatmap.vert");
  const gpu::ShaderModuleHandle frag = gpu::make_shader_module(device, "heatmap.frag");
  VkPipelineShaderStageCreateInfo stages[2]{};
  stages[0] = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, nullptr, 0, VK_SHADER_STAGE_VERTEX_BIT, vert.get(),
               "main", nullptr};
  stages[1] = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, nullptr, 0, VK_SHADER_STAGE_FRAGMENT_BIT,
               frag.get(), "main", nullptr};
  VkPipelineVertexInputStateCreateInfo vertex_input{VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
  VkPipelineInputAssemblyStateCreateInfo assembly{VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
  assembly.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
  VkPipelineViewportStateCreateInfo viewport{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
  viewport.viewportCount = 1;
  viewport.scissorCount = 1;
  VkPipelineRasterizationStateCreateInfo raster{VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
  raster.polygonMode = VK_POLYGON_MODE_FILL;
  raster.cullMode = VK_CULL_MODE_NONE;
  raster.lineWidth = 1.0f;
  VkPipelineMultisampleStateCreateInfo multisample{VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
  multisample.rasterizationSamples = VK_SAMPLE_COUNT_1_BIT;
  VkPipelineColorBlendAttachmentState blend_attachment{};
  blend_attachment.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT |
                                    VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT;
  VkPipelineColorBlendStateCreateInfo blend{VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
  blend.attachmentCount = 1;
  blend.pAttachments = &blend_attachment;
  VkPipelineDepthStencilStateCreateInfo depth{VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
  const VkDynamicState dynamic_states[] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
  VkPipelineDynamicStateCreateInfo dynamic{VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO};
  dynamic.dynamicStateCount = 2;
  dynamic.pDynamicStates = dynamic_states;

  VkGraphicsPipelineCreateInfo info{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
  info.stageCount = 2;
  info.pStages = stages;
  info.pVertexInputState = &vertex_input;
  info.pInputAssemblyState = &assembly;
  info.pViewportState = &viewport;
  info.pRasterizationState = &raster;
  info.pMultisampleState = &multisample;
  info.pDepthStencilState = &depth;
  info.pColorBlendState = &blend;
  info.pDynamicState = &dynamic;
  info.layout = pipeline_layout_.get();
  info.renderPass = render_pass;
  SEQSCOPE_VK_CHECK(vkCreateGraphicsPipelines(device, VK_NULL_HANDLE, 1, &info, nullptr, pipeline_.receive(device)));
}

// The pipeline objects and the pool (with every set) go with the members once the GPU is idle.
HeatmapRenderer::~HeatmapRenderer() { vkDeviceWaitIdle(context_.device()); }

// [SECTION] descriptor sets

VkDescriptorSet HeatmapRenderer::descriptor_for(const gpu::GpuBuffer& buffer) {
  if (auto it = sets_.find(buffer.id()); it != sets_.end()) {
    it->second.last_frame = frame_;
    return it->second.set;
  }
  const VkDescriptorSetLayout set_layout = set_layout_.get();
  VkDescriptorSetAllocateInfo alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  alloc.descriptorPool = pool_.get();
  alloc.descriptorSetCount = 1;
  alloc.pSetLayouts = &set_layout;
  VkDescriptorSet set = VK_NULL_HANDLE;
  SEQSCOPE_VK_CHECK(vkAllocateDescriptorSets(context_.device(), &alloc, &set));
  VkDescriptorBufferInfo infos[2] = {{buffer.buffer(), 0, VK_WHOLE_SIZE}, {lut_->buffer(), 0, VK_WHOLE_SIZE}};
  VkWriteDescriptorSet writes[2]{};
  for (uint32_t i = 0; i < 2; ++i) {
    writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
    writes[i].dstSet = set;
    writes[i].dstBinding = i;
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[i].pBufferInfo = &infos[i];
  }
  vkUpdateDescriptorSets(context_.device(), 2, writes, 0, nullptr);
  sets_.emplace(buffer.id(), CachedSet{set, frame_});
  return set;
}

// Frees the sets of buffers not drawn for k_frames_before_freeing_a_set frames. A command
// buffer of an earlier frame may still be pending, so the device is waited on first; that
// happens only in the frames after buffers were replaced.
void HeatmapRenderer::free_unused_sets() {
  auto unused = [&](const auto& entry) { return entry.second.last_frame + k_frames_before_freeing_a_set < frame_; };
  if (std::none_of(sets_.begin(), sets_.end(), unused)) return;
  vkDeviceWaitIdle(context_.device());
  for (auto it = sets_.begin(); it != sets_.end();) {
    if (!unused(*it)) {
      ++it;
      continue;
    }
    vkFreeDescriptorSets(context_.device(), pool_.get(), 1, &it->second.set);
    it = sets_.erase(it);
  }
}

// [SECTION] queueing

void HeatmapRenderer::begin_frame() {
  ++frame_;
  draws_.clear();
  free_unused_sets();
}

void HeatmapRenderer::draw(ImDrawList* list, const HeatmapView& view, ImVec2 min, ImVec2 max) {
  if (view.buffer == nullptr || view.rows == 0 || view.cols == 0) return;
  // Queued counts as drawn: headless renders record only the last of their settling frames.
  if (auto it = sets_.find(view.buffer->id()); it != sets_.end()) it->second.last_frame = frame_;
  draws_.push_back({this, view, min, max});
  list->AddCallback(&HeatmapRenderer::on_draw_callback, &draws_.back());
  list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);  // ImGui rebinds its own pipeline
}

void HeatmapRenderer::begin_render(VkCommandBuffer cmd, const ImDrawData* draw_data) {
  cmd_ = cmd;
  display_pos_ = draw_data->DisplayPos;
  display_size_ = draw_data->DisplaySize;
  framebuffer_scale_ = draw_data->FramebufferScale;
}

// [SECTION] recording

void HeatmapRenderer::on_draw_callback(const ImDrawList*, const ImDrawCmd* cmd) {
  const auto* draw = static_cast<const QueuedDraw*>(cmd->UserCallbackData);
  draw->renderer->record(*draw, cmd);
}

void HeatmapRenderer::record(const QueuedDraw& draw, const ImDrawCmd* cmd) {
  const float fb_width = display_size_.x * framebuffer_scale_.x;
  const float fb_height = display_size_.y * framebuffer_scale_.y;
  // Scissor from the clip rectangle, as ImGui's own backend does; nothing drawn when empty.
  const float clip_x0 = std::max(0.0f, (cmd->ClipRect.x - display_pos_.x) * framebuffer_scale_.x);
  const float clip_y0 = std::max(0.0f, (cmd->ClipRect.y - display_pos_.y) * framebuffer_scale_.y);
  const float clip_x1 = std::min(fb_width, (cmd->ClipRect.z - display_pos_.x) * framebuffer_scale_.x);
  const float clip_y1 = std::min(fb_height, (cmd->ClipRect.w - display_pos_.y) * framebuffer_scale_.y);
  if (clip_x1 <= clip_x0 || clip_y1 <= clip_y0) return;

  VkViewport viewport{0.0f, 0.0f, fb_width, fb_height, 0.0f, 1.0f};
  VkRect2D scissor{{static_cast<int32_t>(clip_x0), static_cast<int32_t>(clip_y0)},
                   {static_cast<uint32_t>(clip_x1 - clip_x0), static_cast<uint32_t>(clip_y1 - clip_y0)}};
  auto to_ndc_x = [&](float x) { return (x - display_pos_.x) / display_size_.x * 2.0f - 1.0f; };
  auto to_ndc_y = [&](float y) { return (y - display_pos_.y) / display_size_.y * 2.0f - 1.0f; };
  const HeatmapView& v = draw.view;
  HeatmapPush push{{to_ndc_x(draw.min.x), to_ndc_y(draw.min.y), to_ndc_x(draw.max.x), to_ndc_y(draw.max.y)},
                   {v.rows, v.cols, v.offset, v.row_stride},
                   {v.lo, v.hi, 0.0f, 0.0f},
                   {static_cast<uint32_t>(v.colormap), v.log_scale ? 1u : 0u, v.col_stride, 0u}};
  VkDescriptorSet set = descriptor_for(*v.buffer);
  vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_.get());
  vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_layout_.get(), 0, 1, &set, 0, nullptr);
  vkCmdSetViewport(cmd_, 0, 1, &viewport);
  vkCmdSetScissor(cmd_, 0, 1, &scissor);
  vkCmdPushConstants(cmd_, pipeline_layout_.get(), VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0,
                     sizeof(HeatmapPush), &push);
  vkCmdDraw(cmd_, 6, 1, 0, 0);
}

}  // namespace seqscope::viz
