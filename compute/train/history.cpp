// Reading a trained folder's records back (history.h).
#include "compute/train/history.h"

#include <fstream>
#include <sstream>

#include "compute/model/folder.h"
#include "core/types.h"

namespace seqscope::compute::train {
namespace {

double number(const nlohmann::json& j, const char* key, const std::string& label) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number())
    throw UserError(label + ": no number '" + key + "'");
  return j[key].get<double>();
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(path.string() + ": cannot read (not a folder written by seqscope train?)");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json parse(const std::string& text, const std::string& label) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) throw UserError(label + ": not valid JSON");
  return j;
}

}  // namespace

StepRecord step_record_from_json(const nlohmann::json& j, const std::string& label) {
  StepRecord r;
  r.step = static_cast<int64_t>(number(j, "step", label));
  r.loss = number(j, "loss", label);
  r.accuracy = number(j, "accuracy", label);
  r.lr = number(j, "lr", label);
  r.grad_norm = j.contains("grad_norm") ? number(j, "grad_norm", label) : 0.0;
  r.tokens_per_s = number(j, "tokens_per_s", label);
  r.elapsed_s = number(j, "elapsed_s", label);
  return r;
}

EvalRecord eval_record_from_json(const nlohmann::json& j, const std::string& label) {
  EvalRecord r;
  r.step = static_cast<int64_t>(number(j, "step", label));
  if (!j.contains("lengths") || !j["lengths"].is_array()) throw UserError(label + ": no array 'lengths'");
  for (const nlohmann::json& p : j["lengths"]) {
    EvalPoint point;
    point.length = static_cast<int>(number(p, "length", label));
    point.samples = static_cast<int>(number(p, "samples", label));
    point.targets = static_cast<int64_t>(number(p, "targets", label));
    point.loss = number(p, "loss", label);
    point.accuracy = number(p, "accuracy", label);
    point.sequence_accuracy = number(p, "sequence_accuracy", label);
    r.points.push_back(point);
  }
  return r;
}

TrainingHistory read_training_history(const std::filesystem::path& dir) {
  TrainingHistory h;
  const model::ModelConfig config = model::read_model_config(dir);
  h.name = (dir.has_filename() ? dir : dir.parent_path()).filename().string();
  h.pattern = config.pattern;
  if (config.settings.contains("task") && config.settings["task"].is_object())
    h.task = config.settings["task"].value("task", std::string());
  const std::filesystem::path log = dir / "train_log.jsonl";
  std::istringstream lines(read_text(log));
  int number_of_line = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number_of_line;
    if (line.empty()) continue;
    const std::string label = log.string() + " line " + std::to_string(number_of_line);
    h.steps.push_back(step_record_from_json(parse(line, label), label));
  }
  const std::filesystem::path eval = dir / "eval.json";
  if (std::filesystem::exists(eval)) h.final_eval = eval_record_from_json(parse(read_text(eval), eval.string()), eval.string());
  return h;
}

std::vector<float> smoothed(const std::vector<float>& values, int window) {
  std::vector<float> out(values.size());
  const double alpha = 2.0 / (std::max(1, window) + 1.0);
  double ema = values.empty() ? 0.0 : values.front();
  for (size_t i = 0; i < values.size(); ++i) {
    ema = i == 0 ? values[i] : alpha * values[i] + (1.0 - alpha) * ema;
    out[i] = static_cast<float>(ema);
  }
  return out;
}

}  // namespace seqscope::compute::train
