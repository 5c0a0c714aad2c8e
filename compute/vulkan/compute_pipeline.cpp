// ComputePipeline, BufferPool and Recorder (see compute_pipeline.h).
//
// Index (each part starts at a "// [SECTION] name" line):
//   ComputePipeline
//   BufferPool
//   RecorderPools
//   Recorder
#include "compute/vulkan/compute_pipeline.h"

#include <algorithm>
#include <cstring>

#include "gpu/shader_module.h"

namespace seqscope::vk {

// [SECTION] ComputePipeline

ComputePipeline::ComputePipeline(const gpu::Context& context, std::string_view shader, uint32_t bindings,
                                 std::vector<int32_t> constants, std::vector<TexelBinding> texels)
    : bindings_(bindings), texels_(bindings, 0), constants_(std::move(constants)) {
  for (const TexelBinding& t : texels) texels_.at(t.binding) = t.components;
  VkDevice device = context.device();
  std::vector<VkDescriptorSetLayoutBinding> slots(bindings);
  for (uint32_t i = 0; i < bindings; ++i)
    slots[i] = {i, texel_components(i) > 0 ? VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1,
                VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
  VkDescriptorSetLayoutCreateInfo set_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  set_info.bindingCount = bindings;
  set_info.pBindings = slots.data();
  SEQSCOPE_VK_CHECK(vkCreateDescriptorSetLayout(device, &set_info, nullptr, set_layout_.receive(device)));
  const VkDescriptorSetLayout set_layout = set_layout_.get();

  // Every kernel declares its own block; 128 bytes is the guaranteed minimum (lavapipe's limit).
  VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, 128};
  VkPipelineLayoutCreateInfo layout_info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layout_info.setLayoutCount = 1;
  layout_info.pSetLayouts = &set_layout;
  layout_info.pushConstantRangeCount = 1;
  layout_info.pPushConstantRanges = &push;
  SEQSCOPE_VK_CHECK(vkCreatePipelineLayout(device, &layout_info, nullptr, layout_.receive(device)));

  std::vector<VkSpecializationMapEntry> entries;
  for (uint32_t i = 0; i < constants_.size(); ++i)
    entries.push_back({i, static_cast<uint32_t>(i * sizeof(int32_t)), sizeof(int32_t)});
  VkSpecializationInfo spec{static_cast<uint32_t>(entries.size()), entries.data(), constants_.size() * sizeof(int32_t),
                            constants_.data()};
  const gpu::ShaderModuleHandle module = gpu::make_shader_module(device, shader);
  VkComputePipelineCreateInfo info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  info.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, nullptr, 0, VK_SHADER_STAGE_COMPUTE_BIT,
                module.get(), "main", &spec};
  info.layout = layout_.get();
  SEQSCOPE_VK_CHECK(vkCreateComputePipelines(device, VK_NULL_HANDLE, 1, &info, nullptr, pipeline_.receive(device)));
}

// [SECTION] BufferPool

namespace {

bool discrete_gpu(const gpu::Context& context) {
  return context.device_info().type == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
}

// Transfers after every earlier command (the dispatches of the last run) and before the host or
// a later command reads what they wrote.
void transfer_barrier(VkCommandBuffer cmd, VkPipelineStageFlags src_stage, VkAccessFlags src,
                      VkPipelineStageFlags dst_stage, VkAccessFlags dst) {
  VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  barrier.srcAccessMask = src;
  barrier.dstAccessMask = dst;
  vkCmdPipelineBarrier(cmd, src_stage, dst_stage, 0, 1, &barrier, 0, nullptr, 0, nullptr);
}

}  // namespace

BufferPool::BufferPool(gpu::Context& context, BufferPlacement placement)
    : context_(context),
      device_local_(placement == BufferPlacement::DeviceLocal ||
                    (placement == BufferPlacement::Auto && discrete_gpu(context))) {}

gpu::GpuBuffer& BufferPool::ensure(const std::string& name, VkDeviceSize bytes) {
  const VkDeviceSize limit = context_.properties().limits.maxStorageBufferRange;
  if (bytes > limit)
    throw gpu::VulkanError(VK_ERROR_OUT_OF_DEVICE_MEMORY, "buffer " + name + " needs " + std::to_string(bytes) +
                                                         " bytes, above maxStorageBufferRange");
  auto& slot = buffers_[name];
  if (!slot || slot->size() < bytes) {
    // Grow with headroom so that a slider dragging L up does not reallocate every step.
    const VkDeviceSize grown = std::min<VkDeviceSize>(limit, std::max<VkDeviceSize>(bytes + bytes / 4, 256));
    slot.reset();
    const auto memory = device_local_ ? gpu::BufferMemory::DeviceLocal : gpu::BufferMemory::HostVisible;
    // Every buffer may be bound as a storage buffer, read as float texels (ComputePipeline) or
    // filled (Recorder::fill).
    slot = std::make_unique<gpu::GpuBuffer>(
        context_, grown,
        VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
        memory);
    if (poison_ && slot->host_visible()) std::memset(slot->mapped(), 0xff, grown);
    if (poison_ && !slot->host_visible()) {
      context_.submit_and_wait([&](VkCommandBuffer cmd) {
        vkCmdFillBuffer(cmd, slot->buffer(), 0, VK_WHOLE_SIZE, 0xffffffffu);
        transfer_barrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                         VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT);
      });
    }
    ++allocations_;
  }
  return *slot;
}

