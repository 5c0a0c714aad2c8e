// The app side of real checkpoints: the opened model folder(s), the text and the chosen layers.
// The Workspace asks it for Results instead of running the synthetic backend, and the Controls
// column shows its controls (draw_controls): the text, the layers, and each model's top-5 next
// tokens after the token at the cursor.
//
// A model made by `seqscope train` reads samples of the task it was trained on instead of text:
// the controls then show the sample's number (a "New sample" button), the layers by kind, and
// at the cursor each model's prediction against the target, with its score on the sample.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <vector>
#include <memory>
#include <optional>
#include <string>

#include "compute/checkpoint/adapter.h"
#include "compute/session/shown_models.h"
#include "viz/widgets/view_state.h"

namespace seqscope::app {

// The text a model is shown on when --text is not given.
inline constexpr const char* kDefaultModelText = "The cat sat on the mat.";

class ModelSource {
 public:
  // Opens the folders (model2 may be empty) and runs them on the text (nullopt: the default
  // text) at `layer` of model and `layer2` of model2; UserError on a bad folder, layer or text.
  // Task models (seqscope folders) run on sample `sample` of their task and refuse a text.
  ModelSource(const std::string& model, const std::string& model2, std::optional<std::string> text, int layer,
              int layer2 = 0, uint64_t sample = 0);

  compute::Results compute();  // runs the model(s) on the current text; UserError on bad input
  // Where the layers' scans and attention heads run from the next compute() on (null: CPU).
  void use_kernels(const compute::checkpoint::LayerKernels* kernels);
  double last_run_ms() const { return last_run_ms_; }  // of the run compute() last handed out
  const compute::checkpoint::ModelView& last() const { return last_; }
  // Draws the model's controls in the Controls column (the text, the layers, the top-5 next
  // tokens at the cursor in `view`); returns true when the text or a layer changed (recompute).
  bool draw_controls(const viz::ViewState& view);
  // Task models: the sample's token at t becomes `token` (setting it back undoes the edit);
  // the targets follow (task_targets) and the next compute() runs the edited sample.
  // UserError for t or a token out of range, or a text model.
  void edit_token(int t, int token);
  void clear_edits() { edits_.clear(); }
  // Task models: h := 0 right after step `step` in the first model's SSM layer `layer` (a
  // seqscope M or S layer); layer -1 removes the reset. Checked by the next compute().
  void reset_state(int layer, int step) { reset_ = {layer, step}; }
  // What is shown: the sample and layers chosen, and whether edits or a reset change it.
  uint64_t sample() const { return sample_; }
  int layer() const { return layer_; }
  int layer2() const { return layer2_; }
  bool intervened() const { return !edits_.empty() || reset_.layer >= 0; }
  // The first model's argmax at every step of the unedited sample (after a compute()).
  const std::vector<int>& original_predictions() const { return original_predicted_; }

 private:
  void run_models();
  void draw_predictions(const compute::checkpoint::Predictions& predictions, const viz::ViewState& view) const;
  // Task models: the prediction at the cursor against its target, and the sample's score.
  void draw_task_predictions(const compute::checkpoint::Predictions& predictions, const viz::ViewState& view) const;
  bool draw_text_controls();
  bool draw_task_controls(const viz::ViewState& view);
  bool draw_layer_strip(const char* label, int& layer, const compute::checkpoint::LoadedModel& model) const;
  bool draw_token_edit(const viz::ViewState& view);
  bool draw_state_reset(const viz::ViewState& view);
  void draw_changes() const;
  compute::TaskSample current_sample() const;  // the sample with the edits applied
  bool task_mode() const { return task_.has_value(); }
  compute::checkpoint::LoadedModel primary_;
  std::unique_ptr<compute::checkpoint::LoadedModel> secondary_;
  std::string text_;
  int layer_ = 0, layer2_ = 0;
  std::optional<compute::TaskSpec> task_;  // task models: the task their samples come from
  uint64_t sample_ = 0;                    // task models: which sample (make_task_sample's seed)
  // Counterfactual edits of the sample: position -> token, targets recomputed (task_targets).
  std::map<int, int> edits_;
  compute::model::StateReset reset_;  // "reset the state at t" in the first model
  bool show_changes_ = true;            // list the answers the edits changed
  std::vector<int> original_predicted_;  // the first model's argmax on the unedited sample
  uint64_t original_of_ = UINT64_MAX;   // the sample original_predicted_ belongs to
  compute::checkpoint::ModelView last_;
  const compute::checkpoint::LayerKernels* kernels_ = nullptr;
  bool first_run_pending_ = false;  // last_ holds the constructor's run, not yet handed out
  double last_run_ms_ = 0.0;
};

// Opens trained models as a preset or a lesson step names them (compute/session/shown_models.h):
// zoo names resolved (app/model_zoo.h), and a model with trained_steps retrained from its recipe
// into `scratch` (compute::lesson_model_folder). UserError as the constructor's.
std::unique_ptr<ModelSource> open_shown_models(const compute::ShownModels& models, const std::filesystem::path& scratch);

}  // namespace seqscope::app
