// One Vulkan context per test binary (lavapipe in CI), with the validation layer when
// SEQSCOPE_VALIDATION=1 (as scripts/test.sh sets it); the environment's TearDown fails the run
// if the layer reported anything.
#pragma once
#include <gtest/gtest.h>

#include "gpu/context.h"

namespace seqscope::testing {

gpu::Context& test_context();

class ValidationEnvironment : public ::testing::Environment {
 public:
  void TearDown() override;
};

}  // namespace seqscope::testing
