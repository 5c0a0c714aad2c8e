// What a lesson step shows, for tests: its session through the Eigen backend, or its trained
// models on their task's sample as --model / --model2 / --sample / --layer open them, with
// "zoo:NAME" read from the source tree's assets/zoo (SEQSCOPE_ZOO_DIR, set by tests/CMakeLists.txt).
#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include "compute/backend/eigen_backend.h"
#include "compute/checkpoint/adapter.h"
#include "compute/lessons/lesson_evals.h"
#include "compute/lessons/lessons.h"
#include "compute/session/inputs.h"
#include "compute/session/tasks.h"

namespace seqscope::testing {

inline std::filesystem::path zoo_path(const std::string& name) {
  if (name.rfind("zoo:", 0) == 0) return std::filesystem::path(SEQSCOPE_ZOO_DIR) / name.substr(4);
  return name;
}

// Where tests write models retrained to a lesson step's trained_steps.
inline std::filesystem::path lesson_scratch() {
  return std::filesystem::temp_directory_path() / "seqscope-test-lessons";
}

inline compute::Results lesson_step_results(const compute::LessonStep& step) {
  namespace ckpt = compute::checkpoint;
  if (!step.models.shown()) return compute::run_eigen(step.session, compute::make_inputs(step.session));
  const auto primary = ckpt::LoadedModel::open(
      compute::lesson_model_folder(step.models.model, step.models.trained_steps, zoo_path, lesson_scratch()));
  std::unique_ptr<ckpt::LoadedModel> secondary;
  if (!step.models.model2.empty())
    secondary = std::make_unique<ckpt::LoadedModel>(ckpt::LoadedModel::open(zoo_path(step.models.model2)));
  const compute::TaskSpec spec = primary.model->trained_task().value();
  return ckpt::view_task_models(primary, secondary.get(), compute::make_task_sample(spec, step.models.sample), spec,
                                step.models.layer, step.models.layer2)
      .results;
}

}  // namespace seqscope::testing
