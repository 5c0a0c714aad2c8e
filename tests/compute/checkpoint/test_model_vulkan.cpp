// Real-model layers on the Vulkan backend (compute/vulkan/model_kernels.h: every layer's selective scan
// and attention heads on its compute shaders) against the CPU forward pass, on tiny generated
// checkpoints of both architectures: the logits and the shown layer's tensors. Validation on.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "app/model_source.h"
#include "app/workspace.h"
#include "compute/checkpoint/model.h"
#include "compute/vulkan/model_kernels.h"
#include "tests/compute/checkpoint/checkpoint_folders.h"
#include "tests/compute/vulkan/parity_util.h"

namespace seqscope {
namespace {

namespace ckpt = compute::checkpoint;
using parity::expect_close;
using parity::expect_close_matrix;

struct Runs {
  ckpt::ModelRun cpu, vulkan;
};

Runs run_both(const std::filesystem::path& dir, int layer) {
  const auto model = ckpt::Model::open(dir);
  std::vector<int> tokens;
  for (int i = 0; i < 29; ++i) tokens.push_back((i * 37 + 11) % model->vocab_size());
  ckpt::RunOptions options;
  options.layer = layer;
  Runs runs;
  runs.cpu = model->run(tokens, options);
  // The parity backend lives as long as the test context: the kernels share it without owning it.
  const std::shared_ptr<vk::VulkanBackend> shared(&parity::vulkan_backend(), [](vk::VulkanBackend*) {});
  const vk::VulkanModelKernels kernels(shared);
  options.kernels = &kernels;
  runs.vulkan = model->run(tokens, options);
  return runs;
}

TEST(ModelOnVulkan, MambaLayersMatchTheCpu) {
  const auto dir = testing::make_folder("make_mamba_at");
  for (int layer : {0, 1}) {
    const Runs runs = run_both(dir, layer);
    SCOPED_TRACE("layer " + std::to_string(layer));
    expect_close_matrix("model.mamba.logits", runs.vulkan.logits, runs.cpu.logits);
    const compute::SsmResults &v = runs.vulkan.ssm, &c = runs.cpu.ssm;
    expect_close_matrix("model.mamba.y_gated", v.y_gated, c.y_gated);
    expect_close("model.mamba.h", v.h, c.h);
    expect_close("model.mamba.Abar", v.Abar, c.Abar);
    expect_close("model.mamba.alpha", v.hidden_attention, c.hidden_attention);
    EXPECT_EQ(v.hidden_attention_channels, c.hidden_attention_channels);
    EXPECT_NEAR(v.max_abs_eig_discrete, c.max_abs_eig_discrete, 1e-6);
  }
  std::filesystem::remove_all(dir);
}

TEST(ModelOnVulkan, Gpt2HeadsMatchTheCpu) {
  const auto dir = testing::make_folder("make_gpt2_at");
  for (int layer : {0, 1}) {
    const Runs runs = run_both(dir, layer);
    SCOPED_TRACE("layer " + std::to_string(layer));
    expect_close_matrix("model.gpt2.logits", runs.vulkan.logits, runs.cpu.logits);
    const compute::AttentionResults &v = runs.vulkan.attention, &c = runs.cpu.attention;
    expect_close("model.gpt2.probs", v.probs, c.probs);
    expect_close("model.gpt2.scores", v.scores, c.scores);
    expect_close("model.gpt2.out", v.out, c.out);
    // The projections stay on the CPU: layer 0's q is the same bytes, later ones differ only
    // through the earlier layers' outputs.
    if (layer == 0) {
      EXPECT_EQ(v.q.data, c.q.data);
    } else {
      expect_close("model.gpt2.q", v.q, c.q);
    }
  }
  std::filesystem::remove_all(dir);
}

// The session's backend choice applies to an open model, and choosing it again hands the
// model's layers to the new backend: the kernels share the backend's ownership, so they never
// point at a destroyed one (issue 16, fault 9; the choice used to be ignored with a model open).
TEST(ModelOnVulkan, BackendChosenAgainMovesTheModelsLayers) {
  const auto dir = testing::make_folder("make_mamba_at");
  compute::Session session;
  session.backend = compute::BackendChoice::Vulkan;
  app::Workspace workspace(session, &testing::test_context());
  workspace.use_model(std::make_unique<app::ModelSource>(dir.string(), "", "The cat sat on the mat.", 1));
  ASSERT_TRUE(workspace.update()) << workspace.error();
  EXPECT_EQ(workspace.results().backend, "checkpoint + vulkan");
  const compute::Matrix y_vulkan = workspace.results().ssm.y_gated;
  ASSERT_GT(y_vulkan.size(), 0);

  workspace.edit().backend = compute::BackendChoice::Eigen;
  ASSERT_TRUE(workspace.update()) << workspace.error();
  EXPECT_EQ(workspace.results().backend, "checkpoint");
  expect_close_matrix("workspace.y_gated eigen", workspace.results().ssm.y_gated, y_vulkan);

  workspace.edit().backend = compute::BackendChoice::Vulkan;
  ASSERT_TRUE(workspace.update()) << workspace.error();
  EXPECT_EQ(workspace.results().backend, "checkpoint + vulkan");
  expect_close_matrix("workspace.y_gated vulkan again", workspace.results().ssm.y_gated, y_vulkan);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace seqscope