gpu::GpuBuffer& BufferPool::staging(VkDeviceSize bytes) const {
  if (!staging_ || staging_->size() < bytes)
    staging_ = std::make_unique<gpu::GpuBuffer>(
        context_, std::max<VkDeviceSize>(bytes + bytes / 4, 256),
        VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT, gpu::BufferMemory::HostVisible);
  return *staging_;
}

void BufferPool::write(const std::string& name, const void* data, size_t bytes) {
  gpu::GpuBuffer& buffer = ensure(name, bytes > 0 ? bytes : 16);
  if (bytes == 0) return;
  if (buffer.host_visible()) {
    std::memcpy(buffer.mapped(), data, bytes);
    return;
  }
  gpu::GpuBuffer& stage = staging(bytes);
  std::memcpy(stage.mapped(), data, bytes);
  context_.submit_and_wait([&](VkCommandBuffer cmd) {
    const VkBufferCopy region{0, 0, bytes};
    vkCmdCopyBuffer(cmd, stage.buffer(), buffer.buffer(), 1, &region);
    // The next run's dispatches read it (a barrier's scope reaches later submits on the queue).
    transfer_barrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                     VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
  });
}

void BufferPool::read(const std::string& name, void* data, size_t bytes) const {
  const gpu::GpuBuffer& buffer = at(name);
  if (bytes == 0) return;
  if (buffer.host_visible()) {
    std::memcpy(data, buffer.mapped(), bytes);
    return;
  }
  gpu::GpuBuffer& stage = staging(bytes);
  context_.submit_and_wait([&](VkCommandBuffer cmd) {
    transfer_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
                     VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_READ_BIT);
    const VkBufferCopy region{0, 0, bytes};
    vkCmdCopyBuffer(cmd, buffer.buffer(), stage.buffer(), 1, &region);
    transfer_barrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                     VK_ACCESS_HOST_READ_BIT);
  });
  std::memcpy(data, stage.mapped(), bytes);
}

// [SECTION] RecorderPools

RecorderPools::RecorderPools(const gpu::Context& context, uint32_t max_dispatches, uint32_t max_bindings,
                             uint32_t max_queries)
    : context_(context), max_queries_(max_queries), max_dispatches_(max_dispatches) {
  const VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, max_dispatches * max_bindings},
                                        {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, max_dispatches * max_bindings}};
  VkDescriptorPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  pool_info.maxSets = max_dispatches;
  pool_info.poolSizeCount = 2;
  pool_info.pPoolSizes = sizes;
  VkDevice device = context.device();
  SEQSCOPE_VK_CHECK(vkCreateDescriptorPool(device, &pool_info, nullptr, descriptors_.receive(device)));
  if (context.has_timestamps()) {
    VkQueryPoolCreateInfo query_info{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
    query_info.queryType = VK_QUERY_TYPE_TIMESTAMP;
    query_info.queryCount = max_queries;
    SEQSCOPE_VK_CHECK(vkCreateQueryPool(device, &query_info, nullptr, queries_.receive(device)));
  }
}

// The pools go with the members; no command buffer may still use them.
RecorderPools::~RecorderPools() { vkDeviceWaitIdle(context_.device()); }

void RecorderPools::reset() { SEQSCOPE_VK_CHECK(vkResetDescriptorPool(context_.device(), descriptors_.get(), 0)); }

// [SECTION] Recorder

Recorder::Recorder(const gpu::Context& context, VkCommandBuffer cmd, const RecorderPools& pools)
    : context_(context), cmd_(cmd), pool_(pools.descriptors()), queries_(pools.queries()),
      max_queries_(pools.max_queries()), max_dispatches_(pools.max_dispatches()) {
  if (queries_) vkCmdResetQueryPool(cmd_, queries_, 0, max_queries_);
}

