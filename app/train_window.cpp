// The Train window (train_window.h).
#include "app/train_window.h"

#include <imgui.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "app/curves_export.h"
#include "app/model_source.h"
#include "app/workspace.h"
#include "compute/model/config.h"
#include "compute/train/trained_folder.h"
#include "core/parallel.h"
#include "core/types.h"
#include "viz/panels/training_curves_panel.h"
#include "viz/widgets/plot.h"

namespace seqscope::app {

namespace fs = std::filesystem;
namespace train = compute::train;

namespace {

constexpr const char* k_tasks[] = {"copy", "selective_copy", "induction", "mqar", "delayed_recall"};
constexpr compute::TaskKind k_task_kinds[] = {compute::TaskKind::Copy, compute::TaskKind::SelectiveCopy,
                                              compute::TaskKind::Induction, compute::TaskKind::Mqar,
                                              compute::TaskKind::DelayedRecall};

std::vector<int> parse_lengths(const std::string& text) {
  std::vector<int> lengths;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    char* end = nullptr;
    const long value = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || value < 1 || value > 1 << 20)
      throw compute::UserError("eval lengths: '" + item + "' is not a length (e.g. 64,128,256)");
    lengths.push_back(static_cast<int>(value));
  }
  return lengths;
}

// "M*" -> "Mx": a pattern as part of a folder name.
std::string folder_name(const std::string& task, const std::string& pattern) {
  std::string name = task + "-";
  for (char c : pattern) name += c == '*' ? 'x' : c == '-' ? '_' : c;
  return name;
}

std::string duration_text(double s) {
  char text[32];
  if (s < 60) std::snprintf(text, sizeof text, "%.0f s", s);
  else std::snprintf(text, sizeof text, "%d min %02d s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return text;
}

fs::path default_save_dir() {
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : ".") / "seqscope-models";
}

}  // namespace

TrainWindow::TrainWindow() {
  std::snprintf(form_.save_dir, sizeof form_.save_dir, "%s", default_save_dir().string().c_str());
  shown_dir_ = fs::temp_directory_path() / ("seqscope-train-" + std::to_string(::getpid()));
}

bool TrainWindow::training() const { return runs_ && runs_->running(); }

TrainWindow::~TrainWindow() {
  runs_.reset();  // stops and joins
  std::error_code ec;
  fs::remove_all(shown_dir_, ec);
}

std::string TrainWindow::start() {
  try {
    train::TrainSettings s;
    s.task.kind = k_task_kinds[form_.task];
    s.task.vocab = form_.vocab;
    s.task.length = form_.length;
    s.task.num_tokens = form_.tokens;
    s.task.num_queries = form_.queries;
    s.task.lag = form_.lag;
    s.steps = form_.steps;
    s.batch = form_.batch;
    s.lr = form_.lr;
    s.warmup = form_.warmup;
    s.seed = static_cast<uint64_t>(form_.seed);
    s.eval_every = 0;
    s.eval_lengths = parse_lengths(form_.eval_lengths);
    s.eval_samples = 256;
    std::vector<compute::model::ModelConfig> models;
    for (const auto& pattern : form_.patterns) {
      if (pattern[0] == '\0') continue;
      compute::model::ModelConfig c;
      c.pattern = pattern;
      c.vocab_size = form_.vocab;
      c.d_model = form_.d_model;
      c.d_state = form_.state;
      c.n_heads = form_.heads;
      compute::model::resolve_defaults(c);
      compute::model::validate_config(c);
      train::check_settings(c, s);
      models.push_back(std::move(c));
    }
    if (models.empty()) throw compute::UserError("no pattern: type at least one, e.g. MM or M*");
    runs_.reset();  // the previous runs stop first
    runs_ = std::make_unique<TrainRuns>(std::move(models), std::move(s));
    message_.clear();
    return "";
  } catch (const compute::UserError& e) {
    message_ = e.what();
    message_is_error_ = true;
    return message_;
  }
}

fs::path TrainWindow::save(size_t i) const {
  if (!runs_ || i >= runs_->size()) throw compute::UserError("nothing to save: start a training first");
  const train::TrainResult result = runs_->result_of(i);
  const std::string task = k_tasks[form_.task];
  const fs::path dir = fs::path(form_.save_dir) / folder_name(task, result.params.config.pattern);
  train::check_out_folder(dir);
  std::error_code ec;
  fs::create_directories(dir.parent_path(), ec);
  train::save_trained_folder(dir, runs_->settings(), result);
  return dir;
}

