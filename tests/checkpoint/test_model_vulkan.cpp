// Real-model layers on the Vulkan backend (app/model_kernels.h: every layer's selective scan
// and attention heads on its compute shaders) against the CPU forward pass, on tiny generated
// checkpoints of both architectures: the logits and the shown layer's tensors. Validation on.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "app/model_kernels.h"
#include "compute/checkpoint/model.h"
#include "tests/support/vk_test_context.h"

namespace seqscope {
namespace {

namespace ckpt = compute::checkpoint;

std::filesystem::path make(const std::string& function) {
  const auto dir = std::filesystem::temp_directory_path() / ("seqscope_vk_" + function + std::to_string(::getpid()));
  const std::string cmd = std::string(SEQSCOPE_PYTHON) + " -c \"import sys; sys.path.insert(0, '" +
                          SEQSCOPE_CHECKPOINT_TOOLS + "'); import checkpoints as c; c." + function + "('" +
                          dir.string() + "')\"";
  if (std::system(cmd.c_str()) != 0) ADD_FAILURE() << "generator failed: " << cmd;
  return dir;
}

// ||a - b|| / ||b|| over all entries; entries equal in both (-inf where masked) count as equal.
template <typename T>
double normalized_error(const T* a, const T* b, size_t n) {
  double diff = 0.0, ref = 0.0;
  for (size_t i = 0; i < n; ++i) {
    if (a[i] == b[i]) {
      if (std::isfinite(std::abs(b[i]))) ref += std::norm(std::complex<double>(b[i]));
      continue;
    }
    diff += std::norm(std::complex<double>(a[i]) - std::complex<double>(b[i]));
    ref += std::norm(std::complex<double>(b[i]));
  }
  return std::sqrt(diff) / std::max(std::sqrt(ref), 1e-30);
}

template <typename M>
double matrix_error(const M& a, const M& b) {
  EXPECT_EQ(a.size(), b.size());
  return a.size() == b.size() ? normalized_error(a.data(), b.data(), static_cast<size_t>(a.size())) : 1.0;
}

template <typename T>
double tensor_error(const T& a, const T& b) {
  EXPECT_EQ(a.shape, b.shape);
  return a.shape == b.shape ? normalized_error(a.data.data(), b.data.data(), a.data.size()) : 1.0;
}

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
  vk::VulkanBackend backend(testing::test_context());
  const app::VulkanModelKernels kernels(backend);
  options.kernels = &kernels;
  runs.vulkan = model->run(tokens, options);
  return runs;
}

TEST(ModelOnVulkan, MambaLayersMatchTheCpu) {
  const auto dir = make("make_mamba_at");
  for (int layer : {0, 1}) {
    const Runs runs = run_both(dir, layer);
    SCOPED_TRACE("layer " + std::to_string(layer));
    EXPECT_LE(matrix_error(runs.vulkan.logits, runs.cpu.logits), 1e-5);
    const compute::SsmResults &v = runs.vulkan.ssm, &c = runs.cpu.ssm;
    EXPECT_LE(matrix_error(v.y_gated, c.y_gated), 1e-5);
    EXPECT_LE(tensor_error(v.h, c.h), 1e-5);
    EXPECT_LE(tensor_error(v.Abar, c.Abar), 1e-5);
    EXPECT_LE(tensor_error(v.hidden_attention, c.hidden_attention), 1e-5);
    EXPECT_EQ(v.hidden_attention_channels, c.hidden_attention_channels);
    EXPECT_NEAR(v.max_abs_eig_discrete, c.max_abs_eig_discrete, 1e-6);
  }
  std::filesystem::remove_all(dir);
}

TEST(ModelOnVulkan, Gpt2HeadsMatchTheCpu) {
  const auto dir = make("make_gpt2_at");
  for (int layer : {0, 1}) {
    const Runs runs = run_both(dir, layer);
    SCOPED_TRACE("layer " + std::to_string(layer));
    EXPECT_LE(matrix_error(runs.vulkan.logits, runs.cpu.logits), 1e-5);
    const compute::AttentionResults &v = runs.vulkan.attention, &c = runs.cpu.attention;
    EXPECT_LE(tensor_error(v.probs, c.probs), 1e-5);
    EXPECT_LE(tensor_error(v.scores, c.scores), 1e-5);
    EXPECT_LE(tensor_error(v.out, c.out), 1e-5);
    // The projections stay on the CPU: layer 0's q is the same bytes, later ones differ only
    // through the earlier layers' outputs.
    EXPECT_LE(tensor_error(v.q, c.q), layer == 0 ? 0.0 : 1e-5);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace seqscope
