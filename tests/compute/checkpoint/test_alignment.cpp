// Two models on one text (compute/checkpoint/adapter.h): each reads it with its own tokenizer
// (a Mamba folder without tokenizer.json: UTF-8 bytes; a GPT-2 folder with a tiny byte-level
// BPE), the tokens are aligned by byte offset, the top-5 next tokens exist after every token,
// and the strips say what a token is.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "compute/checkpoint/adapter.h"

namespace ckpt = seqscope::compute::checkpoint;
using seqscope::compute::UserError;

namespace {

const std::string k_text = "The cat sat on the mat.";

// Generates folder/mamba and folder/gpt2 once for the whole test binary.
const std::filesystem::path& pair_dir() {
  static const std::filesystem::path dir = [] {
    const auto d = std::filesystem::temp_directory_path() / ("seqscope_pair" + std::to_string(::getpid()));
    const std::string cmd = std::string(SEQSCOPE_PYTHON) + " -c \"import sys; sys.path.insert(0, '" +
                            SEQSCOPE_CHECKPOINT_TOOLS + "'); import checkpoints as c; c.make_two_models_at('" +
                            d.string() + "')\"";
    if (std::system(cmd.c_str()) != 0) ADD_FAILURE() << "generator failed: " << cmd;
    return d;
  }();
  return dir;
}

// Every token of `from` starts inside the token of `to` it is aligned with.
void expect_covers(const std::vector<int>& aligned, const std::vector<int>& from, const std::vector<int>& to) {
  ASSERT_EQ(aligned.size() + 1, from.size());
  for (size_t t = 0; t < aligned.size(); ++t) {
    const auto s = static_cast<size_t>(aligned[t]);
    ASSERT_LT(s + 1, to.size());
    EXPECT_LE(to[s], from[t]) << "token " << t;
    EXPECT_LT(from[t], to[s + 1]) << "token " << t;
  }
}

}  // namespace

TEST(Alignment, TokenCoveringTheFirstByte) {
  // bytes "ab cd" as 5 byte tokens vs "ab", " cd" as 2 tokens.
  const std::vector<int> bytes{0, 1, 2, 3, 4, 5}, words{0, 2, 5};
  EXPECT_EQ(ckpt::align_tokens(bytes, words), (std::vector<int>{0, 0, 1, 1, 1}));
  EXPECT_EQ(ckpt::align_tokens(words, bytes), (std::vector<int>{0, 2}));
  EXPECT_EQ(ckpt::align_tokens(words, words), (std::vector<int>{0, 1}));
  // Boundaries that cross: "abc|de" vs "ab|cde".
  EXPECT_EQ(ckpt::align_tokens({0, 3, 5}, {0, 2, 5}), (std::vector<int>{0, 1}));
  EXPECT_EQ(ckpt::align_tokens({0, 2, 5}, {0, 3, 5}), (std::vector<int>{0, 0}));
  EXPECT_TRUE(ckpt::align_tokens({0, 1}, {0}).empty());
}

TEST(Alignment, OffsetsSpellTheText) {
  const auto gpt2 = ckpt::LoadedModel::open(pair_dir() / "gpt2");
  const auto mamba = ckpt::LoadedModel::open(pair_dir() / "mamba");
  const std::string text = "Thé cat 🐈 sat";
  for (const auto* m : {&gpt2, &mamba}) {
    const std::vector<int> ids = m->encode(text);
    const std::vector<int> offsets = m->text_offsets(ids, text);
    ASSERT_EQ(offsets.size(), ids.size() + 1);
    EXPECT_EQ(offsets.front(), 0);
    EXPECT_EQ(offsets.back(), static_cast<int>(text.size()));
    for (size_t t = 0; t < ids.size(); ++t)
      EXPECT_EQ(text.substr(offsets[t], offsets[t + 1] - offsets[t]),
                m->tokenizer ? m->tokenizer->token_bytes(ids[t]) : std::string(1, static_cast<char>(ids[t])));
  }
  EXPECT_THROW(mamba.text_offsets({1, 2}, "abc"), UserError);  // ids that do not spell the text
}

