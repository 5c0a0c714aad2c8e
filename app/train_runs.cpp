// The Train window's background runs (train_runs.h).
#include "app/train_runs.h"

#include <algorithm>

#include "compute/model/params.h"
#include "compute/session/session_schema.h"
#include "core/parallel.h"

namespace seqscope::app {

namespace train = compute::train;

// [SECTION] turns

bool StepTurns::acquire(int run) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return stopping_ || (!paused_ && (!gated_ || turn_ == run)); });
  return !stopping_;
}

void StepTurns::pass_turn_from(int run) {
  const int n = static_cast<int>(active_.size());
  for (int k = 1; k <= n; ++k) {
    const int next = (run + k) % n;
    if (active_[static_cast<size_t>(next)]) {
      turn_ = next;
      return;
    }
  }
}

void StepTurns::release(int run) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (turn_ == run) pass_turn_from(run);
  }
  changed_.notify_all();
}

void StepTurns::leave(int run) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    active_[static_cast<size_t>(run)] = false;
    if (turn_ == run) pass_turn_from(run);
  }
  changed_.notify_all();
}

void StepTurns::pause(bool on) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    paused_ = on;
  }
  changed_.notify_all();
}

void StepTurns::stop() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
}

bool StepTurns::paused() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return paused_;
}

// [SECTION] runs

namespace {

// The places: every hardware thread but the UI's.
int training_places() { return std::max(1, compute::worker_count() - 1); }

}  // namespace

TrainRuns::TrainRuns(std::vector<compute::model::ModelConfig> models, train::TrainSettings settings)
    : settings_(std::move(settings)),
      turns_(static_cast<int>(models.size()), training_places() < static_cast<int>(models.size())),
      runs_(models.size()) {
  // Gated: one step at a time on every place; else each run on its share of them.
  const int places = training_places(), count = std::max<int>(1, static_cast<int>(models.size()));
  settings_.threads = places < count ? places : places / count;
  for (size_t i = 0; i < models.size(); ++i) {
    runs_[i].config = std::move(models[i]);
    runs_[i].result.params = compute::model::init_parameters(runs_[i].config, settings_.seed);
  }
  for (size_t i = 0; i < runs_.size(); ++i) runs_[i].thread = std::thread([this, i] { train_one(i); });
}

TrainRuns::~TrainRuns() {
  stop();
  for (Run& run : runs_)
    if (run.thread.joinable()) run.thread.join();
}

void TrainRuns::stop() { turns_.stop(); }

bool TrainRuns::running() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return std::any_of(runs_.begin(), runs_.end(), [](const Run& run) { return !run.finished; });
}

// should_stop holds a turn until the step's on_step (or the evaluation's next poll) gives it back.
void TrainRuns::train_one(size_t i) {
  bool holding = false;
  const int me = static_cast<int>(i);
  train::TrainCallbacks callbacks;
  callbacks.should_stop = [&] {
    if (holding) turns_.release(me);
    holding = turns_.acquire(me);
    return !holding;
  };
  callbacks.on_step = [&](const train::StepRecord& record, const compute::model::Parameters<float>& params) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      Run& run = runs_[i];
      run.result.log.push_back(record);
      run.result.steps_done = record.step;
      run.result.params = params;
    }
    if (holding) turns_.release(me);
    holding = false;
  };
  callbacks.on_eval = [&](const train::EvalRecord& record) {
    const std::lock_guard<std::mutex> lock(mutex_);
    runs_[i].result.evals.push_back(record);
  };
  compute::model::Parameters<float> start;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    start = runs_[i].result.params;
  }
  train::TrainResult result;
  try {
    result = train::train(std::move(start), settings_, callbacks);
  } catch (const std::exception& e) {  // a UserError from the settings; checked before, so rare
    result.status = train::TrainStatus::Failed;
    result.error = e.what();
  }
  turns_.leave(me);
  const std::lock_guard<std::mutex> lock(mutex_);
  Run& run = runs_[i];
  run.result.status = result.status;
  run.result.error = result.error;
  run.result.steps_done = result.steps_done;
  run.result.params = std::move(result.params);
  run.finished = true;
}

std::vector<TrainRuns::RunView> TrainRuns::view() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::vector<RunView> views;
  for (const Run& run : runs_) {
    RunView v;
    v.pattern = run.config.pattern;
    v.history.name = "run " + std::to_string(views.size() + 1);
    v.history.pattern = run.config.pattern;
    v.history.task = std::string(compute::schema::enum_name(settings_.task.kind));
    v.history.steps = run.result.log;
    if (!run.result.evals.empty()) v.history.final_eval = run.result.evals.back();
    v.steps_done = run.result.steps_done;
    v.finished = run.finished;
    v.status = run.result.status;
    v.error = run.result.error;
    views.push_back(std::move(v));
  }
  return views;
}

train::TrainResult TrainRuns::result_of(size_t i) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  train::TrainResult result = runs_.at(i).result;
  if (!runs_[i].finished) result.status = train::TrainStatus::Stopped;  // a snapshot of a run going on
  return result;
}

}  // namespace seqscope::app
