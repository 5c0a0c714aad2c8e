// Model API on a tiny generated checkpoint (tests/compute/checkpoint/checkpoints.py): what a layer's
// SsmResults / AttentionResults hold for the panels, the top-k list, bad requests.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "compute/checkpoint/model.h"
#include "tests/compute/checkpoint/checkpoint_folders.h"

namespace ckpt = seqscope::compute::checkpoint;
using seqscope::compute::UserError;

namespace {

std::filesystem::path make(const std::string& function) { return seqscope::testing::make_folder(function); }

}  // namespace

TEST(Model, MambaLayerFillsSsmResults) {
  const auto dir = make("make_mamba_at");
  const auto model = ckpt::Model::open(dir);
  EXPECT_EQ(model->architecture(), ckpt::Architecture::Mamba);
  const std::vector<int> tokens{5, 17, 200, 3, 3, 42};
  ckpt::RunOptions options;
  options.layer = 1;
  const ckpt::ModelRun run = model->run(tokens, options);
  const auto& r = run.ssm;
  EXPECT_EQ(run.logits.rows(), 6);
  EXPECT_EQ(run.logits.cols(), model->vocab_size());
  EXPECT_EQ(r.L, 6);
  EXPECT_EQ(r.D, 64);
  EXPECT_EQ(r.N, 8);
  EXPECT_TRUE(r.gated);
  EXPECT_EQ(r.h.shape, (std::vector<int64_t>{6, 64, 8}));
  EXPECT_EQ(r.hidden_attention.shape[0], static_cast<int64_t>(r.hidden_attention_channels.size()));
  // y = alpha u + D u: the hidden attention reproduces the scan's output of channel d.
  const int d = r.hidden_attention_channels[1];
  for (int t = 0; t < r.L; ++t) {
    double y = r.Dskip[d] * r.u(t, d);
    for (int s = 0; s <= t; ++s) y += r.hidden_attention.at(1, t, s) * r.u(s, d);
    EXPECT_NEAR(y, r.y(t, d), 1e-4 * (1 + std::abs(y)));
  }
  EXPECT_LE(r.max_abs_eig_discrete, 1.0);  // A = -exp(A_log) < 0: every mode decays
  EXPECT_EQ(ckpt::top_k(run.logits.row(5), 5).size(), 5u);
  options.layer = 2;
  EXPECT_THROW(model->run(tokens, options), UserError);
  options.layer = 0;
  EXPECT_THROW(model->run({model->vocab_size()}, options), UserError);
  EXPECT_THROW(model->run({}, options), UserError);
  std::filesystem::remove_all(dir);
}

TEST(Model, Gpt2LayerFillsAttentionResults) {
  const auto dir = make("make_gpt2_at");
  const auto model = ckpt::Model::open(dir);
  EXPECT_EQ(model->architecture(), ckpt::Architecture::Gpt2);
  ckpt::RunOptions options;
  const ckpt::ModelRun run = model->run({1, 2, 3, 4}, options);
  const auto& a = run.attention;
  EXPECT_EQ(a.H, 4);
  EXPECT_EQ(a.probs.shape, (std::vector<int64_t>{4, 4, 4}));
  for (int h = 0; h < a.H; ++h)
    for (int t = 0; t < 4; ++t) {
      double sum = 0;
      for (int s = 0; s < 4; ++s) sum += a.probs.at(h, t, s);
      EXPECT_NEAR(sum, 1.0, 1e-5);
      if (t < 3) {
        EXPECT_EQ(a.probs.at(h, t, t + 1), 0.0f);  // causal
      }
    }
  std::vector<int> too_long(65, 1);  // n_positions is 64
  EXPECT_THROW(model->run(too_long, options), UserError);
  std::filesystem::remove_all(dir);
}

TEST(Model, TopKIsSortedAndStable) {
  Eigen::RowVectorXf logits(6);
  logits << 0.5f, 3.0f, -1.0f, 3.0f, 2.0f, 0.0f;
  const auto top = ckpt::top_k(logits, 3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].first, 1);
  EXPECT_EQ(top[1].first, 3);
  EXPECT_EQ(top[2].first, 4);
}
