// Byte-level BPE: text -> added-token split -> GPT-2 regex pieces -> bytes as the 256 printable
// stand-in characters of bytes_to_unicode -> lowest-rank merges until none applies -> ids.
//
// Index (each part starts at a "// [SECTION] name" line):
//   UTF-8 and byte characters
//   GPT-2 pre-tokenization
//   loading tokenizer.json
//   BPE encode and decode
//   byte tokens and token lists
#include "compute/checkpoint/tokenizer.h"

#include <algorithm>
#include <climits>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "compute/checkpoint/unicode_ranges.h"
#include "core/types.h"
#include "core/utf8.h"

namespace seqscope::compute::checkpoint {
namespace {

// [SECTION] UTF-8 and byte characters

template <size_t Count>
bool in_ranges(const CodeRange (&ranges)[Count], uint32_t cp) {
  const auto it = std::upper_bound(std::begin(ranges), std::end(ranges), cp,
                                   [](uint32_t value, const CodeRange& r) { return value < r.first; });
  return it != std::begin(ranges) && cp <= std::prev(it)->last;
}
bool is_letter(uint32_t cp) { return in_ranges(kLetterRanges, cp); }
bool is_number(uint32_t cp) { return in_ranges(kNumberRanges, cp); }
bool is_space(uint32_t cp) { return in_ranges(kSpaceRanges, cp); }

// One code point per entry with its byte offset; invalid UTF-8 bytes count as one "other" each.
struct CodePoints {
  std::vector<uint32_t> cp;
  std::vector<size_t> offset;  // [n + 1]
};

CodePoints decode_utf8(std::string_view text) {
  CodePoints out;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t len = utf8::char_length(text, pos);
    uint32_t cp = 0xFFFFFFFFu;  // an invalid byte: neither letter, number nor space
    if (len == 1) {
      cp = static_cast<unsigned char>(text[pos]);
    } else if (len > 1) {
      cp = static_cast<unsigned char>(text[pos]) & (0xFFu >> (len + 1));
      for (size_t i = 1; i < len; ++i) cp = (cp << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3Fu);
    }
    out.cp.push_back(cp);
    out.offset.push_back(pos);
    pos += len == 0 ? 1 : len;
  }
  out.offset.push_back(text.size());
  return out;
}

// GPT-2's bytes_to_unicode: printable bytes stand for themselves, the rest map to U+0100...
const std::vector<std::string>& byte_chars() {
  static const std::vector<std::string> table = [] {
    std::vector<std::string> out(256);
    int next = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      const uint32_t cp = printable ? static_cast<uint32_t>(b) : static_cast<uint32_t>(256 + next++);
      std::string s;
      if (cp < 0x80) {
        s += static_cast<char>(cp);
      } else {
        s += static_cast<char>(0xC0 | (cp >> 6));
        s += static_cast<char>(0x80 | (cp & 0x3F));
      }
      out[static_cast<size_t>(b)] = s;
    }
    return out;
  }();
  return table;
}

std::string merge_key(const std::string& a, const std::string& b) { return a + '\x01' + b; }

}  // namespace

// [SECTION] GPT-2 pre-tokenization

std::vector<std::string_view> pretokenize(std::string_view text) {
  const CodePoints c = decode_utf8(text);
  const size_t n = c.cp.size();
  std::vector<std::string_view> pieces;
  auto piece = [&](size_t from, size_t to) { pieces.push_back(text.substr(c.offset[from], c.offset[to] - c.offset[from])); };
  auto at = [&](size_t i) { return i < n ? c.cp[i] : 0xFFFFFFFFu; };
  auto run = [&](size_t i, auto pred) {
    while (i < n && pred(c.cp[i])) ++i;
    return i;
  };
  auto other = [](uint32_t cp) { return !is_space(cp) && !is_letter(cp) && !is_number(cp); };
  size_t i = 0;
  while (i < n) {
    // 's 't 're 've 'm 'll 'd (case-sensitive, as GPT-2's regex)
    if (at(i) == '\'') {
      const uint32_t a = at(i + 1), b = at(i + 2);
      size_t len = 0;
      if (a == 's' || a == 't' || a == 'm' || a == 'd') len = 2;
      if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) len = 3;
      if (len) {
        piece(i, i + len);
        i += len;
        continue;
      }
    }
    // ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+': an optional leading space joins the run.
    const size_t j = at(i) == ' ' ? i + 1 : i;
    const uint32_t first = at(j);
    if (j < n && (is_letter(first) || is_number(first) || other(first))) {
      size_t end = is_letter(first) ? run(j, is_letter) : is_number(first) ? run(j, is_number) : run(j, other);
      piece(i, end);
      i = end;
      continue;
    }
    // '\s+(?!\S)' leaves the last space of a run for the next word; '\s+' takes the rest.
    const size_t end = run(i, is_space);
    if (end == n || end - i == 1) {
      piece(i, end);
      i = end;
    } else {
      piece(i, end - 1);
      i = end - 1;
    }
  }
  return pieces;
}

