// Byte-level BPE tokenizer read from a Hugging Face tokenizer.json (GPT-2 and GPT-NeoX
// families): model.vocab, model.merges ("a b" strings or [a, b] pairs), added/special tokens,
// and the GPT-2 pre-tokenization regex
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// implemented by hand over code points with the Unicode tables in unicode_ranges.h.
// No normalizer is applied: the text is encoded as given.
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace seqscope::compute::checkpoint {

class Tokenizer {
 public:
  // Parses tokenizer.json text; UserError (one line, prefixed by `label`) when malformed.
  static Tokenizer from_json(std::string_view json_text, const std::string& label);
  // Reads a file (at most 100 MB).
  static Tokenizer from_file(const std::filesystem::path& path);

  std::vector<int> encode(std::string_view text) const;
  // The bytes of one token (byte-level tokens map back to raw bytes; may be partial UTF-8).
  std::string token_bytes(int id) const;
  std::string decode(const std::vector<int>& ids) const;
  int vocab_size() const { return static_cast<int>(id_to_token_.size()); }

 private:
  std::vector<int> encode_word(const std::string& bytes) const;
  std::unordered_map<std::string, int> vocab_;
  std::unordered_map<std::string, int> merge_rank_;  // "a\x01b" -> rank
  std::vector<std::pair<std::string, int>> added_;   // content -> id, longest first
  std::vector<std::string> id_to_token_;             // byte-level strings (UTF-8)
  mutable std::unordered_map<std::string, std::vector<int>> cache_;
};

// The pre-tokenization pieces of `text` (byte offsets into it), exposed for tests.
std::vector<std::string_view> pretokenize(std::string_view text);

// Without tokenizer.json: one id per UTF-8 byte.
std::vector<int> byte_tokens(std::string_view text);

// Parses "1,2,3" into ids; UserError on anything else.
std::vector<int> parse_token_list(std::string_view text);

// The same for a flag that also takes -1 (no target there): "3,-1,4" for `--targets`.
// UserError naming `flag` on anything else.
std::vector<int> parse_id_list(std::string_view text, std::string_view flag, bool allow_minus_one);

}  // namespace seqscope::compute::checkpoint
