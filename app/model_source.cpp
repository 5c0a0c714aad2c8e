// ModelSource: model folders -> Results (compute/checkpoint/adapter.h), and the model's controls.
#include "app/model_source.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace seqscope::app {

namespace ckpt = compute::checkpoint;

namespace {

void check_layer(const char* flag, int layer, const ckpt::LoadedModel& model) {
  if (layer < 0 || layer >= model.model->n_layer())
    throw compute::UserError(std::string(flag) + " " + std::to_string(layer) + " is outside [0, " +
                             std::to_string(model.model->n_layer()) + ")");
}

}  // namespace

ModelSource::ModelSource(const std::string& model, const std::string& model2, std::string text, int layer,
                         int layer2)
    : primary_(ckpt::LoadedModel::open(model)), text_(std::move(text)), layer_(layer), layer2_(layer2) {
  if (!model2.empty()) secondary_ = std::make_unique<ckpt::LoadedModel>(ckpt::LoadedModel::open(model2));
  check_layer("--layer", layer_, primary_);
  if (secondary_) check_layer("--layer2", layer2_, *secondary_);
  else if (layer2_ != 0) throw compute::UserError("--layer2 needs --model2");
  // The first run here, so that a text no model can read (empty, longer than GPT-2's positions)
  // fails on the command line with one line and exit code 2, before any window opens.
  run_models();
  first_run_pending_ = true;
}

void ModelSource::run_models() {
  const auto start = std::chrono::steady_clock::now();
  last_ = ckpt::view_models(primary_, secondary_.get(), text_, layer_, layer2_, kernels_);
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

bool ModelSource::draw_controls(const viz::ViewState& view) {
  bool changed = false;
  ImGui::TextWrapped("%s", last_.describe.c_str());
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
  ImGui::Separator();
  for (const auto& predictions : last_.predictions) draw_predictions(predictions, view);
  for (const auto& notice : last_.notices) ImGui::TextWrapped("Note: %s", notice.c_str());
  return changed;
}

}  // namespace seqscope::app
