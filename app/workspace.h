// Workspace: the app's document. Holds the Session, and the Inputs and Results computed from
// it by the chosen backend. Edits mark it dirty; update() recomputes at most once per call, so
// a slider dragged over many frames never queues more than one recompute. A failed recompute
// keeps the previous Results and reports one line.
#pragma once
#include <memory>
#include <string>

#include "compute/backend.h"
#include "compute/inputs.h"
#include "compute/results.h"
#include "compute/session.h"

namespace seqscope::vk {
class Context;
}

namespace seqscope::app {

class ModelSource;

class Workspace {
 public:
  // context may be null (no Vulkan): only the Eigen backend is then available.
  Workspace(compute::Session session, vk::Context* context);
  ~Workspace();

  const compute::Session& session() const { return session_; }
  // For edits: marks the workspace dirty.
  compute::Session& edit() {
    dirty_ = true;
    return session_;
  }
  void replace(compute::Session session);

  // Recomputes when dirty. Returns true when new Results are ready.
  bool update();
  bool has_results() const { return results_ != nullptr; }
  const compute::Results& results() const { return *results_; }
  const std::string& error() const { return error_; }
  const std::string& notice() const { return notice_; }  // e.g. a backend fallback
  double last_recompute_ms() const { return last_recompute_ms_; }
  int recompute_count() const { return recompute_count_; }
  // Results from a real model folder instead of the backend (app/model_source.h).
  void use_model(std::unique_ptr<ModelSource> source);
  ModelSource* model() { return model_.get(); }
  void mark_dirty() { dirty_ = true; }

 private:
  void choose_backend();
  compute::Results run_backend(const compute::Inputs& inputs);
  compute::Session session_;
  vk::Context* context_;
  std::unique_ptr<compute::Backend> backend_;
  compute::BackendChoice backend_choice_{};
  std::unique_ptr<compute::Results> results_;
  std::unique_ptr<ModelSource> model_;
  std::string error_, notice_;
  bool dirty_ = true;
  double last_recompute_ms_ = 0.0;
  int recompute_count_ = 0;
};

}  // namespace seqscope::app
