// The model zoo (model_zoo.h).
#include "app/model_zoo.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "app/cli.h"
#include "compute/model/folder.h"
#include "compute/session/session_schema.h"
#include "compute/session/tasks.h"
#include "core/types.h"

namespace seqscope::app {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_prefix = "zoo:";

fs::path executable_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

const char* pattern_words(const std::string& pattern) {
  if (pattern.find_first_not_of('M') == std::string::npos) return "Mamba";
  if (pattern.find_first_not_of('S') == std::string::npos) return "time-invariant S4D";
  if (pattern.find_first_not_of("*-") == std::string::npos) return "attention";
  return "hybrid";
}

// "copy, K 16 · MM (Mamba, 1500 steps)": the task (with its token count where it has one), the
// pattern, and what tells apart models of one task and pattern: the state size, the steps.
std::string title_of(const std::string& name, const compute::model::ModelConfig& config) {
  std::string task = name;
  if (config.settings.contains("task"))
    if (const auto spec = compute::task_from_json(config.settings["task"])) {
      task = std::string(compute::schema::enum_name(spec->kind));
      const bool counts_tokens = spec->kind == compute::TaskKind::Copy || spec->kind == compute::TaskKind::SelectiveCopy ||
                                 spec->kind == compute::TaskKind::Mqar;
      if (counts_tokens) task += ", K " + std::to_string(spec->num_tokens);
    }
  std::replace(task.begin(), task.end(), '_', ' ');
  std::string title = task + " · " + config.pattern + " (" + pattern_words(config.pattern);
  if ((config.has_kind('M') || config.has_kind('S')) && config.d_state != 16)
    title += ", state " + std::to_string(config.d_state);
  if (config.settings.contains("steps_done") && config.settings["steps_done"].is_number_integer())
    title += ", " + std::to_string(config.settings["steps_done"].get<int64_t>()) + " steps";
  return title + ")";
}

}  // namespace

fs::path zoo_dir() {
  if (const char* env = std::getenv("SEQSCOPE_ZOO"); env && *env) return env;
  std::error_code ec;
#ifdef SEQSCOPE_SOURCE_ZOO_DIR
  if (fs::is_directory(SEQSCOPE_SOURCE_ZOO_DIR, ec)) return SEQSCOPE_SOURCE_ZOO_DIR;
#endif
  return executable_dir().parent_path() / "share" / "seqscope" / "zoo";
}

std::vector<ZooModel> zoo_models() {
  std::vector<ZooModel> models;
  std::error_code ec;
  const fs::path dir = zoo_dir();
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_directory() || !compute::model::is_seqscope_folder(entry.path())) continue;
    const std::string name = entry.path().filename().string();
    try {
      models.push_back({name, title_of(name, compute::model::read_model_config(entry.path())), entry.path()});
    } catch (const compute::UserError&) {
      // A damaged folder is left out of the menu; opening it by name says what is wrong.
    }
  }
  std::sort(models.begin(), models.end(), [](const ZooModel& a, const ZooModel& b) { return a.name < b.name; });
  return models;
}

std::string resolve_model_path(const std::string& spec) {
  if (spec.rfind(k_prefix, 0) != 0) return spec;
  const std::string name = spec.substr(std::char_traits<char>::length(k_prefix));
  std::string names;
  for (const ZooModel& model : zoo_models()) {
    if (model.name == name) return model.dir.string();
    names += (names.empty() ? "" : ", ") + model.name;
  }
  if (names.empty()) throw compute::UserError(spec + ": the model zoo is not at " + zoo_dir().string() + " (set SEQSCOPE_ZOO)");
  throw compute::UserError(spec + ": no such zoo model (" + names + ")");
}

void resolve_zoo_models(Options& options) {
  if (!options.model.empty()) options.model = resolve_model_path(options.model);
  if (!options.model2.empty()) options.model2 = resolve_model_path(options.model2);
  if (!options.eval.model.empty()) options.eval.model = resolve_model_path(options.eval.model);
}

}  // namespace seqscope::app
