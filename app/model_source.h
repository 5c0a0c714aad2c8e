// The app side of real checkpoints: the opened model folder(s), the text and the chosen layers.
// The Workspace asks it for Results instead of running the synthetic backend, and the small
// "Model" window (draw_model_window) edits the text and layer and lists the top-5 next tokens.
#pragma once
#include <memory>
#include <string>

#include "compute/checkpoint/adapter.h"

namespace seqscope::app {

class ModelSource {
 public:
  // Opens the folders (model2 may be empty); UserError on a bad folder.
  ModelSource(const std::string& model, const std::string& model2, std::string text, int layer);

  compute::Results compute();  // runs the model(s) on the current text; UserError on bad input
  const compute::checkpoint::ModelView& last() const { return last_; }
  // Draws the Model window; returns true when the text or a layer changed (recompute).
  bool draw_window();

 private:
  compute::checkpoint::LoadedModel primary_;
  std::unique_ptr<compute::checkpoint::LoadedModel> secondary_;
  std::string text_;
  int layer_ = 0, layer2_ = 0;
  compute::checkpoint::ModelView last_;
};

}  // namespace seqscope::app
