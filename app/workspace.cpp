#include "app/workspace.h"

#include <algorithm>
#include <chrono>

#include "app/model_source.h"
#include "app/run_estimate.h"
#include "compute/backend/eigen_backend.h"
#include "compute/session/inputs.h"
#include "compute/vulkan/backend_factory.h"
#include "compute/vulkan/model_kernels.h"
#include "compute/vulkan/vulkan_backend.h"
#include "core/parallel.h"
#include "gpu/check.h"

namespace seqscope::app {

Workspace::Workspace(compute::Session session, gpu::Context* context, BackendFactory make_backend)
    : session_(std::move(session)),
      context_(context),
      make_backend_(make_backend ? std::move(make_backend) : BackendFactory(vk::make_backend)) {}

// A running background recompute is cancelled, so that closing the window does not wait for it.
Workspace::~Workspace() {
  if (job_) job_->cancel->store(true);
}

void Workspace::replace(compute::Session session) {
  session_ = std::move(session);
  model_.reset();  // a preset or a lesson is a synthetic session: a model shown so far closes
  model_kernels_.reset();
  dirty_ = true;
}

void Workspace::choose_backend() {
  if (backend_ && backend_choice_ == session_.backend) return;
  backend_choice_ = session_.backend;
  notice_.clear();
  std::string why_eigen;  // auto on a CPU device: expected, shown in the status bar's backend name only
  try {
    backend_ = make_backend_(backend_choice_, context_, &why_eigen);
  } catch (const gpu::VulkanError& e) {
    // The device refused a pipeline or a buffer while the backend was set up: say so and carry
    // on with the reference backend, as when a run fails (run_backend).
    notice_ = std::string("Vulkan backend unavailable (") + e.what() + "): using Eigen";
    backend_ = std::make_shared<compute::EigenBackend>();
  }
  attach_model_kernels();
}

// While the Vulkan backend is the active one, an open model's layers run on its kernels, which
// share the backend's ownership; any other backend gives them back to the CPU.
void Workspace::attach_model_kernels() {
  if (!model_) return;
  auto vulkan = std::dynamic_pointer_cast<vk::VulkanBackend>(backend_);
  model_kernels_ = vulkan ? std::make_unique<vk::VulkanModelKernels>(std::move(vulkan)) : nullptr;
  model_->use_kernels(model_kernels_.get());
}

compute::Results Workspace::run_backend(const compute::Inputs& inputs) {
  try {
    return backend_->run(session_, inputs);
  } catch (const gpu::VulkanError& e) {
    // Device lost, out of memory...: say so and carry on with the reference backend.
    notice_ = std::string("Vulkan backend failed (") + e.what() + "): using Eigen";
    backend_ = std::make_shared<compute::EigenBackend>();
    attach_model_kernels();
    return backend_->run(session_, inputs);
  }
}

void Workspace::use_model(std::unique_ptr<ModelSource> source) {
  model_ = std::move(source);
  dirty_ = true;
  choose_backend();
  attach_model_kernels();
}

compute::Results Workspace::run_model() {
  try {
    return model_->compute();
  } catch (const gpu::VulkanError& e) {
    // As run_backend: say so and carry on with the CPU.
    notice_ = std::string("Vulkan backend failed (") + e.what() + "): the model runs on the CPU";
    model_->use_kernels(nullptr);
    model_kernels_.reset();
    return model_->compute();
  }
}

void Workspace::run_in_background(std::chrono::milliseconds inline_wait) { background_wait_ = inline_wait; }

double Workspace::busy_seconds() const {
  if (!job_) return 0.0;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - job_->start).count();
}

bool Workspace::update() {
  bool fresh = false;
  if (job_) {
    if (dirty_) job_->cancel->store(true);  // its session is out of date
    if (job_->results.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
    fresh = finish_job();
  }
  if (!dirty_) return fresh;
  dirty_ = false;
  try {
    refuse_what_cannot_fit();
    if (!start_job()) return recompute_now() || fresh;
  } catch (const compute::UserError& e) {
    error_ = e.what();
    return fresh;
  }
  if (job_->results.wait_for(*background_wait_) != std::future_status::ready) return fresh;
  return finish_job() || fresh;
}

void Workspace::refuse_what_cannot_fit() const {
  if (model_) return;  // a model folder's Results were sized when it opened (app/model_source.h)
  compute::validate_session(session_);
  const double bytes = compute::estimate_result_bytes(session_, compute::sequence_length(session_));
  refuse_over_free_memory(bytes, free_memory_ ? free_memory_() : available_memory_bytes(), "");
}

bool Workspace::start_job() {
  if (!background_wait_ || model_) return false;
  compute::validate_session(session_);
  choose_backend();
  if (backend_->name() != "eigen") return false;
  // The worker owns copies: edits on the UI thread never touch what it reads.
  const auto start = std::chrono::steady_clock::now();
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  auto progress = std::make_shared<compute::StageProgress>();
  job_ = Job{cancel,
             std::async(std::launch::async,
                        [session = session_, cancel, progress] {
                          const compute::CancelScope scope(cancel.get());
                          const compute::ProgressScope report(progress.get());
                          return compute::run_eigen(session, compute::make_inputs(session));
                        }),
             start, compute::sequence_length(session_), progress};
  return true;
}

bool Workspace::finish_job() {
  const auto start = job_->start;
  try {
    results_ = std::make_shared<const compute::Results>(job_->results.get());
    error_.clear();
  } catch (const compute::Cancelled&) {  // an edit made it obsolete: the next one is due
    job_.reset();
    return false;
  } catch (const compute::UserError& e) {
    error_ = e.what();
    job_.reset();
    return false;
  }
  stages_per_run_ = job_->progress->done.load();
  job_.reset();
  record_recompute(start);
  return true;
}

std::string Workspace::busy_stage() const { return job_ ? job_->progress->last_stage() : std::string(); }

float Workspace::busy_fraction() const {
  if (!job_ || stages_per_run_ <= 0) return -1.0f;
  return std::min(1.0f, static_cast<float>(job_->progress->done.load()) / static_cast<float>(stages_per_run_));
}

bool Workspace::recompute_now() {
  const auto start = std::chrono::steady_clock::now();
  try {
    if (model_) {
      choose_backend();  // the session's backend choice applies to the model's layers too
      results_ = std::make_shared<const compute::Results>(run_model());
    } else {
      compute::validate_session(session_);
      choose_backend();
      const compute::Inputs inputs = compute::make_inputs(session_);
      results_ = std::make_shared<const compute::Results>(run_backend(inputs));
    }
    error_.clear();
  } catch (const compute::UserError& e) {
    error_ = e.what();
    return false;
  }
  record_recompute(start);
  if (model_) last_recompute_ms_ = model_->last_run_ms();  // its first run happened before the window opened
  return true;
}

void Workspace::record_recompute(std::chrono::steady_clock::time_point start) {
  last_recompute_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ++recompute_count_;
}

}  // namespace seqscope::app
