// CostSweepRunner (cost_sweep.h).
//
// Index (each part starts at a "// [SECTION] name" line):
//   the Vulkan timer
//   measuring
//   the worker
//   the view
#include "app/cost_sweep.h"

#include <algorithm>
#include <map>
#include <string>

#include "compute/session/inputs.h"
#include "compute/vulkan/vulkan_backend.h"
#include "gpu/context.h"

namespace seqscope::app {
namespace {

// [SECTION] the Vulkan timer

// The bench's sweep sessions on the Vulkan backend: one run gives both kernels' GPU timestamps
// ("ssm_scan", "attention"); each is the median of three runs. No α: the sweep
// times the scan and the attention map, not the hidden-attention kernel.
class VulkanSweepTimer {
 public:
  explicit VulkanSweepTimer(gpu::Context& context) : backend_(context) {}

  double operator()(compute::SweepOp op, int L) {
    if (!measured_.contains(L)) measure(L);
    const auto& [ssm, attention] = measured_.at(L);
    return op == compute::SweepOp::Ssm ? ssm : attention;
  }

 private:
  void measure(int L) {
    compute::Session session = compute::bench_sweep_session(L);
    session.ssm.hidden_attention_channels.clear();
    const compute::Inputs inputs = compute::make_inputs(session);
    // No warm-up run: GPU timestamps cover the kernels only, not pipeline or buffer creation.
    const std::map<std::string, double> median = vk::median_timings_ms(backend_, session, inputs, 3);
    measured_[L] = {median.at("ssm_scan"), median.at("attention")};
  }

  vk::VulkanBackend backend_;
  std::map<int, std::pair<double, double>> measured_;
};

// L = 256 .. 4096 for both (2048 on a CPU device such as lavapipe, where L = 4096 alone takes
// about 10 s on two cores): the Vulkan backend computes and reads back the whole session.
compute::SweepPlan vulkan_sweep_plan(bool cpu_device) {
  compute::SweepPlan plan;
  for (int L = 256; L <= (cpu_device ? 2048 : 4096); L *= 2) {
    plan.ssm_lengths.push_back(L);
    plan.attention_lengths.push_back(L);
  }
  return plan;
}

}  // namespace

// [SECTION] measuring

CostSweepRunner::CostSweepRunner(std::optional<uint32_t> vulkan_device, bool blocking)
    : vulkan_device_(vulkan_device), blocking_(blocking) {}

CostSweepRunner::~CostSweepRunner() {
  cancel_ = true;
  if (worker_.joinable()) worker_.join();
}

compute::CostSweep CostSweepRunner::measure(const std::string& backend) {
  const auto progress = [this](int done, int total) {
    total_ = total;
    done_ = done;
  };
  if (backend != "vulkan") return compute::run_eigen_sweep(progress, &cancel_);
  gpu::ContextOptions options;
  options.device_index = vulkan_device_;
  auto [context, status] = gpu::Context::create(gpu::options_from_environment(options));
  if (!context) throw compute::UserError("no Vulkan device for the sweep: " + status.message());
  VulkanSweepTimer timer(*context);
  compute::CostSweep sweep =
      compute::run_cost_sweep(vulkan_sweep_plan(context->device_info().is_cpu()), [&timer](compute::SweepOp op, int L) { return timer(op, L); },
                              progress, &cancel_);
  sweep.backend = "vulkan";
  sweep.device = context->device_info().name;
  sweep.ssm_op = "ssm_scan kernel, D = 64, N = 16";
  sweep.attention_op = "attention kernel, H = 1, dh = 64";
  return sweep;
}

// [SECTION] the worker

void CostSweepRunner::start(const std::string& backend) {
  if (running_) return;
  if (worker_.joinable()) worker_.join();
  cancel_ = false;
  done_ = 0;
  total_ = 1;
  running_ = true;
  message_.clear();
  const auto run = [this, backend] {
    compute::CostSweep sweep;
    std::string error;
    try {
      sweep = measure(backend);
    } catch (const std::exception& e) {  // UserError, VulkanError, bad_alloc: one line in the panel
      error = e.what();
    }
    finish(std::move(sweep), std::move(error));
  };
  if (blocking_) {
    run();
    poll();
  } else {
    worker_ = std::thread(run);
  }
}

void CostSweepRunner::finish(compute::CostSweep sweep, std::string error) {
  std::lock_guard lock(mutex_);
  finished_ = std::move(sweep);
  finished_error_ = std::move(error);
  running_ = false;
}

void CostSweepRunner::cancel() { cancel_ = true; }

void CostSweepRunner::poll() {
  std::lock_guard lock(mutex_);
  if (!finished_) return;
  if (!finished_error_.empty()) message_ = "sweep failed: " + finished_error_;
  else if (finished_->cancelled) message_ = "sweep cancelled";
  else result_ = std::move(finished_);  // a cancelled sweep keeps the previous result on screen
  finished_.reset();
}

// [SECTION] the view

const viz::SweepView& CostSweepRunner::view() {
  view_.available = !blocking_;  // headless figures have no button to press
  view_.running = running_;
  view_.progress = static_cast<float>(done_) / static_cast<float>(std::max(1, total_.load()));
  view_.result = result_ ? &*result_ : nullptr;
  view_.message = message_;
  return view_;
}

}  // namespace seqscope::app
