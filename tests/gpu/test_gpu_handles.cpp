// Vulkan objects are owned by RAII handles, so a constructor that throws halfway releases what
// it already created. The test builds the object on a private context with the validation
// layer on (SEQSCOPE_VALIDATION=1, as ctest runs it) and then destroys that context: a leaked
// child object makes vkDestroyDevice report "has not been destroyed", which the ctest
// FAIL_REGULAR_EXPRESSION ("[vulkan-validation]") turns into a failure.
#include <gtest/gtest.h>

#include "compute/vulkan/compute_pipeline.h"
#include "gpu/check.h"
#include "gpu/context.h"

namespace seqscope {
namespace {

std::unique_ptr<gpu::Context> private_context() {
  auto result = gpu::Context::create(gpu::options_from_environment({}));
  EXPECT_NE(result.context, nullptr) << result.status.message();
  return std::move(result.context);
}

TEST(GpuHandles, PipelineWhoseShaderIsMissingLeaksNothing) {
  auto context = private_context();
  ASSERT_TRUE(context);
  // The set layout and pipeline layout exist before the shader lookup throws.
  EXPECT_THROW(vk::ComputePipeline(*context, "no_such_kernel.comp", 2, {64}), gpu::VulkanError);
  EXPECT_EQ(context->validation_messages(), 0u);
  context.reset();  // vkDestroyDevice: the validation layer names any object still alive
}

}  // namespace
}  // namespace seqscope
