#include "app/workspace.h"

#include "app/model_source.h"

#include <chrono>

#include "compute/eigen_backend.h"
#include "compute/inputs.h"
#include "compute/vulkan/backend_factory.h"
#include "compute/vulkan/check.h"

namespace seqscope::app {

Workspace::Workspace(compute::Session session, vk::Context* context)
    : session_(std::move(session)), context_(context) {}

Workspace::~Workspace() = default;

void Workspace::replace(compute::Session session) {
  session_ = std::move(session);
  dirty_ = true;
}

void Workspace::choose_backend() {
  if (backend_ && backend_choice_ == session_.backend) return;
  backend_choice_ = session_.backend;
  notice_.clear();
  std::string why_eigen;  // auto on a CPU device: expected, shown in the status bar's backend name only
  backend_ = vk::make_backend(backend_choice_, context_, &why_eigen);
}

compute::Results Workspace::run_backend(const compute::Inputs& inputs) {
  try {
    return backend_->run(session_, inputs);
  } catch (const vk::VulkanError& e) {
    // Device lost, out of memory...: say so and carry on with the reference backend.
    notice_ = std::string("Vulkan backend failed (") + e.what() + "): using Eigen";
    backend_ = std::make_unique<compute::EigenBackend>();
    return backend_->run(session_, inputs);
  }
}

void Workspace::use_model(std::unique_ptr<ModelSource> source) {
  model_ = std::move(source);
  dirty_ = true;
}

bool Workspace::update() {
  if (!dirty_) return false;
  dirty_ = false;
  const auto start = std::chrono::steady_clock::now();
  try {
    if (model_) {
      results_ = std::make_unique<compute::Results>(model_->compute());
    } else {
      compute::validate_session(session_);
      choose_backend();
      const compute::Inputs inputs = compute::make_inputs(session_);
      results_ = std::make_unique<compute::Results>(run_backend(inputs));
    }
    error_.clear();
  } catch (const compute::UserError& e) {
    error_ = e.what();
    return false;
  }
  last_recompute_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (model_) last_recompute_ms_ = model_->last_run_ms();  // its first run happened before the window opened
  ++recompute_count_;
  return true;
}

}  // namespace seqscope::app
