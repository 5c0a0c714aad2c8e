// The byte-level BPE tokenizer against ids from GPT-2's published encoder (see
// tools/README.md for how data/gpt2_tricky.json was made), and the regex pieces by hand.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "compute/checkpoint/tokenizer.h"
#include "core/types.h"

namespace ckpt = seqscope::compute::checkpoint;
using seqscope::compute::UserError;

namespace {

nlohmann::json fixture() {
  std::ifstream in(SEQSCOPE_CHECKPOINT_DATA "/gpt2_tricky.json");
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

std::vector<std::string> pieces(std::string_view text) {
  std::vector<std::string> out;
  for (auto p : ckpt::pretokenize(text)) out.emplace_back(p);
  return out;
}

}  // namespace

TEST(Tokenizer, MatchesGpt2OnTrickyText) {
  const nlohmann::json data = fixture();
  const auto tok = ckpt::Tokenizer::from_json(data["tokenizer"].dump(), "fixture");
  ASSERT_GE(data["cases"].size(), 10u);
  for (const auto& c : data["cases"]) {
    const std::string text = c["text"];
    EXPECT_EQ(tok.encode(text), c["ids"].get<std::vector<int>>()) << text;
    EXPECT_EQ(tok.decode(tok.encode(text)), text);  // byte-level BPE is lossless
  }
}

TEST(Tokenizer, MergesAsPairsGiveTheSameIds) {
  nlohmann::json data = fixture();
  nlohmann::json pairs = nlohmann::json::array();
  for (const auto& m : data["tokenizer"]["model"]["merges"]) {
    const std::string s = m;
    pairs.push_back({s.substr(0, s.find(' ')), s.substr(s.find(' ') + 1)});
  }
  data["tokenizer"]["model"]["merges"] = pairs;
  const auto tok = ckpt::Tokenizer::from_json(data["tokenizer"].dump(), "pairs");
  for (const auto& c : data["cases"]) EXPECT_EQ(tok.encode(c["text"].get<std::string>()), c["ids"].get<std::vector<int>>());
}

TEST(Tokenizer, SplitsAddedTokensFirst) {
  const nlohmann::json data = fixture();
  const auto tok = ckpt::Tokenizer::from_json(data["tokenizer"].dump(), "fixture");
  const std::string a = data["cases"][0]["text"], b = data["cases"][2]["text"];
  std::vector<int> expected = tok.encode(a);
  expected.push_back(50256);
  for (int id : tok.encode(b)) expected.push_back(id);
  EXPECT_EQ(tok.encode(a + "<|endoftext|>" + b), expected);
  EXPECT_EQ(tok.token_bytes(50256), "<|endoftext|>");
}

TEST(Tokenizer, PretokenizesLikeTheGpt2Regex) {
  using V = std::vector<std::string>;
  EXPECT_EQ(pieces("I'm  here"), (V{"I", "'m", " ", " here"}));
  EXPECT_EQ(pieces("a\t\tb\n"), (V{"a", "\t", "\t", "b", "\n"}));
  EXPECT_EQ(pieces("x   "), (V{"x", "   "}));
  EXPECT_EQ(pieces("abc123 !?x"), (V{"abc", "123", " !?", "x"}));
  EXPECT_EQ(pieces("caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC"), (V{"caf\xC3\xA9", " \xE6\x97\xA5\xE6\x9C\xAC"}));
  EXPECT_EQ(pieces("'x"), (V{"'", "x"}));
  EXPECT_EQ(pieces("\xFF" "a"), (V{"\xFF", "a"}));  // an invalid byte is punctuation, not a crash
}

TEST(Tokenizer, RejectsMalformedJson) {
  for (const char* bad : {"", "[]", "{\"model\":1}", "{\"model\":{\"vocab\":[],\"merges\":[]}}",
                          "{\"model\":{\"vocab\":{\"a\":-1},\"merges\":[]}}",
                          "{\"model\":{\"vocab\":{},\"merges\":[\"ab\"]}}",
                          "{\"model\":{\"vocab\":{},\"merges\":[[1,2]]}}",
                          "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{},\"merges\":[]}}"})
    EXPECT_THROW(ckpt::Tokenizer::from_json(bad, "bad"), UserError) << bad;
}

TEST(Tokenizer, ParsesTokenLists) {
  EXPECT_EQ(ckpt::parse_token_list("1,22,333"), (std::vector<int>{1, 22, 333}));
  EXPECT_THROW(ckpt::parse_token_list("1,,2"), UserError);
  EXPECT_THROW(ckpt::parse_token_list("-1"), UserError);
  EXPECT_THROW(ckpt::parse_token_list("a"), UserError);
  EXPECT_EQ(ckpt::byte_tokens("h\xC3\xA9"), (std::vector<int>{104, 0xC3, 0xA9}));
}
