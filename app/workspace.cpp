#include "app/workspace.h"

#include <chrono>

#include "compute/eigen_backend.h"
#include "compute/inputs.h"

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
  // The Vulkan compute backend is not built yet: every choice runs the Eigen reference.
  if (backend_choice_ == compute::BackendChoice::Vulkan) notice_ = "Vulkan compute backend not available: using Eigen";
  backend_ = std::make_unique<compute::EigenBackend>();
}

bool Workspace::update() {
  if (!dirty_) return false;
  dirty_ = false;
  const auto start = std::chrono::steady_clock::now();
  try {
    compute::validate_session(session_);
    choose_backend();
    const compute::Inputs inputs = compute::make_inputs(session_);
    results_ = std::make_unique<compute::Results>(backend_->run(session_, inputs));
    error_.clear();
  } catch (const compute::UserError& e) {
    error_ = e.what();
    return false;
  }
  last_recompute_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ++recompute_count_;
  return true;
}

}  // namespace seqscope::app
