// Lesson claims about trained models' accuracy (lesson_evals.h).
#include "compute/lessons/lesson_evals.h"

#include <cstdio>

#include "compute/checkpoint/seqscope_folder.h"
#include "compute/session/tasks.h"
#include "compute/train/trained_folder.h"
#include "compute/train/trainer.h"

namespace seqscope::compute {
namespace {

// "zoo:copy-attn" -> "copy-attn"; a folder -> its name.
std::string short_name(const std::string& model) {
  if (model.rfind("zoo:", 0) == 0) return model.substr(4);
  return std::filesystem::path(model).filename().string();
}

std::string percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", 100.0 * fraction);
  return text;
}

// The bounds as the claim states them: "≥ 95%", "≤ 30%", "in 40%..60%".
std::string bounds(const LessonEvaluation& e) {
  if (e.at_least > 0.0 && e.at_most < 1.0) return "in " + percent(e.at_least) + ".." + percent(e.at_most);
  if (e.at_most < 1.0) return "≤ " + percent(e.at_most);
  return "≥ " + percent(e.at_least);
}

}  // namespace

std::filesystem::path lesson_model_folder(const std::string& name, int trained_steps, const ModelResolver& resolve,
                                          const std::filesystem::path& scratch) {
  const std::filesystem::path shipped = resolve(name);
  if (trained_steps < 0) return shipped;
  const std::filesystem::path out = scratch / (short_name(name) + "-step-" + std::to_string(trained_steps));
  if (std::filesystem::exists(out / "model.safetensors")) return out;
  std::filesystem::create_directories(scratch);
  train::save_retrained_folder(checkpoint::load_model_folder(shipped), trained_steps, out);
  return out;
}

std::vector<EvaluationResult> evaluate_claim_models(const LessonClaim& claim, const ModelResolver& resolve,
                                                    const std::filesystem::path& scratch, int threads) {
  std::vector<EvaluationResult> results;
  for (const LessonEvaluation& e : claim.evaluations) {
    const model::Parameters<float> params =
        checkpoint::load_model_folder(lesson_model_folder(e.model, e.trained_steps, resolve, scratch));
    std::optional<TaskSpec> task = train::trained_task(params);
    if (!task) throw UserError(e.model + ": its settings name no task (not made by seqscope train)");
    if (e.tokens > 0) task->num_tokens = e.tokens;
    const int length = e.length > 0 ? e.length : task->length;
    TaskSpec at = *task;
    at.length = length;
    if (const std::string problem = task_problem(at); !problem.empty()) throw UserError(e.model + ": " + problem);
    const train::EvalRecord record = train::evaluate(params, *task, std::vector<int>{length}, claim.samples,
                                                     train::train_eval_seed(train::trained_seed(params)), threads);
    EvaluationResult result{e, record.points.front().accuracy, false};
    result.evaluation.length = length;
    result.passed = result.accuracy >= e.at_least && result.accuracy <= e.at_most;
    results.push_back(result);
  }
  return results;
}

ClaimResult evaluations_claim(const std::vector<EvaluationResult>& results) {
  ClaimResult claim{true, ""};
  for (const EvaluationResult& r : results) {
    claim.passed = claim.passed && r.passed;
    std::string line = short_name(r.evaluation.model);
    if (r.evaluation.trained_steps >= 0) line += " at step " + std::to_string(r.evaluation.trained_steps);
    line += ", L " + std::to_string(r.evaluation.length);
    if (r.evaluation.tokens > 0) line += ", " + std::to_string(r.evaluation.tokens) + " tokens";
    line += ": " + percent(r.accuracy) + " (" + bounds(r.evaluation) + (r.passed ? ")" : ", does NOT hold)");
    claim.detail += (claim.detail.empty() ? "" : " · ") + line;
  }
  return claim;
}

}  // namespace seqscope::compute
