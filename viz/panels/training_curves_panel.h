// Training curves of one or more runs side by side: the Train window's live view and
// `seqscope export --curves DIR,... --png FILE` (docs/training.md, "Curves"). Loss and accuracy
// against the step, each an exponential moving average over about 2 % of the longest run (the
// raw per-batch values are too noisy to compare runs by), the last evaluation's accuracy
// against sequence length, and a table of each run's final numbers.
#pragma once
#include <imgui.h>

#include <span>
#include <string>

#include "compute/train/history.h"

namespace seqscope::viz {

// The smoothing window the curves use for a run of `steps` steps (>= 1).
int curve_smoothing_window(size_t steps);

// Draws the curves of `runs` (series colours in run order) into a region of `size` (0: the
// remaining content region). `title` goes above them (e.g. "selective_copy").
void draw_training_curves(std::span<const compute::train::TrainingHistory> runs, const std::string& title,
                          ImVec2 size = ImVec2(0, 0));

}  // namespace seqscope::viz