TEST(Alignment, TwoModelsWithDifferentTokenCounts) {
  const auto mamba = ckpt::LoadedModel::open(pair_dir() / "mamba");
  const auto gpt2 = ckpt::LoadedModel::open(pair_dir() / "gpt2");
  const ckpt::ModelView view = ckpt::view_models(mamba, &gpt2, k_text, 1, 0);
  const auto& r = view.results;
  const auto& align = r.attention_tokens;
  // The SSM panels read the Mamba's 23 byte tokens, the attention panels GPT-2's 7 words.
  EXPECT_EQ(r.inputs.length(), 23);
  EXPECT_EQ(r.ssm.L, 23);
  ASSERT_TRUE(align.active());
  EXPECT_EQ(align.other.length(), 7);
  EXPECT_EQ(r.attention.L, 7);
  EXPECT_EQ(align.other.labels, (std::vector<std::string>{"The", " cat", " sat", " on", " the", " mat", "."}));
  EXPECT_EQ(align.other.text_offsets, (std::vector<int>{0, 3, 7, 11, 14, 18, 22, 23}));
  EXPECT_EQ(r.inputs.token_kind, "UTF-8 bytes (no tokenizer.json)");
  EXPECT_EQ(align.other.token_kind, "tokens (byte-level BPE, vocab 270)");
  EXPECT_EQ(r.inputs.source, "mamba");
  EXPECT_EQ(align.other.source, "gpt2");
  // Byte t is read by the word that contains it; word s starts at byte offsets[s].
  expect_covers(align.to_other, r.inputs.text_offsets, align.other.text_offsets);
  expect_covers(align.from_other, align.other.text_offsets, r.inputs.text_offsets);
  EXPECT_EQ(align.to_other[5], 1);  // 'a' of " cat"
  EXPECT_EQ(align.to_other[3], 1);  // the space before "cat" belongs to " cat"
  EXPECT_EQ(align.to_other[22], 6);
  EXPECT_EQ(align.from_other, (std::vector<int>{0, 3, 7, 11, 14, 18, 22}));
  // The cursor's word, or the word the user picked while it still maps to the cursor.
  EXPECT_EQ(align.other_at(9, -1), 2);
  EXPECT_EQ(align.other_at(7, 2), 2);
  EXPECT_EQ(align.other_at(8, 2), 2);  // byte 8 is in " sat" too, but the pick maps to byte 7
  EXPECT_EQ(align.other_at(3, 2), 1);  // a pick that no longer maps to the cursor is dropped
  EXPECT_EQ(align.other_at(99, -1), 6);
  // Either order of --model / --model2 gives the same panels.
  const ckpt::ModelView swapped = ckpt::view_models(gpt2, &mamba, k_text, 0, 1);
  EXPECT_EQ(swapped.results.inputs.labels, r.inputs.labels);
  EXPECT_EQ(swapped.results.attention_tokens.to_other, align.to_other);
  EXPECT_EQ(swapped.results.ssm.y, r.ssm.y);
}

TEST(Alignment, TopFiveAfterEveryToken) {
  const auto mamba = ckpt::LoadedModel::open(pair_dir() / "mamba");
  const auto gpt2 = ckpt::LoadedModel::open(pair_dir() / "gpt2");
  const ckpt::ModelView view = ckpt::view_models(mamba, &gpt2, k_text, 0, 0);
  ASSERT_EQ(view.predictions.size(), 2u);
  const std::pair<const ckpt::LoadedModel*, size_t> models[] = {{&mamba, 23}, {&gpt2, 7}};
  for (size_t m = 0; m < 2; ++m) {
    const ckpt::Predictions& p = view.predictions[m];
    const ckpt::LoadedModel& loaded = *models[m].first;
    EXPECT_EQ(p.attention_side, m == 1);
    ASSERT_EQ(p.top5.size(), models[m].second);
    // Row t's list is that row's softmax: compare with a forward pass of the prefix up to t.
    const std::vector<int> ids = loaded.encode(k_text);
    for (size_t t : {size_t{0}, size_t{2}, p.top5.size() - 1}) {
      const std::vector<int> prefix(ids.begin(), ids.begin() + static_cast<long>(t) + 1);
      ckpt::RunOptions options;
      options.all_logits = false;
      const ckpt::ModelRun run = loaded.model->run(prefix, options);
      const auto want = ckpt::top_k(run.logits.row(0), 5);
      ASSERT_EQ(p.top5[t].size(), 5u);
      const Eigen::RowVectorXf row = run.logits.row(0);
      const double sum = (row.array() - row.maxCoeff()).exp().cast<double>().sum();
      for (size_t k = 0; k < 5; ++k) {
        EXPECT_EQ(p.top5[t][k].id, want[k].first) << "row " << t;
        EXPECT_NEAR(p.top5[t][k].probability, std::exp(double(want[k].second - row.maxCoeff())) / sum, 1e-5);
      }
    }
    // Different rows predict differently (a list at the last token only would fail here).
    EXPECT_NE(p.top5[0][0].probability, p.top5.back()[0].probability);
  }
}

TEST(Alignment, OneModelKeepsOneStrip) {
  const auto gpt2 = ckpt::LoadedModel::open(pair_dir() / "gpt2");
  const ckpt::ModelView view = ckpt::view_models(gpt2, nullptr, k_text, 0, 0);
  EXPECT_FALSE(view.results.attention_tokens.active());
  EXPECT_EQ(view.results.inputs.length(), 7);
  EXPECT_EQ(view.results.inputs.token_kind, "tokens (byte-level BPE, vocab 270)");
  EXPECT_THROW(ckpt::view_models(gpt2, nullptr, "", 0, 0), UserError);
  EXPECT_THROW(ckpt::view_models(gpt2, nullptr, "x", 2, 0), UserError);  // layer out of range
}