// [SECTION] loading tokenizer.json

Tokenizer Tokenizer::from_json(std::string_view json_text, const std::string& label) {
  auto fail = [&](const std::string& what) -> UserError { return UserError(label + ": " + what); };
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(json_text.begin(), json_text.end());
  } catch (const nlohmann::json::exception&) {
    throw fail("not valid JSON");
  }
  if (!json.is_object() || !json.contains("model") || !json["model"].is_object()) throw fail("no \"model\" object");
  const auto& model = json["model"];
  if (model.contains("type") && model["type"] != "BPE") throw fail("model.type is not BPE");
  if (!model.contains("vocab") || !model["vocab"].is_object()) throw fail("model.vocab is not an object");
  if (!model.contains("merges") || !model["merges"].is_array()) throw fail("model.merges is not an array");
  Tokenizer tok;
  constexpr int64_t kMaxId = 10'000'000;
  auto add_id = [&](const std::string& token, const nlohmann::json& value) {
    if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() >= kMaxId)
      throw fail("id of token " + nlohmann::json(token).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace) +
                 " is not an integer in [0, 10^7)");
    const int id = static_cast<int>(value.get<int64_t>());
    tok.vocab_[token] = id;
    if (static_cast<size_t>(id) >= tok.id_to_token_.size()) tok.id_to_token_.resize(static_cast<size_t>(id) + 1);
    tok.id_to_token_[static_cast<size_t>(id)] = token;
  };
  for (const auto& [token, value] : model["vocab"].items()) add_id(token, value);
  int rank = 0;
  for (const auto& merge : model["merges"]) {
    std::string a, b;
    if (merge.is_string()) {
      const std::string s = merge.get<std::string>();
      const size_t space = s.find(' ', 1);  // a token may itself be a space-free stand-in string
      if (space == std::string::npos || space + 1 >= s.size()) throw fail("merge \"" + s + "\" is not \"a b\"");
      a = s.substr(0, space);
      b = s.substr(space + 1);
    } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string()) {
      a = merge[0].get<std::string>();
      b = merge[1].get<std::string>();
    } else {
      throw fail("merge #" + std::to_string(rank) + " is neither \"a b\" nor [a, b]");
    }
    tok.merge_rank_.emplace(merge_key(a, b), rank++);
  }
  if (json.contains("added_tokens") && !json["added_tokens"].is_null()) {
    if (!json["added_tokens"].is_array()) throw fail("added_tokens is not an array");
    for (const auto& added : json["added_tokens"]) {
      if (!added.is_object() || !added.contains("content") || !added["content"].is_string() || !added.contains("id"))
        throw fail("an added token has no content or id");
      const std::string content = added["content"].get<std::string>();
      if (content.empty()) throw fail("an added token is empty");
      add_id(content, added["id"]);
      tok.added_.emplace_back(content, tok.vocab_[content]);
    }
  }
  std::sort(tok.added_.begin(), tok.added_.end(),
            [](const auto& x, const auto& y) { return x.first.size() > y.first.size(); });
  return tok;
}

Tokenizer Tokenizer::from_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw UserError(path.string() + ": cannot read");
  if (size > 100u * 1000 * 1000) throw UserError(path.string() + ": larger than 100 MB");
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return from_json(text.str(), path.string());
}

// [SECTION] BPE encode and decode

