// A trained folder's records read back for plots: the Train window's curves and
// `seqscope export --curves` (docs/training.md, "Curves"). train_log.jsonl gives one StepRecord
// per step, eval.json the last evaluation, config.json the pattern and the task.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "compute/train/trainer.h"

namespace seqscope::compute::train {

struct TrainingHistory {
  std::string name;     // the folder's name, e.g. "sc_mm"
  std::string pattern;  // e.g. "MM"
  std::string task;     // settings.task.task, "" when the folder names none
  std::vector<StepRecord> steps;         // train_log.jsonl, in step order
  std::optional<EvalRecord> final_eval;  // eval.json, when the folder has one
};

// dir/config.json (required), dir/train_log.jsonl (required: a folder written with --steps 0
// has an empty one) and dir/eval.json (optional). A missing or malformed file, or a log line
// without its fields, is a UserError with one line naming the file (and the line).
TrainingHistory read_training_history(const std::filesystem::path& dir);

// The reverse of to_json: UserError (naming `label`) on a missing or non-numeric field.
StepRecord step_record_from_json(const nlohmann::json& j, const std::string& label);
EvalRecord eval_record_from_json(const nlohmann::json& j, const std::string& label);

// values smoothed by an exponential moving average whose window is `window` records
// (alpha = 2 / (window + 1)), started at the first value: what the curves draw.
std::vector<float> smoothed(const std::vector<float>& values, int window);

}  // namespace seqscope::compute::train
