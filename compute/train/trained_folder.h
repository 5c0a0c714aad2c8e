// Writing a training run into a model folder (docs/cli.md, "train"; docs/training.md, "The
// folder"): the weights with the task and training settings in config.json's "settings",
// train_log.jsonl and eval.json, each file atomically. `seqscope train` and the Train window
// both save through here, so their folders are the same.
#pragma once
#include <filesystem>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compute/train/trainer.h"

namespace seqscope::compute::train {

// config.json's "settings": the task (task_to_json), how it was trained, and with a result its
// steps_done and status ("finished", "stopped", "failed").
nlohmann::json settings_to_json(const TrainSettings& settings, const TrainResult* result);

// The refusal save_model_folder makes, before any training so that a bad folder costs nothing:
// UserError when dir exists and is a file, or a non-empty folder that is not a seqscope model.
void check_out_folder(const std::filesystem::path& dir);

// train_log.jsonl's text: one to_json(StepRecord) per line, for every `every`-th step and the
// last one (every 1: all).
std::string log_text(const std::vector<StepRecord>& log, int64_t every = 1);

// result.params (with the settings) -> dir/config.json + model.safetensors, result.log ->
// train_log.jsonl, the last of result.evals -> eval.json (an older eval.json is removed when
// there is none: it would not describe these weights). UserError on a folder it may not write.
void save_trained_folder(const std::filesystem::path& dir, const TrainSettings& settings, const TrainResult& result);

// Read back from a folder's config.json "settings": the task it was trained on (nullopt when
// the settings name none, e.g. a hand-made folder) and the training seed (0 when absent), whose
// train_eval_seed() draws the evaluation set its eval.json was measured on.
std::optional<TaskSpec> trained_task(const Parameters<float>& params);
uint64_t trained_seed(const Parameters<float>& params);
// The whole recipe (task, steps, batch, lr, warmup, decay, clip, seed, evaluation); UserError
// naming what is missing when the settings do not hold one (a folder not made by seqscope train).
TrainSettings trained_settings(const Parameters<float>& params);

// The same run again from the folder's recipe, stopped after `steps` steps (0: the initialised
// model): the weights the original run had at that step (same seed, batches and schedule, which
// still decays towards the recipe's own step count). No evaluation. Saved to `out` like any run.
void save_retrained_folder(const Parameters<float>& params, int64_t steps, const std::filesystem::path& out);

}  // namespace seqscope::compute::train