std::vector<int> Tokenizer::encode_word(const std::string& bytes) const {
  if (const auto it = cache_.find(bytes); it != cache_.end()) return it->second;
  std::vector<std::string> symbols;
  for (unsigned char b : bytes) symbols.push_back(byte_chars()[b]);
  while (symbols.size() > 1) {
    int best = INT_MAX;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      const auto it = merge_rank_.find(merge_key(symbols[i], symbols[i + 1]));
      if (it != merge_rank_.end()) best = std::min(best, it->second);
    }
    if (best == INT_MAX) break;
    // Merge every occurrence of the best pair, left to right (as GPT-2's bpe()).
    std::vector<std::string> merged;
    for (size_t i = 0; i < symbols.size(); ++i) {
      if (i + 1 < symbols.size()) {
        const auto it = merge_rank_.find(merge_key(symbols[i], symbols[i + 1]));
        if (it != merge_rank_.end() && it->second == best) {
          merged.push_back(symbols[i] + symbols[i + 1]);
          ++i;
          continue;
        }
      }
      merged.push_back(symbols[i]);
    }
    symbols = std::move(merged);
  }
  std::vector<int> ids;
  for (const auto& s : symbols) {
    const auto it = vocab_.find(s);
    if (it == vocab_.end()) throw UserError("tokenizer: symbol \"" + s + "\" is not in the vocabulary");
    ids.push_back(it->second);
  }
  if (cache_.size() < 100000) cache_.emplace(bytes, ids);
  return ids;
}

std::vector<int> Tokenizer::encode(std::string_view text) const {
  std::vector<int> ids;
  size_t start = 0, pos = 0;
  auto flush = [&](size_t end) {
    for (std::string_view piece : pretokenize(text.substr(start, end - start))) {
      const std::vector<int> word = encode_word(std::string(piece));
      ids.insert(ids.end(), word.begin(), word.end());
    }
  };
  while (pos < text.size()) {
    bool matched = false;
    for (const auto& [content, id] : added_) {
      if (text.compare(pos, content.size(), content) == 0) {
        flush(pos);
        ids.push_back(id);
        pos += content.size();
        start = pos;
        matched = true;
        break;
      }
    }
    if (!matched) ++pos;
  }
  flush(text.size());
  return ids;
}

std::string Tokenizer::token_bytes(int id) const {
  if (id < 0 || static_cast<size_t>(id) >= id_to_token_.size()) return {};
  const std::string& token = id_to_token_[static_cast<size_t>(id)];
  for (const auto& [content, added_id] : added_)
    if (added_id == id) return content;
  // Map each stand-in character back to its byte.
  static const std::unordered_map<std::string, char> reverse = [] {
    std::unordered_map<std::string, char> out;
    for (int b = 0; b < 256; ++b) out.emplace(byte_chars()[static_cast<size_t>(b)], static_cast<char>(b));
    return out;
  }();
  std::string out;
  size_t pos = 0;
  while (pos < token.size()) {
    const size_t len = std::max<size_t>(1, utf8::char_length(token, pos));
    const auto it = reverse.find(token.substr(pos, len));
    if (it != reverse.end()) out += it->second;
    else out += token.substr(pos, len);
    pos += len;
  }
  return out;
}

std::string Tokenizer::decode(const std::vector<int>& ids) const {
  std::string out;
  for (int id : ids) out += token_bytes(id);
  return out;
}

// [SECTION] byte tokens and token lists

std::vector<int> byte_tokens(std::string_view text) {
  std::vector<int> ids;
  for (unsigned char b : text) ids.push_back(b);
  return ids;
}

std::vector<int> parse_id_list(std::string_view text, std::string_view flag, bool allow_minus_one) {
  std::vector<int> ids;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t comma = std::min(text.find(',', pos), text.size());
    const std::string item(text.substr(pos, comma - pos));
    const bool id = !item.empty() && item.size() <= 9 && item.find_first_not_of("0123456789") == std::string::npos;
    if (!id && !(allow_minus_one && item == "-1"))
      throw UserError(std::string(flag) + ": \"" + item + "\" is not a token id" +
                      (allow_minus_one ? " or -1 (expected e.g. 3,-1,4)" : " (expected e.g. 1,2,3)"));
    ids.push_back(std::stoi(item));
    pos = comma + 1;
  }
  return ids;
}

std::vector<int> parse_token_list(std::string_view text) {
  return parse_id_list(text, "--tokens", false);
}

}  // namespace seqscope::compute::checkpoint
