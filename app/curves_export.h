// `seqscope export --curves DIR[,DIR...] --png FILE` (docs/cli.md, docs/training.md "Curves"):
// the training curves of one or more folders written by `seqscope train` as one figure, drawn
// by the Train window's curves view (viz/panels/training_curves_panel.h) offscreen.
#pragma once
#include <span>
#include <string>

#include "app/cli.h"
#include "compute/train/history.h"
#include "gpu/context.h"
#include "viz/render/image_export.h"

namespace seqscope::app {

int run_curves_export(const Options& options);

// The curves figure of `runs` (width x height at `scale`: 1, 2 or 4), drawn offscreen in an
// ImGui context of its own: the caller's context (the window's) is current again on return.
viz::Image render_training_curves(gpu::Context& context, std::span<const compute::train::TrainingHistory> runs,
                                  const std::string& title, uint32_t width, uint32_t height, int scale);

// "Training · selective_copy", or "Training · copy, mqar" when the runs trained on different tasks.
std::string curves_title(std::span<const compute::train::TrainingHistory> runs);

}  // namespace seqscope::app
