// `seqscope export --model DIR --tokens IDS --targets IDS --grads OUT` (issue 17, docs/cli.md):
// the loss of a seqscope model folder on one sequence and d loss / d every parameter, for
// gradient saliency and for checking seqscope against another framework. OUT gets
//   loss.npy       [1] float32: the mean cross-entropy over the targeted positions
//   NAME.npy       d loss / d parameter, float32, with the safetensors name and shape
//   manifest.json  the model, tokens, targets, loss and the tensors ({name, shape, dtype})
// Targets are comma-separated ids, -1 meaning no loss at that position.
#pragma once
#include "app/cli.h"

namespace seqscope::app {

int run_grads_export(const Options& options);

}  // namespace seqscope::app
