#include "tests/support/vk_test_context.h"

#include <cstdio>
#include <memory>

namespace seqscope::testing {
namespace {
// Never destroyed on purpose: destroying the instance unloads the driver, and LeakSanitizer
// can then no longer name (and suppress, see tests/lsan.supp) the driver's own leaks.
std::unique_ptr<gpu::Context>& holder() {
  static auto* context = new std::unique_ptr<gpu::Context>();
  return *context;
}
}  // namespace

gpu::Context& test_context() {
  auto& context = holder();
  if (!context) {
    auto result = gpu::Context::create(gpu::options_from_environment({}));
    if (!result.context) {
      std::fprintf(stderr, "cannot create a Vulkan context: %s\n", result.status.message().c_str());
      std::abort();  // a test binary without Vulkan cannot test anything
    }
    context = std::move(result.context);
  }
  return *context;
}

void ValidationEnvironment::TearDown() {
  if (holder()) {
    EXPECT_EQ(holder()->validation_messages(), 0u) << "the Vulkan validation layer reported messages";
  }
}

// Registered for every test binary that links this file.
const auto* const k_environment = ::testing::AddGlobalTestEnvironment(new ValidationEnvironment);

}  // namespace seqscope::testing