void Recorder::dispatch_raw(const ComputePipeline& pipeline, std::initializer_list<const gpu::GpuBuffer*> buffers,
                            const void* push, uint32_t push_bytes, uint32_t groups_x, uint32_t groups_y,
                            uint32_t groups_z) {
  if (buffers.size() != pipeline.bindings())
    throw gpu::VulkanError(VK_ERROR_INITIALIZATION_FAILED, "dispatch with the wrong number of buffers");
  if (groups_x == 0 || groups_y == 0 || groups_z == 0) return;
  // lavapipe hands out sets past maxSets, a GPU driver fails: count them here.
  if (++dispatches_ > max_dispatches_)
    throw gpu::VulkanError(VK_ERROR_OUT_OF_POOL_MEMORY, "more than " + std::to_string(max_dispatches_) +
                                                            " dispatches in one run (RecorderPools)");
  VkDescriptorSetLayout set_layout = pipeline.set_layout();
  VkDescriptorSetAllocateInfo alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  alloc.descriptorPool = pool_;
  alloc.descriptorSetCount = 1;
  alloc.pSetLayouts = &set_layout;
  VkDescriptorSet set = VK_NULL_HANDLE;
  SEQSCOPE_VK_CHECK(vkAllocateDescriptorSets(context_.device(), &alloc, &set));
  std::vector<VkDescriptorBufferInfo> infos;
  std::vector<VkBufferView> views;
  infos.reserve(buffers.size());
  views.reserve(buffers.size());
  for (const gpu::GpuBuffer* buffer : buffers) {
    infos.push_back({buffer->buffer(), 0, VK_WHOLE_SIZE});
    const int components = pipeline.texel_components(static_cast<uint32_t>(views.size()));
    views.push_back(components > 0 ? buffer->texel_view(context_, components) : VK_NULL_HANDLE);
  }
  std::vector<VkWriteDescriptorSet> writes(buffers.size(), {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET});
  for (uint32_t i = 0; i < writes.size(); ++i) {
    writes[i].dstSet = set;
    writes[i].dstBinding = i;
    writes[i].descriptorCount = 1;
    if (pipeline.texel_components(i) > 0) {
      writes[i].descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
      writes[i].pTexelBufferView = &views[i];
    } else {
      writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      writes[i].pBufferInfo = &infos[i];
    }
  }
  vkUpdateDescriptorSets(context_.device(), static_cast<uint32_t>(writes.size()), writes.data(), 0, nullptr);

  vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.pipeline());
  vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout(), 0, 1, &set, 0, nullptr);
  vkCmdPushConstants(cmd_, pipeline.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, push_bytes, push);
  vkCmdDispatch(cmd_, groups_x, groups_y, groups_z);
  // Every later dispatch may read what this one wrote.
  VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
  barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
  vkCmdPipelineBarrier(cmd_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &barrier,
                       0, nullptr, 0, nullptr);
}

void Recorder::fill(const gpu::GpuBuffer& buffer, VkDeviceSize bytes, uint32_t word) {
  if (bytes == 0) return;
  // After what earlier dispatches did with the buffer, before what later ones do.
  transfer_barrier(cmd_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT,
                   VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
  vkCmdFillBuffer(cmd_, buffer.buffer(), 0, bytes, word);
  transfer_barrier(cmd_, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                   VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
}

void Recorder::begin_op(const std::string& name) {
  ops_.push_back(name);
  const uint32_t query = 2 * static_cast<uint32_t>(ops_.size() - 1);
  if (queries_ && query + 1 < max_queries_)
    vkCmdWriteTimestamp(cmd_, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, queries_, query);
}

void Recorder::end_op() {
  const uint32_t query = 2 * static_cast<uint32_t>(ops_.size() - 1) + 1;
  if (queries_ && query < max_queries_)
    vkCmdWriteTimestamp(cmd_, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queries_, query);
}

void Recorder::finish() {
  VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
  barrier.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  vkCmdPipelineBarrier(cmd_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &barrier, 0,
                       nullptr, 0, nullptr);
}

std::map<std::string, double> Recorder::read_timings() const {
  std::map<std::string, double> timings;
  const uint32_t count = std::min<uint32_t>(max_queries_, 2 * static_cast<uint32_t>(ops_.size()));
  if (!queries_ || count == 0) return timings;
  std::vector<uint64_t> ticks(count);
  SEQSCOPE_VK_CHECK(vkGetQueryPoolResults(context_.device(), queries_, 0, count, count * sizeof(uint64_t), ticks.data(),
                                          sizeof(uint64_t), VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
  const double ms_per_tick = context_.timestamp_period_ns() * 1e-6;
  for (uint32_t i = 0; 2 * i + 1 < count; ++i)
    timings[ops_[i]] += static_cast<double>(ticks[2 * i + 1] - ticks[2 * i]) * ms_per_tick;
  return timings;
}

}  // namespace seqscope::vk