fs::path TrainWindow::export_curves() const {
  if (!runs_) throw compute::UserError("nothing to draw: start a training first");
  if (!context_) throw compute::UserError("no device to render the figure on");
  std::vector<train::TrainingHistory> histories;
  for (const auto& v : runs_->view()) histories.push_back(v.history);
  const viz::Image image = render_training_curves(*context_, histories, curves_title(histories), 1400, 820, 1);
  const fs::path path = fs::path(form_.save_dir) / ("curves-" + std::string(k_tasks[form_.task]) + ".png");
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  viz::write_png(path, image);
  return path;
}

void TrainWindow::show(size_t i, Workspace& workspace) {
  const train::TrainResult result = runs_->result_of(i);
  const fs::path dir = shown_dir_ / (std::to_string(i) + "-" + folder_name(k_tasks[form_.task], result.params.config.pattern));
  std::error_code ec;
  fs::create_directories(shown_dir_, ec);
  train::save_trained_folder(dir, runs_->settings(), result);
  workspace.use_model(std::make_unique<ModelSource>(dir.string(), "", std::nullopt, 0, 0, 0));
  message_ = "showing " + result.params.config.pattern + " at step " + std::to_string(result.steps_done) +
             " in the dashboard";
  message_is_error_ = false;
}

void TrainWindow::draw_form() {
  const bool locked = runs_ && runs_->running();
  ImGui::BeginDisabled(locked);
  ImGui::PushItemWidth(ImGui::GetFontSize() * 9.0f);
  ImGui::Combo("task", &form_.task, k_tasks, IM_ARRAYSIZE(k_tasks));
  ImGui::SameLine();
  ImGui::InputInt("vocab", &form_.vocab, 0);
  ImGui::SameLine();
  ImGui::InputInt("length", &form_.length, 0);
  ImGui::SameLine();
  ImGui::InputInt("K (tokens)", &form_.tokens, 0);
  if (form_.task == 3) {
    ImGui::SameLine();
    ImGui::InputInt("queries (0 = K)", &form_.queries, 0);
  }
  if (form_.task == 4) {
    ImGui::SameLine();
    ImGui::InputInt("lag", &form_.lag, 0);
  }
  ImGui::InputInt("d_model", &form_.d_model, 0);
  ImGui::SameLine();
  ImGui::InputInt("state N", &form_.state, 0);
  ImGui::SameLine();
  ImGui::InputInt("heads", &form_.heads, 0);
  ImGui::InputInt("steps", &form_.steps, 0);
  ImGui::SameLine();
  ImGui::InputInt("batch", &form_.batch, 0);
  ImGui::SameLine();
  ImGui::InputFloat("lr", &form_.lr, 0.0f, 0.0f, "%.4g");
  ImGui::SameLine();
  ImGui::InputInt("warmup", &form_.warmup, 0);
  ImGui::SameLine();
  ImGui::InputInt("seed", &form_.seed, 0);
  ImGui::PopItemWidth();
  ImGui::TextUnformatted("patterns (M Mamba, S time-invariant, * attention, - MLP; empty = unused):");
  for (int i = 0; i < 4; ++i) {
    ImGui::PushID(i);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6.0f);
    ImGui::InputText("##pattern", form_.patterns[i], sizeof form_.patterns[i]);
    ImGui::PopID();
    ImGui::SameLine();
  }
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9.0f);
  ImGui::InputText("eval lengths", form_.eval_lengths, sizeof form_.eval_lengths);
  ImGui::EndDisabled();
}

void TrainWindow::draw_controls() {
  const bool running = runs_ && runs_->running();
  if (!running) {
    if (ImGui::Button("Start")) start();
  } else {
    if (ImGui::Button(runs_->paused() ? "Resume" : "Pause")) runs_->pause(!runs_->paused());
    ImGui::SameLine();
    if (ImGui::Button("Stop")) runs_->stop();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18.0f);
  ImGui::InputText("save folder", form_.save_dir, sizeof form_.save_dir);
  if (runs_ && context_) {
    ImGui::SameLine();
    if (ImGui::Button("Export curves")) {
      try {
        message_ = "wrote " + export_curves().string();
        message_is_error_ = false;
      } catch (const compute::UserError& e) {
        message_ = e.what();
        message_is_error_ = true;
      }
    }
  }
}

