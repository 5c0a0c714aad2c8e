// `seqscope export --curves DIR[,DIR...] --png FILE` (docs/cli.md, docs/training.md "Curves"):
// the training curves of one or more folders written by `seqscope train` as one figure, drawn
// by the Train window's curves view (viz/panels/training_curves_panel.h) offscreen.
#pragma once
#include "app/cli.h"

namespace seqscope::app {

int run_curves_export(const Options& options);

}  // namespace seqscope::app
