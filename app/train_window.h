// The Train window (View > Train, `seqscope --train`; docs/dashboard.md, "Train window"): choose
// a task and up to four patterns, train them side by side on the same batches (TrainRuns),
// watch their loss and accuracy curves with tokens/s and the time left, pause or stop, then
// see accuracy against length, save any model as a folder, or show it in the dashboard, at
// any time (a run going on is shown or saved at its last finished step).
#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include "app/train_runs.h"
#include "gpu/context.h"

namespace seqscope::app {

class Workspace;

class TrainWindow {
 public:
  TrainWindow();
  ~TrainWindow();
  void open() { open_ = true; }
  bool is_open() const { return open_; }
  // Draws the window when open. "Show in dashboard" hands the model to the workspace. Closing
  // the window stops the runs (their threads are joined).
  void draw(Workspace& workspace);
  // Where "Export curves" renders (the window's device); without one the button is not shown.
  void set_context(gpu::Context* context) { context_ = context; }

  // The form's values, for tests and `seqscope --train`.
  struct Form {
    int task = 1;  // index into the task names: copy, selective_copy, induction, mqar, delayed_recall
    int vocab = 16, length = 64, tokens = 4, queries = 0, lag = 8;
    int d_model = 64, state = 16, heads = 4;
    char patterns[4][16] = {"MM", "SS", "", ""};
    int steps = 600, batch = 32, warmup = 50, seed = 0;
    float lr = 5e-3f;
    char eval_lengths[64] = "64,128,256";
    char save_dir[512] = "";
  };
  Form& form() { return form_; }
  // Starts the runs from the form; the one-line problem when it cannot ("" when it started).
  std::string start();
  const TrainRuns* runs() const { return runs_.get(); }
  bool training() const;  // some run has not finished
  // Saves run i into the form's save folder; returns the folder (UserError when it cannot).
  std::filesystem::path save(size_t i) const;
  // Writes the runs' curves as a PNG into the save folder; returns its path (UserError when it cannot).
  std::filesystem::path export_curves() const;

 private:
  void draw_form();
  void draw_controls();
  void draw_message() const;
  void draw_runs(Workspace& workspace);
  void show(size_t i, Workspace& workspace);

  bool open_ = false;
  Form form_;
  std::unique_ptr<TrainRuns> runs_;
  std::string message_;  // the last error or what was saved, one line
  bool message_is_error_ = false;
  std::filesystem::path shown_dir_;  // where "Show in dashboard" writes its folders
  gpu::Context* context_ = nullptr;
};

}  // namespace seqscope::app
