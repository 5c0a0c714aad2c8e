// Lesson files (lessons.h): parsing, the merge of each step's partial session onto the base,
// validation of every field, and lookup by name.
#include "compute/lessons/lessons.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "compute/lessons/lesson_claims.h"
#include "compute/session/session_schema.h"
#include "embedded_assets.h"

namespace seqscope::compute {
namespace {

using nlohmann::json;

constexpr std::string_view k_folder = "lessons/";
const std::set<std::string> k_lesson_keys{"title", "session", "model", "steps", "claim"};
const std::set<std::string> k_step_keys{"text", "session", "model", "cursor", "channel", "head", "dynamics_tab", "cost_tab",
                                         "emphasize", "measure_sweep"};
const std::set<std::string> k_claim_keys{"text", "check", "steps", "checks", "evaluate", "samples"};
const std::set<std::string> k_evaluation_keys{"model", "trained_steps", "length", "tokens", "at_least", "at_most"};

void check_keys(const json& object, const std::set<std::string>& allowed, const std::string& where) {
  if (!object.is_object()) throw UserError(where + " must be a JSON object");
  for (const auto& item : object.items())
    if (!allowed.contains(item.key())) throw UserError(where + ": unknown key \"" + item.key() + "\"");
}

// The lesson's "model" with the step's merged on top (null or absent: the step's session).
LessonModels parse_models(const json& base, const json& step_json, const std::string& where) {
  json merged = base.is_null() ? json::object() : base;
  if (step_json.contains("model")) merged.merge_patch(step_json.at("model"));
  return shown_models_from_json(merged, where + " model");
}

LessonStep parse_step(const json& base, const json& base_model, const json& step_json, const std::string& where) {
  check_keys(step_json, k_step_keys, where);
  LessonStep step;
  step.text = step_json.at("text").get<std::string>();
  if (step.text.empty()) throw UserError(where + ": empty text");
  step.models = parse_models(base_model, step_json, where);
  json merged = base;
  if (step_json.contains("session")) merged.merge_patch(step_json.at("session"));
  // A model step's cursor indexes its model's sample (test_lessons checks it), not the session.
  if (step_json.contains("cursor") && !step.models.shown()) merged["cursor"] = step_json.at("cursor");
  try {
    step.session = session_from_json(merged);
    validate_session(step.session);
  } catch (const UserError& e) {
    throw UserError(where + ": " + e.what());
  }
  if (step.models.shown()) step.session.cursor = non_negative_field(step_json, "cursor", where);
  step.channel = step_json.value("channel", 0);
  step.head = step_json.value("head", 0);
  if (step.channel < 0 || step.channel >= step.session.d_model)
    throw UserError(where + ": channel " + std::to_string(step.channel) + " is not in 0..d_model-1");
  if (step.head < 0 || step.head >= step.session.attention.heads)
    throw UserError(where + ": head " + std::to_string(step.head) + " is not in 0..heads-1");
  step.dynamics_tab = step_json.value("dynamics_tab", std::string());
  if (!step.dynamics_tab.empty() && !schema::enum_from_name<DynamicsTab>(step.dynamics_tab)) throw UserError(where + ": unknown dynamics_tab \"" + step.dynamics_tab + "\"");
  step.cost_tab = step_json.value("cost_tab", std::string());
  if (!step.cost_tab.empty() && !schema::enum_from_name<CostTab>(step.cost_tab))
    throw UserError(where + ": unknown cost_tab \"" + step.cost_tab + "\" (scaling, memory or timings)");
  step.emphasize = step_json.value("emphasize", std::vector<std::string>{});
  if (step_json.contains("measure_sweep") && !step_json.at("measure_sweep").is_boolean())
    throw UserError(where + ": measure_sweep must be true or false");
  step.measure_sweep = step_json.value("measure_sweep", false);
  return step;
}

double fraction(const json& object, const char* key, double fallback, const std::string& where) {
  const json& value = object.value(key, json(fallback));
  if (!value.is_number() || value.get<double>() < 0.0 || value.get<double>() > 1.0)
    throw UserError(where + ": \"" + key + "\" must be an accuracy in [0, 1]");
  return value.get<double>();
}

LessonEvaluation parse_evaluation(const json& e, const std::string& where) {
  check_keys(e, k_evaluation_keys, where);
  LessonEvaluation evaluation;
  if (!e.contains("model") || !e.at("model").is_string()) throw UserError(where + ": \"model\" must name a model");
  evaluation.model = e.at("model").get<std::string>();
  evaluation.length = non_negative_field(e, "length", where);
  evaluation.tokens = non_negative_field(e, "tokens", where);
  if (e.contains("trained_steps")) evaluation.trained_steps = non_negative_field(e, "trained_steps", where);
  evaluation.at_least = fraction(e, "at_least", 0.0, where);
  evaluation.at_most = fraction(e, "at_most", 1.0, where);
  if (evaluation.at_least > evaluation.at_most) throw UserError(where + ": at_least is above at_most");
  return evaluation;
}

ClaimCheckAt parse_check(const json& check_json, int step_count, const std::string& where) {
  ClaimCheckAt at;
  at.check = check_json.value("check", std::string());
  at.steps = check_json.value("steps", std::vector<int>{});
  if (!claim_check_exists(at.check)) throw UserError(where + ": unknown check \"" + at.check + "\"");
  if (at.steps.empty()) throw UserError(where + ": names no step");
  for (int s : at.steps)
    if (s < 0 || s >= step_count) throw UserError(where + ": step " + std::to_string(s) + " does not exist");
  return at;
}

LessonClaim parse_claim(const json& claim_json, int step_count, const std::string& where) {
  check_keys(claim_json, k_claim_keys, where);
  LessonClaim claim;
  claim.text = claim_json.at("text").get<std::string>();
  if (claim_json.contains("check")) claim.checks.push_back(parse_check(claim_json, step_count, where));
  const json checks = claim_json.value("checks", json::array());
  if (!checks.is_array()) throw UserError(where + ": \"checks\" must be an array");
  for (const json& check : checks) {
    check_keys(check, {"check", "steps"}, where + " checks");
    claim.checks.push_back(parse_check(check, step_count, where));
  }
  const json evaluations = claim_json.value("evaluate", json::array());
  if (!evaluations.is_array()) throw UserError(where + ": \"evaluate\" must be an array");
  for (size_t i = 0; i < evaluations.size(); ++i)
    claim.evaluations.push_back(parse_evaluation(evaluations[i], where + " evaluation " + std::to_string(i + 1)));
  claim.samples = claim_json.value("samples", 256);
  if (claim.samples < 1 || claim.samples > 4096) throw UserError(where + ": samples must be in 1..4096");
  if (claim.checks.empty() && claim.evaluations.empty())
    throw UserError(where + ": names neither a check nor an evaluation");
  return claim;
}

}  // namespace

std::vector<std::string> LessonClaim::checks_at(int step) const {
  std::vector<std::string> names;
  for (const ClaimCheckAt& at : checks)
    if (std::find(at.steps.begin(), at.steps.end(), step) != at.steps.end()) names.push_back(at.check);
  return names;
}

std::vector<int> LessonClaim::checked_steps() const {
  std::set<int> steps;
  for (const ClaimCheckAt& at : checks) steps.insert(at.steps.begin(), at.steps.end());
  return {steps.begin(), steps.end()};
}

Lesson parse_lesson(const std::string& name, std::string_view json_text) {
  const std::string where = "lesson " + name;
  try {
    const json root = json::parse(json_text);
    check_keys(root, k_lesson_keys, where);
    Lesson lesson;
    lesson.name = name;
    lesson.title = root.at("title").get<std::string>();
    const json base = root.value("session", json::object());
    const json base_model = root.value("model", json::object());
    const json& steps = root.at("steps");
    if (!steps.is_array() || steps.empty()) throw UserError(where + ": \"steps\" must be a non-empty array");
    for (size_t i = 0; i < steps.size(); ++i)
      lesson.steps.push_back(parse_step(base, base_model, steps[i], where + " step " + std::to_string(i + 1)));
    lesson.claim = parse_claim(root.at("claim"), static_cast<int>(lesson.steps.size()), where + " claim");
    return lesson;
  } catch (const UserError& e) {
    const std::string what = e.what();
    throw UserError(what.rfind(where, 0) == 0 ? what : where + ": " + what);
  } catch (const json::exception& e) {
    throw UserError(where + ": " + e.what());
  }
}

std::vector<Lesson> load_lessons() {
  std::vector<Lesson> lessons;
  for (const assets::Asset& asset : assets::all()) {
    if (asset.path.substr(0, k_folder.size()) != k_folder) continue;
    const std::string path(asset.path);
    lessons.push_back(parse_lesson(path.substr(k_folder.size(), path.size() - k_folder.size() - 5), asset.content));
  }
  return lessons;
}

Lesson find_lesson(const std::string& name) {
  std::vector<Lesson> lessons = load_lessons();
  std::string names;
  for (Lesson& lesson : lessons) {
    // "06_fixed_state" is also found as "fixed_state" and "6".
    const size_t underscore = lesson.name.find('_');
    const std::string stem = underscore == std::string::npos ? lesson.name : lesson.name.substr(underscore + 1);
    const std::string number = lesson.name.substr(0, underscore);
    if (name == lesson.name || name == stem || (!number.empty() && std::to_string(std::atoi(number.c_str())) == name))
      return std::move(lesson);
    names += (names.empty() ? "" : ", ") + lesson.name;
  }
  throw UserError("unknown lesson '" + name + "' (known: " + names + ")");
}

}  // namespace seqscope::compute
