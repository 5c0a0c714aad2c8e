// Writing a training run into a model folder (trained_folder.h).
#include "compute/train/trained_folder.h"

#include "compute/model/folder.h"
#include "compute/session/tasks.h"
#include "core/atomic_file.h"
#include "core/types.h"

namespace seqscope::compute::train {

namespace fs = std::filesystem;

nlohmann::json settings_to_json(const TrainSettings& s, const TrainResult* result) {
  nlohmann::json j;
  j["task"] = task_to_json(s.task);
  j["train"] = {{"steps", s.steps},
                {"batch", s.batch},
                {"lr", s.lr},
                {"warmup", s.warmup},
                {"weight_decay", s.weight_decay},
                {"grad_clip", s.grad_clip},
                {"seed", s.seed},
                {"eval_every", s.eval_every},
                {"eval_lengths", s.eval_lengths.empty() ? std::vector<int>{s.task.length} : s.eval_lengths},
                {"eval_samples", s.eval_samples},
                {"log_every", s.log_every}};
  if (result) {
    j["steps_done"] = result->steps_done;
    j["status"] = result->status == TrainStatus::Finished  ? "finished"
                  : result->status == TrainStatus::Stopped ? "stopped"
                                                           : "failed";
  }
  return j;
}

void check_out_folder(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  if (!fs::is_directory(dir, ec))
    throw UserError(dir.string() + ": exists and is not a folder; refusing to overwrite it");
  if (!fs::is_empty(dir, ec) && !model::is_seqscope_folder(dir))
    throw UserError(dir.string() + ": exists and is not a seqscope model folder (no config.json with " +
                    "\"model_type\": \"seqscope\"); refusing to overwrite it");
}

std::string log_text(const std::vector<StepRecord>& log, int64_t every) {
  std::string text;
  for (size_t i = 0; i < log.size(); ++i)
    if (log[i].step % std::max<int64_t>(every, 1) == 0 || i + 1 == log.size()) text += to_json(log[i]).dump() + "\n";
  return text;
}

void save_trained_folder(const fs::path& dir, const TrainSettings& settings, const TrainResult& result) {
  model::Parameters<float> params = result.params;
  params.config.settings = settings_to_json(settings, &result);
  model::save_model_folder(dir, params);
  write_file_atomic(dir / "train_log.jsonl", log_text(result.log, settings.log_every));
  std::error_code ec;
  if (!result.evals.empty())
    write_file_atomic(dir / "eval.json", to_json(result.evals.back()).dump(2) + "\n");
  else
    fs::remove(dir / "eval.json", ec);
}

std::optional<TaskSpec> trained_task(const Parameters<float>& params) {
  const nlohmann::json& settings = params.config.settings;
  if (!settings.is_object() || !settings.contains("task") || !settings["task"].is_object()) return std::nullopt;
  TaskSpec base;
  base.vocab = params.config.vocab_size;
  return task_from_json(settings["task"], base);
}

uint64_t trained_seed(const Parameters<float>& params) {
  const nlohmann::json& settings = params.config.settings;
  if (!settings.is_object()) return 0;
  return settings.value("train", nlohmann::json::object()).value("seed", uint64_t{0});
}

TrainSettings trained_settings(const Parameters<float>& params) {
  const std::optional<TaskSpec> task = trained_task(params);
  const nlohmann::json& settings = params.config.settings;
  if (!task || !settings.contains("train") || !settings["train"].is_object())
    throw UserError("the model's settings hold no training recipe (not made by seqscope train)");
  const nlohmann::json& how = settings["train"];
  TrainSettings s;
  s.task = *task;
  s.steps = how.value("steps", s.steps);
  s.batch = how.value("batch", s.batch);
  s.lr = how.value("lr", s.lr);
  s.warmup = how.value("warmup", s.warmup);
  s.weight_decay = how.value("weight_decay", s.weight_decay);
  s.grad_clip = how.value("grad_clip", s.grad_clip);
  s.seed = how.value("seed", s.seed);
  s.eval_every = how.value("eval_every", s.eval_every);
  s.eval_lengths = how.value("eval_lengths", s.eval_lengths);
  s.eval_samples = how.value("eval_samples", s.eval_samples);
  s.log_every = how.value("log_every", s.log_every);
  return s;
}

void save_retrained_folder(const Parameters<float>& params, int64_t steps, const fs::path& out) {
  TrainSettings settings = trained_settings(params);
  if (steps < 0 || steps > settings.steps)
    throw UserError("step " + std::to_string(steps) + " is not in 0.." + std::to_string(settings.steps) +
                    " of the model's recipe");
  settings.eval_samples = 0;
  int64_t done = 0;
  TrainCallbacks callbacks;
  callbacks.on_step = [&](const StepRecord&, const Parameters<float>&) { ++done; };
  callbacks.should_stop = [&] { return done >= steps; };
  TrainResult result = train(params.config, settings, callbacks);
  if (result.status == TrainStatus::Failed) throw UserError(result.error);
  save_trained_folder(out, settings, result);
}

}  // namespace seqscope::compute::train
