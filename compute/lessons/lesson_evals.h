// The accuracies a lesson's claim asserts about trained models (lessons.h, LessonEvaluation):
// each model is read from its folder and evaluated on fresh samples of its task, the set its
// training evaluated on (train_eval_seed of its seed), at the claim's length and token count.
// The Lesson panel runs this when a lesson with evaluations opens; test_lessons requires it to
// pass on the zoo.
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "compute/lessons/lesson_claims.h"
#include "compute/lessons/lessons.h"

namespace seqscope::compute {

// "zoo:NAME" (or a folder) -> the folder to read; the app's resolves zoo names.
using ModelResolver = std::function<std::filesystem::path(const std::string&)>;

struct EvaluationResult {
  LessonEvaluation evaluation;
  double accuracy = 0.0;  // token accuracy over the targeted positions
  bool passed = false;
};

// The folder a lesson's model opens: `name` resolved, or with trained_steps >= 0 that model
// retrained from its recipe up to that step (train::save_retrained_folder), written once into
// scratch / "NAME-step-N" and reused after.
std::filesystem::path lesson_model_folder(const std::string& name, int trained_steps, const ModelResolver& resolve,
                                          const std::filesystem::path& scratch);

// Evaluates every entry of claim.evaluations (claim.samples samples each; threads 0 = all the
// pool's workers; retrained models go to scratch). UserError names a model folder or task size
// that does not work.
std::vector<EvaluationResult> evaluate_claim_models(const LessonClaim& claim, const ModelResolver& resolve,
                                                    const std::filesystem::path& scratch, int threads = 0);
// The results as one claim: passed when all passed; detail "copy-attn, L 40: 100.0% (≥ 95%) · ...".
ClaimResult evaluations_claim(const std::vector<EvaluationResult>& results);

}  // namespace seqscope::compute
