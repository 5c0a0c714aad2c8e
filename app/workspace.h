// Workspace: the app's document. Holds the Session, and the Inputs and Results computed from
// it by the chosen backend. Edits mark it dirty; update() recomputes at most once per call, so
// a slider dragged over many frames never queues more than one recompute. A failed recompute
// keeps the previous Results and reports one line.
//
// In the window, recomputes on the Eigen backend run in the background (run_in_background):
// update() starts one on a worker thread and takes its Results once they are ready, while the
// panels keep showing the previous ones. An edit made meanwhile cancels the running recompute,
// which stops at its next work item (core/parallel.h), and the edits coalesce into one
// recompute of the latest session that starts then. Model folders and the Vulkan backend (the
// window's queue belongs to the UI thread) still recompute inside update().
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include "compute/backend/backend.h"
#include "compute/backend/results.h"
#include "compute/session/inputs.h"
#include "compute/session/session.h"
#include "core/progress.h"

namespace seqscope::gpu {
class Context;
}
namespace seqscope::vk {
class VulkanModelKernels;
}

namespace seqscope::app {

class ModelSource;

// Makes the backend for a session's choice; notice receives why auto fell back to Eigen
// (vk::make_backend, compute/vulkan/backend_factory.h). Tests pass one that fails.
using BackendFactory =
    std::function<std::unique_ptr<compute::Backend>(compute::BackendChoice, gpu::Context*, std::string*)>;

class Workspace {
 public:
  // context may be null (no Vulkan): only the Eigen backend is then available. make_backend
  // defaults to vk::make_backend.
  Workspace(compute::Session session, gpu::Context* context, BackendFactory make_backend = {});
  ~Workspace();

  const compute::Session& session() const { return session_; }
  // For edits: marks the workspace dirty.
  compute::Session& edit() {
    dirty_ = true;
    return session_;
  }
  void replace(compute::Session session);

  // Recomputes when dirty (or takes a finished background recompute). Returns true when new
  // Results are ready.
  bool update();
  // From now on the Eigen backend recomputes on a worker thread; update() waits up to
  // inline_wait for it, so that small sessions still show their Results in the same frame.
  void run_in_background(std::chrono::milliseconds inline_wait);
  bool busy() const { return job_.has_value(); }  // a background recompute is running
  double busy_seconds() const;                     // since it started (0 when not busy)
  int busy_length() const { return job_ ? job_->length : 0; }  // its L
  // Its progress: the stage it finished last ("" before the first) and the fraction of stages
  // done, from the stage count of the last finished run (negative: no run has finished yet).
  std::string busy_stage() const;
  float busy_fraction() const;
  bool has_results() const { return results_ != nullptr; }
  const compute::Results& results() const { return *results_; }
  // The same Results, shared: what the dashboard's GPU copies are made from and keep.
  std::shared_ptr<const compute::Results> results_snapshot() const { return results_; }
  const std::string& error() const { return error_; }
  // A problem found outside a recompute (a model folder that does not open): shown as error() is.
  void report_error(std::string line) { error_ = std::move(line); }
  const std::string& notice() const { return notice_; }  // e.g. a backend fallback
  double last_recompute_ms() const { return last_recompute_ms_; }
  int recompute_count() const { return recompute_count_; }
  // Results from a real model folder instead of the backend (app/model_source.h); its layers'
  // scans and attention heads run on the Vulkan backend when that is the active one.
  void use_model(std::unique_ptr<ModelSource> source);
  ModelSource* model() { return model_.get(); }
  void mark_dirty() { dirty_ = true; }
  // Where the free memory comes from (default: MemAvailable). A session whose Results would not
  // fit is not run: error() says so in one line and the previous Results stay. Headless export,
  // which checks before it starts (and has --force), passes one that returns 0 (unknown).
  void set_free_memory_probe(std::function<double()> probe) { free_memory_ = std::move(probe); }

 private:
  struct Job {
    std::shared_ptr<std::atomic<bool>> cancel;  // set: the worker stops at its next work item
    std::future<compute::Results> results;
    std::chrono::steady_clock::time_point start;
    int length = 0;
    std::shared_ptr<compute::StageProgress> progress;  // reported by the worker's stages
  };
  void choose_backend();
  void attach_model_kernels();
  compute::Results run_backend(const compute::Inputs& inputs);
  compute::Results run_model();
  void refuse_what_cannot_fit() const;  // UserError when the session's Results exceed free memory
  bool recompute_now();
  bool start_job();  // false: this session cannot run in the background
  bool finish_job();  // takes the job's Results (true) or its error (false)
  void record_recompute(std::chrono::steady_clock::time_point start);
  compute::Session session_;
  gpu::Context* context_;
  BackendFactory make_backend_;
  std::shared_ptr<compute::Backend> backend_;  // shared with the model's kernels
  compute::BackendChoice backend_choice_{};
  std::shared_ptr<const compute::Results> results_;  // replaced whole, never changed in place
  std::unique_ptr<ModelSource> model_;
  std::unique_ptr<vk::VulkanModelKernels> model_kernels_;  // the model's layers on the Vulkan backend
  std::string error_, notice_;
  bool dirty_ = true;
  double last_recompute_ms_ = 0.0;
  int recompute_count_ = 0;
  int stages_per_run_ = 0;  // stages the last finished background run reported (0: none yet)
  std::optional<std::chrono::milliseconds> background_wait_;  // set: background recomputes
  std::optional<Job> job_;
  std::function<double()> free_memory_;
};

}  // namespace seqscope::app
