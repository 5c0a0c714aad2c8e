// VulkanBackend::run: size checks, CPU preparation (weights, projections), uploads, one
// command buffer with every dispatch and per-op timestamps, one submit, read back.
#include "compute/vulkan/vulkan_backend.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <vector>

#include "compute/backend/eigen_backend.h"
#include "compute/vulkan/vulkan_kernels.h"

namespace seqscope::vk {

namespace {
constexpr uint32_t kMaxQueries = 16;  // 2 per op: ssm_scan, kernel, hidden_attention, attention
// Descriptor sets per run: a CPU device splits long sequences over many dispatches (lavapipe's
// loop limit), e.g. about 45 for the flash pass alone at L 8000 with 128-wide heads.
constexpr uint32_t kMaxDispatches = 4096;
constexpr uint32_t kMaxBindings = 12;

std::vector<int32_t> group(std::initializer_list<int32_t> more = {}) {
  std::vector<int32_t> c{kGroup};
  c.insert(c.end(), more);
  return c;
}
}  // namespace

Kernels::Kernels(const gpu::Context& c, AttentionLayout layout)
    : scan_chunk(c, "ssm_scan_chunk.comp", 11, group({kScanChunk})),
      scan_carry(c, "ssm_scan_carry.comp", 2, group()),
      scan_fixup(c, "ssm_scan_fixup.comp", 4, group({kScanChunk})),
      readout(c, "ssm_readout.comp", 8, group()),
      dense_scan(c, "ssm_dense_scan.comp", 5, group({kMaxState})),
      kernel(c, "ssm_kernel.comp", 5, group({kKernelTaps})),
      kernel_dense(c, "ssm_kernel_dense.comp", 5, group({kMaxState})),
      hidden_prefix(c, "hidden_attention_prefix.comp", 5, group()),
      hidden_tiles(c, "hidden_attention.comp", 6, {kTile}, {{0, 2}, {1, 2}, {2, 4}, {3, 1}}),
      hidden_pool(c, "hidden_attention_pool.comp", 7, group(), {{0, 2}, {1, 2}, {2, 4}, {3, 1}}),
      probs(c, "attention_probs.comp", 6, {kTile}, {{0, 1}, {1, 1}}),
      attention_pool(c, "attention_pool.comp", 6, group(), {{0, 1}, {1, 1}}),
      linear(c, "attention_linear.comp", 7, group()),
      lag(c, "attention_lag.comp", 2, group()),
      context_(c),
      gpu_layout_(layout == AttentionLayout::Gpu || (layout == AttentionLayout::Auto && !c.device_info().is_cpu())) {}

const ComputePipeline& Kernels::flash(int dh, bool scores_from_flash) const {
  auto& slot = flash_[{padded_head_dim(dh), scores_from_flash}];
  if (!slot)  // q, k, v (bindings 0-2) as vec4 texels
    slot = std::make_unique<ComputePipeline>(
        context_, "attention_flash.comp", 7,
        group({kFlashKeys, padded_head_dim(dh), gpu_layout_ ? 1 : 0, scores_from_flash ? 1 : 0}),
        std::vector<TexelBinding>{{0, 4}, {1, 4}, {2, 4}});
  return *slot;
}

const ComputePipeline& Kernels::probs_softmax(int dh, bool scores_from_flash) const {
  auto& slot = probs_softmax_[{padded_head_dim(dh), scores_from_flash}];
  if (!slot)  // q, k, the row statistics and the flash pass's scores (bindings 0, 1, 3, 6) as texels
    slot = std::make_unique<ComputePipeline>(
        context_, "attention_probs_softmax.comp", 7,
        group({padded_head_dim(dh), map_keys_per_invocation(), scores_from_flash ? 1 : 0}),
        std::vector<TexelBinding>{{0, 4}, {1, 4}, {3, 4}, {6, 1}});
  return *slot;
}

bool Kernels::scores_from_flash(int64_t entries) const {
  return !gpu_layout_ && entries <= int64_t{context_.properties().limits.maxTexelBufferElements};
}

void require_buffer_range(const gpu::Context& context, double bytes, const std::string& what, int L) {
  const double limit = static_cast<double>(context.properties().limits.maxStorageBufferRange);
  if (bytes <= limit) return;
  char line[300];
  std::snprintf(line, sizeof line,
                "%s needs %.0f MiB for L = %d, more than the %.0f MiB one storage buffer can hold on %s: shorten the "
                "input, request fewer channels or heads, or use the Eigen backend",
                what.c_str(), bytes / (1024.0 * 1024.0), L, limit / (1024.0 * 1024.0), context.device_info().name.c_str());
  throw compute::UserError(line);
}

void put(BufferPool& buffers, const std::string& name, const void* data, size_t bytes) {
  buffers.write(name, data, bytes);
}

void get(const BufferPool& buffers, const std::string& name, void* data, size_t bytes) {
  buffers.read(name, data, bytes);
}

VulkanBackend::VulkanBackend(gpu::Context& context) : VulkanBackend(context, BufferPlacement::Auto) {}

VulkanBackend::VulkanBackend(gpu::Context& context, BufferPlacement placement, AttentionLayout layout)
    : context_(context),
      kernels_(std::make_unique<Kernels>(context, layout)),
      buffers_(std::make_unique<BufferPool>(context, placement)),
      pools_(std::make_unique<RecorderPools>(context, kMaxDispatches, kMaxBindings, kMaxQueries)) {}

VulkanBackend::~VulkanBackend() = default;

size_t VulkanBackend::buffer_allocations() const { return buffers_->allocations(); }

void VulkanBackend::poison_new_buffers(bool on) { buffers_->set_poison(on); }

bool VulkanBackend::uses_staging() const { return buffers_->device_local(); }

void VulkanBackend::submit(const std::function<void(Recorder&)>& record) {
  pools_->reset();
  context_.submit_and_wait([&](VkCommandBuffer cmd) {
    Recorder recorder(context_, cmd, *pools_);
    record(recorder);
    recorder.finish();
  });
}

void VulkanBackend::run_model_scan(compute::SsmResults& r, bool states) {
  SsmJob job = prepare_model_ssm(context_, std::move(r), states);
  upload_ssm(job, *buffers_);
  submit([&](Recorder& recorder) { record_ssm(recorder, *kernels_, *buffers_, job); });
  read_ssm(*buffers_, job);
  r = std::move(job.r);
}

void VulkanBackend::run_model_attention(compute::AttentionResults& a, bool maps) {
  AttentionJob job = prepare_model_attention(context_, std::move(a), maps);
  upload_attention(job, *buffers_);
  submit([&](Recorder& recorder) { record_attention(recorder, *kernels_, *buffers_, job); });
  read_attention(*buffers_, job);
  a = std::move(job.r);
}

compute::Results VulkanBackend::run(const compute::Session& session, const compute::Inputs& inputs) {
  const auto start = std::chrono::steady_clock::now();
  const int L = inputs.length();
  // The same guard as the reference: the Results must fit in host memory.
  const double bytes = compute::estimate_result_bytes(session, L);
  if (bytes > compute::kMaxResultBytes) {
    char line[200];
    std::snprintf(line, sizeof line, "this session needs about %.1f GiB of results (L = %d), at most %.0f GiB are allowed",
                  bytes / (1024.0 * 1024 * 1024), L, compute::kMaxResultBytes / (1024.0 * 1024 * 1024));
    throw compute::UserError(line);
  }
  SsmJob ssm = prepare_ssm(context_, session, inputs.u);
  AttentionJob attention = prepare_attention(context_, session, inputs.u);
  upload_ssm(ssm, *buffers_);
  upload_attention(attention, *buffers_);

  pools_->reset();
  std::optional<Recorder> recorder;
  context_.submit_and_wait([&](VkCommandBuffer cmd) {
    recorder.emplace(context_, cmd, *pools_);
    record_ssm(*recorder, *kernels_, *buffers_, ssm);
    record_attention(*recorder, *kernels_, *buffers_, attention);
    recorder->finish();
  });

  compute::Results results;
  results.session = session;
  results.inputs = inputs;
  results.backend = "vulkan";
  read_ssm(*buffers_, ssm);
  read_attention(*buffers_, attention);
  results.ssm = std::move(ssm.r);
  results.attention = std::move(attention.r);
  results.timings_ms = recorder->read_timings();
  results.timings_ms["total"] =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return results;
}

std::map<std::string, double> median_timings_ms(VulkanBackend& backend, const compute::Session& session,
                                                const compute::Inputs& inputs, int runs, double budget_s) {
  std::map<std::string, std::vector<double>> samples;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < runs; ++i) {
    if (i > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > budget_s) break;
    for (const auto& [op, ms] : backend.run(session, inputs).timings_ms) samples[op].push_back(ms);
  }
  std::map<std::string, double> medians;
  for (auto& [op, ms] : samples) {
    std::sort(ms.begin(), ms.end());
    medians[op] = ms[ms.size() / 2];
  }
  return medians;
}

}  // namespace seqscope::vk
