// ModelSource: model folders -> Results (compute/checkpoint/adapter.h), and the model's controls.
#include "app/model_source.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "app/model_zoo.h"
#include "compute/lessons/lesson_evals.h"
#include "compute/session/session_schema.h"

namespace seqscope::app {

namespace ckpt = compute::checkpoint;

namespace {

void check_layer(const char* flag, int layer, const ckpt::LoadedModel& model) {
  if (layer < 0 || layer >= model.model->n_layer())
    throw compute::UserError(std::string(flag) + " " + std::to_string(layer) + " is outside [0, " +
                             std::to_string(model.model->n_layer()) + ")");
}

// The task a seqscope folder shows its samples of; UserError for one that names none.
std::optional<compute::TaskSpec> task_of(const ckpt::LoadedModel& loaded) {
  if (loaded.model->architecture() != ckpt::Architecture::Seqscope) return std::nullopt;
  if (!loaded.model->trained_task())
    throw compute::UserError(loaded.name +
                             ": its config.json names no task whose sizes fit the model (seqscope train writes one)");
  return loaded.model->trained_task();
}

}  // namespace

ModelSource::ModelSource(const std::string& model, const std::string& model2, std::optional<std::string> text,
                         int layer, int layer2, uint64_t sample)
    : primary_(ckpt::LoadedModel::open(model)), layer_(layer), layer2_(layer2), sample_(sample) {
  if (!model2.empty()) secondary_ = std::make_unique<ckpt::LoadedModel>(ckpt::LoadedModel::open(model2));
  check_layer("--layer", layer_, primary_);
  if (secondary_) check_layer("--layer2", layer2_, *secondary_);
  else if (layer2_ != 0) throw compute::UserError("--layer2 needs --model2");
  task_ = task_of(primary_);
  if (task_) {
    if (text) throw compute::UserError("--text: " + primary_.name + " reads samples of its task, not text (--sample N picks one)");
    if (secondary_ && !task_of(*secondary_))
      throw compute::UserError("--model2 " + secondary_->name + " reads text; a task model compares with another task model");
  } else if (secondary_ && task_of(*secondary_)) {
    throw compute::UserError("--model2 " + secondary_->name + " reads task samples; a text model compares with a text model");
  }
  text_ = text.value_or(kDefaultModelText);
  // The first run here, so that a text no model can read (empty, longer than GPT-2's positions)
  // fails on the command line with one line and exit code 2, before any window opens.
  run_models();
  first_run_pending_ = true;
}

void ModelSource::run_models() {
  const auto start = std::chrono::steady_clock::now();
  if (task_) {
    if (original_of_ != sample_) {  // the unedited sample's answers, for the list of changes
      const compute::TaskSample original = compute::make_task_sample(*task_, sample_);
      original_predicted_ =
          ckpt::view_task_models(primary_, nullptr, original, *task_, layer_, layer2_).results.inputs.predicted;
      original_of_ = sample_;
    }
    last_ = ckpt::view_task_models(primary_, secondary_.get(), current_sample(), *task_, layer_, layer2_, reset_);
  } else {
    last_ = ckpt::view_models(primary_, secondary_.get(), text_, layer_, layer2_, kernels_);
  }
  last_run_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void ModelSource::use_kernels(const ckpt::LayerKernels* kernels) {
  if (kernels == kernels_) return;
  kernels_ = kernels;
  first_run_pending_ = false;  // the first run was on other kernels
}

compute::Results ModelSource::compute() {
  if (first_run_pending_) first_run_pending_ = false;
  else run_models();
  return last_.results;
}

// "after t = 3 ' cat' (mamba-130m-hf)", then the five candidates with their probabilities.
void ModelSource::draw_predictions(const ckpt::Predictions& predictions, const viz::ViewState& view) const {
  const compute::Results& results = last_.results;
  const compute::Inputs& tokens = predictions.attention_side ? results.attention_tokens.other : results.inputs;
  const int t = predictions.attention_side ? results.attention_tokens.other_at(view.cursor, view.attention_pick)
                                           : view.cursor;
  if (t < 0 || t >= static_cast<int>(predictions.top5.size()) || t >= static_cast<int>(tokens.labels.size())) return;
  ImGui::Text("Next token after t = %d '%s' (%s):", t, tokens.labels[static_cast<size_t>(t)].c_str(),
              predictions.model.c_str());
  for (const auto& next : predictions.top5[static_cast<size_t>(t)])
    ImGui::Text("  %5.1f%%  '%s'", 100.0 * next.probability, next.label.c_str());
}

namespace {

// "0 M", "1 *": the layers of a seqscope model with their kind; plain numbers for others.
std::string layer_name(const ckpt::LoadedModel& loaded, int i) {
  if (loaded.model->architecture() != ckpt::Architecture::Seqscope) return std::to_string(i);
  const char kind = loaded.model->seqscope().config.pattern[static_cast<size_t>(i)];
  const char* what = kind == 'M' ? "Mamba" : kind == 'S' ? "S4D" : kind == '*' ? "attention" : "MLP";
  return std::to_string(i) + " " + kind + " (" + what + ")";
}

}  // namespace

void ModelSource::draw_task_predictions(const ckpt::Predictions& predictions, const viz::ViewState& view) const {
  const compute::Inputs& in = last_.results.inputs;
  int right = 0, total = 0;
  for (size_t t = 0; t < in.targets.size() && t < predictions.top5.size(); ++t) {
    if (in.targets[t] < 0) continue;
    ++total;
    right += predictions.top5[t].front().id == in.targets[t];
  }
  ImGui::Text("%s: %d of %d targets right", predictions.model.c_str(), right, total);
  const int t = view.cursor;
  if (t < 0 || t >= static_cast<int>(predictions.top5.size())) return;
  const ckpt::NextToken& best = predictions.top5[static_cast<size_t>(t)].front();
  const int target = t < static_cast<int>(in.targets.size()) ? in.targets[static_cast<size_t>(t)] : -1;
  if (target < 0) {
    ImGui::TextWrapped("  at t = %d: predicts '%s' (%.1f%%), no target here", t, best.label.c_str(),
                       100.0 * best.probability);
    return;
  }
  const bool ok = best.id == target;
  ImGui::PushStyleColor(ImGuiCol_Text, ok ? ImVec4(0.35f, 0.8f, 0.45f, 1.0f) : ImVec4(0.95f, 0.45f, 0.35f, 1.0f));
  ImGui::TextWrapped("  at t = %d: predicts '%s' (%.1f%%), target '%s': %s", t, best.label.c_str(),
                     100.0 * best.probability, compute::task_token_label(target).c_str(), ok ? "right" : "wrong");
  ImGui::PopStyleColor();
}

bool ModelSource::draw_text_controls() {
  bool changed = false;
  static char buffer[4096];
  if (std::strncmp(buffer, text_.c_str(), sizeof(buffer)) != 0) std::snprintf(buffer, sizeof(buffer), "%s", text_.c_str());
  if (ImGui::InputTextMultiline("##text", buffer, sizeof(buffer), ImVec2(-1, ImGui::GetTextLineHeight() * 3),
                                ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_CtrlEnterForNewLine) ||
      ImGui::IsItemDeactivatedAfterEdit()) {
    changed |= text_ != buffer;
    text_ = buffer;
  }
  changed |= ImGui::SliderInt("layer", &layer_, 0, primary_.model->n_layer() - 1);
  if (secondary_) changed |= ImGui::SliderInt("layer 2", &layer2_, 0, secondary_->model->n_layer() - 1);
  return changed;
}

void ModelSource::edit_token(int t, int token) {
  if (!task_) throw compute::UserError("only a model trained on a task has tokens to edit");
  const int length = task_->length;
  if (t < 0 || t >= length) throw compute::UserError("edit: t = " + std::to_string(t) + " is outside [0, " + std::to_string(length) + ")");
  if (token < 0 || token >= task_->vocab)
    throw compute::UserError("edit: token " + std::to_string(token) + " is outside the task's vocabulary [0, " +
                             std::to_string(task_->vocab) + ")");
  if (compute::make_task_sample(*task_, sample_).tokens[static_cast<size_t>(t)] == token) edits_.erase(t);
  else edits_[t] = token;
}

compute::TaskSample ModelSource::current_sample() const {
  compute::TaskSample sample = compute::make_task_sample(*task_, sample_);
  if (edits_.empty()) return sample;
  for (const auto& [t, token] : edits_)
    if (t >= 0 && t < static_cast<int>(sample.tokens.size())) sample.tokens[static_cast<size_t>(t)] = token;
  sample.targets = compute::task_targets(*task_, sample.tokens);
  return sample;
}

// The pattern as a row of buttons, one per layer ("M", "*"), the shown one highlighted; a click
// shows that layer (its side of the panels).
bool ModelSource::draw_layer_strip(const char* label, int& layer, const ckpt::LoadedModel& model) const {
  bool changed = false;
  ImGui::PushID(label);
  ImGui::TextUnformatted(label);
  const std::string& pattern = model.model->seqscope().config.pattern;
  for (int i = 0; i < static_cast<int>(pattern.size()); ++i) {
    ImGui::SameLine();
    ImGui::PushID(i);
    const bool shown = i == layer;
    if (shown) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    const std::string text(1, pattern[static_cast<size_t>(i)]);
    if (ImGui::Button(text.c_str()) && !shown) {
      layer = i;
      changed = true;
    }
    if (shown) ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", layer_name(model, i).c_str());
    ImGui::PopID();
  }
  ImGui::PopID();
  return changed;
}

// Replace the token at the cursor with another symbol: the panels and predictions update.
bool ModelSource::draw_token_edit(const viz::ViewState& view) {
  const compute::Inputs& in = last_.results.inputs;
  const int t = view.cursor;
  if (t < 0 || t >= static_cast<int>(in.tokens.size())) return false;
  bool changed = false;
  const int current = in.tokens[static_cast<size_t>(t)];
  const std::string preview = "t = " + std::to_string(t) + ": '" + compute::task_token_label(current) + "'";
  ImGui::TextWrapped("Replace the token at the cursor (a counterfactual):");
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7.0f);
  if (ImGui::BeginCombo("##edit", preview.c_str())) {
    for (int token = 0; token < task_->vocab; ++token)
      if (ImGui::Selectable(compute::task_token_label(token).c_str(), token == current) && token != current) {
        edit_token(t, token);
        changed = true;
      }
    ImGui::EndCombo();
  }
  if (!edits_.empty()) {
    ImGui::SameLine();
    if (ImGui::SmallButton(("Undo the edits (" + std::to_string(edits_.size()) + ")").c_str())) {
      edits_.clear();
      changed = true;
    }
    ImGui::SameLine();
    ImGui::Checkbox("list what changed", &show_changes_);
  }
  return changed;
}

// "Reset the state at the cursor" in one SSM layer of the first model: which later answers
// needed what the state carried.
bool ModelSource::draw_state_reset(const viz::ViewState& view) {
  const std::string& pattern = primary_.model->seqscope().config.pattern;
  std::vector<int> ssm_layers;
  for (int i = 0; i < static_cast<int>(pattern.size()); ++i)
    if (pattern[static_cast<size_t>(i)] == 'M' || pattern[static_cast<size_t>(i)] == 'S') ssm_layers.push_back(i);
  if (ssm_layers.empty()) return false;
  bool changed = false;
  if (reset_.layer < 0) {
    const int layer = std::find(ssm_layers.begin(), ssm_layers.end(), layer_) != ssm_layers.end() ? layer_ : ssm_layers[0];
    ImGui::TextWrapped("Reset the state (h := 0) after t = %d in layer %s:", view.cursor,
                       layer_name(primary_, layer).c_str());
    if (ImGui::Button("Reset the state")) {
      reset_ = {layer, view.cursor};
      changed = true;
    }
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("h_t := 0 right after step t in that layer: the later answers that change needed what the "
                        "state carried");
  } else {
    ImGui::TextWrapped("State reset: h := 0 after t = %d in layer %s", reset_.step,
                       layer_name(primary_, reset_.layer).c_str());
    if (ImGui::SmallButton("Undo the reset")) {
      reset_ = {};
      changed = true;
    }
  }
  return changed;
}

// The first model's answers that the edits and the reset changed, against the unedited sample.
void ModelSource::draw_changes() const {
  if ((edits_.empty() && reset_.layer < 0) || !show_changes_) return;
  const compute::Inputs& in = last_.results.inputs;
  int changed = 0;
  for (size_t t = 0; t < in.predicted.size() && t < original_predicted_.size(); ++t) {
    if (in.predicted[t] == original_predicted_[t] || (in.targets[t] < 0 && original_predicted_[t] < 0)) continue;
    if (in.targets[t] < 0) continue;  // only answers (steps with a target) are listed
    ++changed;
    ImGui::Text("  t = %zu: '%s' -> '%s' (target '%s')", t, compute::task_token_label(original_predicted_[t]).c_str(),
                compute::task_token_label(in.predicted[t]).c_str(), compute::task_token_label(in.targets[t]).c_str());
  }
  ImGui::TextWrapped("%d answer%s of %s changed by the %s", changed, changed == 1 ? "" : "s",
              last_.predictions.empty() ? "" : last_.predictions.front().model.c_str(),
              edits_.empty() ? "reset" : reset_.layer < 0 ? "edits" : "edits and the reset");
}

bool ModelSource::draw_task_controls(const viz::ViewState& view) {
  bool changed = false;
  ImGui::Text("Sample %llu of task %s%s", static_cast<unsigned long long>(sample_),
              std::string(compute::schema::enum_name(task_->kind)).c_str(), edits_.empty() ? "" : ", edited");
  if (ImGui::Button("New sample")) {
    ++sample_;
    edits_.clear();
    reset_ = {};
    changed = true;
  }
  changed |= draw_layer_strip("layers", layer_, primary_);
  if (secondary_) changed |= draw_layer_strip("layers 2", layer2_, *secondary_);
  ImGui::TextWrapped("%s", last_.shown_layers.c_str());
  changed |= draw_token_edit(view);
  changed |= draw_state_reset(view);
  draw_changes();
  return changed;
}

bool ModelSource::draw_controls(const viz::ViewState& view) {
  ImGui::TextWrapped("%s", last_.describe.c_str());
  const bool changed = task_mode() ? draw_task_controls(view) : draw_text_controls();
  ImGui::Separator();
  for (const auto& predictions : last_.predictions) {
    if (task_mode()) draw_task_predictions(predictions, view);
    else draw_predictions(predictions, view);
  }
  for (const auto& notice : last_.notices) ImGui::TextWrapped("Note: %s", notice.c_str());
  return changed;
}

std::unique_ptr<ModelSource> open_shown_models(const compute::ShownModels& models, const std::filesystem::path& scratch) {
  const auto resolve = [](const std::string& name) { return std::filesystem::path(resolve_model_path(name)); };
  const std::filesystem::path model = compute::lesson_model_folder(models.model, models.trained_steps, resolve, scratch);
  const std::string model2 = models.model2.empty() ? "" : resolve_model_path(models.model2);
  return std::make_unique<ModelSource>(model.string(), model2, std::nullopt, models.layer, models.layer2, models.sample);
}

}  // namespace seqscope::app
