// Vulkan context: device listing and choice, and readable errors for a bad device index.
#include <gtest/gtest.h>

#include "embedded_shaders.h"
#include "gpu/context.h"
#include "tests/support/vk_test_context.h"

namespace seqscope {
namespace {

TEST(Context, ListsAtLeastOneDeviceWithAName) {
  const gpu::DeviceList list = gpu::list_devices();
  ASSERT_TRUE(list.status.ok()) << list.status.message();
  ASSERT_FALSE(list.devices.empty());
  for (const auto& device : list.devices) {
    EXPECT_FALSE(device.name.empty());
    EXPECT_GE(VK_API_VERSION_MINOR(device.api_version) + 10 * VK_API_VERSION_MAJOR(device.api_version), 12u);
  }
}

TEST(Context, ChoosesAUsableDeviceWithTimestamps) {
  gpu::Context& context = testing::test_context();
  EXPECT_NE(context.device(), VK_NULL_HANDLE);
  EXPECT_NE(context.queue(), VK_NULL_HANDLE);
  EXPECT_TRUE(context.has_timestamps());
  EXPECT_GT(context.timestamp_period_ns(), 0.0f);
}

TEST(Context, PrefersDiscreteOverCpu) {
  // The automatic choice has the highest rank among the listed devices.
  gpu::Context& context = testing::test_context();
  auto rank = [](VkPhysicalDeviceType type) {
    switch (type) {
      case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 4;
      case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 3;
      case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
      case VK_PHYSICAL_DEVICE_TYPE_CPU: return 1;
      default: return 0;
    }
  };
  if (std::getenv("SEQSCOPE_DEVICE")) GTEST_SKIP() << "SEQSCOPE_DEVICE overrides the choice";
  for (const auto& device : context.devices()) EXPECT_LE(rank(device.type), rank(context.device_info().type));
}

TEST(Context, BadDeviceIndexIsAReadableError) {
  gpu::ContextOptions options;
  options.device_index = 999;
  const auto result = gpu::Context::create(options);
  ASSERT_EQ(result.context, nullptr);
  EXPECT_NE(result.status.reason.find("no Vulkan device with index 999"), std::string::npos) << result.status.reason;
}

TEST(Context, DeviceTypeNames) {
  EXPECT_STREQ(gpu::device_type_name(VK_PHYSICAL_DEVICE_TYPE_CPU), "cpu");
  EXPECT_STREQ(gpu::device_type_name(VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU), "discrete");
  EXPECT_EQ(gpu::api_version_string(VK_MAKE_API_VERSION(0, 1, 3, 230)), "1.3.230");
}

TEST(EmbeddedShaders, HeatmapShadersAreSpirv) {
  for (const char* name : {"heatmap.vert", "heatmap.frag"}) {
    const auto words = shaders::spirv(name);
    ASSERT_GT(words.size(), 5u) << name;
    EXPECT_EQ(words[0], 0x07230203u) << name;  // SPIR-V magic number
  }
  EXPECT_TRUE(shaders::spirv("no_such_shader.comp").empty());
}

}  // namespace
}  // namespace seqscope
