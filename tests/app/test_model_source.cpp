// ModelSource with trained task models (app/model_source.h): the zoo's selective-copying Mamba
// on a sample, a counterfactual edit that moves the answer, and undoing it.
#include <gtest/gtest.h>

#include <algorithm>

#include "app/model_source.h"
#include "app/model_zoo.h"
#include "compute/session/tasks.h"

namespace seqscope::app {
namespace {

TEST(ModelSourceTask, AnEditMovesTheAnswerAndTheModelFollows) {
  const std::string dir = resolve_model_path("zoo:selective_copy-MM");
  ModelSource source(dir, "", std::nullopt, 0, 0, 3);
  const compute::Results original = source.compute();
  const compute::Inputs& in = original.inputs;
  ASSERT_EQ(in.length(), 64);
  ASSERT_EQ(in.predicted.size(), 64u);
  // The trained Mamba answers every marker of this sample (100 % on its evaluation set).
  for (size_t t = 0; t < in.targets.size(); ++t) {
    if (in.targets[t] >= 0) {
      EXPECT_EQ(in.predicted[t], in.targets[t]) << "t = " << t;
    }
  }

  // Replace the first data symbol with another: the first marker's answer becomes that symbol.
  const auto first = std::find(in.roles.begin(), in.roles.end(), compute::TokenRole::Data) - in.roles.begin();
  const int old_symbol = in.tokens[static_cast<size_t>(first)];
  const int new_symbol = old_symbol == 10 ? 11 : 10;
  source.edit_token(static_cast<int>(first), new_symbol);
  const compute::Results edited = source.compute();
  const size_t marker = 64 - 4;
  EXPECT_EQ(edited.inputs.tokens[static_cast<size_t>(first)], new_symbol);
  EXPECT_EQ(edited.inputs.targets[marker], new_symbol);
  EXPECT_EQ(edited.inputs.predicted[marker], new_symbol) << "the selective Mamba copies the edited symbol";
  EXPECT_EQ(source.original_predictions()[marker], old_symbol);

  source.edit_token(static_cast<int>(first), old_symbol);  // back: no edit left
  EXPECT_EQ(source.compute().inputs.tokens, in.tokens);
  EXPECT_THROW(source.edit_token(64, 4), compute::UserError);
  EXPECT_THROW(source.edit_token(0, 16), compute::UserError);
}

TEST(ModelSourceTask, ResettingTheStateBeforeTheMarkersLosesTheAnswers) {
  ModelSource source(resolve_model_path("zoo:selective_copy-MM"), "", std::nullopt, 0, 0, 3);
  const compute::Results original = source.compute();
  const size_t span = 64 - 4;  // the 4 markers are the last steps
  // Both layers forget everything read before the markers: no answer can survive.
  int lost = 0;
  for (const int layer : {0, 1}) {
    source.reset_state(layer, static_cast<int>(span) - 1);
    const compute::Results reset = source.compute();
    for (size_t t = span; t < 64; ++t) lost += reset.inputs.predicted[t] != original.inputs.predicted[t];
  }
  EXPECT_GE(lost, 4) << "a reset right before the markers changed almost no answer";
  // A reset at the last step cannot change anything before it.
  source.reset_state(0, 63);
  const compute::Results late = source.compute();
  for (size_t t = 0; t < 63; ++t) EXPECT_EQ(late.inputs.predicted[t], original.inputs.predicted[t]) << t;
  source.reset_state(-1, -1);
  EXPECT_EQ(source.compute().inputs.predicted, original.inputs.predicted);
}

}  // namespace
}  // namespace seqscope::app