// The last error or what was saved, under the runs (so that the rows above keep their places).
void TrainWindow::draw_message() const {
  if (message_.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, message_is_error_ ? ImVec4(0.95f, 0.45f, 0.35f, 1.0f)
                                                         : ImVec4(0.6f, 0.85f, 0.6f, 1.0f));
  ImGui::TextWrapped("%s", message_.c_str());
  ImGui::PopStyleColor();
}

void TrainWindow::draw_runs(Workspace& workspace) {
  if (!runs_) {
    draw_message();
    ImGui::TextDisabled("Press Start: the patterns train side by side on the same batches, on %d thread%s "
                        "(one hardware thread stays with the window).",
                        std::max(1, compute::worker_count() - 1), compute::worker_count() > 2 ? "s" : "");
    return;
  }
  const std::vector<TrainRuns::RunView> views = runs_->view();
  const int64_t total = runs_->settings().steps;
  for (size_t i = 0; i < views.size(); ++i) {
    const TrainRuns::RunView& v = views[i];
    ImGui::PushID(static_cast<int>(i));
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(viz::series_color(static_cast<int>(i))), "%s", v.pattern.c_str());
    ImGui::SameLine(ImGui::GetFontSize() * 5.0f);  // the buttons at one place whatever the pattern
    if (ImGui::SmallButton("Save")) {
      try {
        message_ = "saved " + save(i).string();
        message_is_error_ = false;
      } catch (const compute::UserError& e) {
        message_ = e.what();
        message_is_error_ = true;
      }
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("Show in dashboard")) {
      try {
        show(i, workspace);
      } catch (const compute::UserError& e) {
        message_ = e.what();
        message_is_error_ = true;
      }
    }
    ImGui::SameLine();
    const auto* last = v.history.steps.empty() ? nullptr : &v.history.steps.back();
    ImGui::ProgressBar(total > 0 ? static_cast<float>(v.steps_done) / static_cast<float>(total) : 1.0f,
                       ImVec2(ImGui::GetFontSize() * 8.0f, 0.0f));
    ImGui::SameLine();
    if (last) {
      const double eta = last->elapsed_s / static_cast<double>(last->step) * static_cast<double>(total - last->step);
      ImGui::Text("step %lld/%lld  loss %.4f  acc %.1f%%  %.0f tok/s  %s", static_cast<long long>(v.steps_done),
                  static_cast<long long>(total), last->loss, 100.0 * last->accuracy, last->tokens_per_s,
                  v.finished ? (v.status == train::TrainStatus::Failed ? "failed" : v.status == train::TrainStatus::Stopped ? "stopped" : "done")
                             : ("ETA " + duration_text(eta)).c_str());
    } else {
      ImGui::TextDisabled("%s", v.finished ? "no step" : "waiting for its first step");
    }
    if (!v.error.empty()) ImGui::TextColored(ImVec4(0.95f, 0.45f, 0.35f, 1.0f), "  %s", v.error.c_str());
    ImGui::PopID();
  }
  draw_message();
  std::vector<train::TrainingHistory> histories;
  for (const auto& v : views) histories.push_back(v.history);
  viz::draw_training_curves(histories, std::string("Training · ") + k_tasks[form_.task]);
}

void TrainWindow::draw(Workspace& workspace) {
  if (!open_) {
    if (runs_) runs_.reset();  // closed: stop the runs cleanly
    return;
  }
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowSize(ImVec2(viewport->WorkSize.x * 0.8f, viewport->WorkSize.y * 0.85f), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos(ImVec2(viewport->WorkPos.x + viewport->WorkSize.x * 0.1f, viewport->WorkPos.y + 30.0f),
                          ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowBgAlpha(1.0f);  // opaque: the dashboard under it would make the curves hard to read
  if (ImGui::Begin("Train", &open_, ImGuiWindowFlags_NoSavedSettings)) {
    draw_form();
    draw_controls();
    ImGui::Separator();
    draw_runs(workspace);
  }
  ImGui::End();
}

}  // namespace seqscope::app
