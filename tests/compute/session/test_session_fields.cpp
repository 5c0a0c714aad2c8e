// Session field tables (compute/session/session_fields.h): docs/session.md has one table per
// section listing exactly the table's keys, in order; the "allowed here:" lists keep their order;
// every range names its own key path; every numeric field out of range is refused with the same
// line whether it comes from JSON or from a session built in code.
//
//   documented_keys            the first column of each section table of docs/session.md
//   NumericFieldCollector      test visitor: every integer / real field with its path and range
//   tests                      docs, allowed-key lists, range paths, out-of-range values
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "compute/session/session.h"
#include "compute/session/session_fields.h"
#include "compute/session/session_schema.h"
#include "tests/compute/session/session_test_util.h"

namespace seqscope::compute {
namespace {

using nlohmann::json;

// "## Top level" is the top level (""); a heading that is one backquoted name ("## `input`",
// "### `input.grid`") is that section; any other heading ends the section before it.
std::optional<std::string> section_of_heading(const std::string& line) {
  const size_t start = line.find_first_not_of("# ");
  if (start == std::string::npos) return std::nullopt;
  const std::string title = line.substr(start);
  if (title == "Top level") return "";
  if (title.size() > 2 && title.front() == '`' && title.find('`', 1) == title.size() - 1)
    return title.substr(1, title.size() - 2);
  return std::nullopt;
}

// The keys in the first column (`key`) of each section's table, by section path, in page order.
std::map<std::string, std::vector<std::string>> documented_keys(const std::filesystem::path& page) {
  std::ifstream file(page);
  std::map<std::string, std::vector<std::string>> sections;
  std::optional<std::string> section;
  bool in_code_block = false;
  for (std::string line; std::getline(file, line);) {
    if (line.rfind("```", 0) == 0) in_code_block = !in_code_block;
    if (in_code_block) continue;
    if (line.rfind("#", 0) == 0) {
      section = section_of_heading(line);
      if (section) sections[*section];
      continue;
    }
    if (!section || line.rfind("| `", 0) != 0) continue;
    const size_t end = line.find('`', 3);
    if (end != std::string::npos) sections[*section].push_back(line.substr(3, end - 3));
  }
  return sections;
}

using testing::validate_error;

std::string parse_error(const json& top) {
  return testing::user_error_of([&] { session_from_json(top); });
}

template <typename Range, typename Value>
struct NumericField {
  std::string path;  // dotted key path, as the visit reached it
  Range range;
  Value* value;  // the member of the visited session
};
using IntegerField = NumericField<schema::IntRange, int>;
using RealField = NumericField<schema::RealRange, double>;

struct NumericFields {
  std::vector<IntegerField> integers;
  std::vector<RealField> reals;
  std::vector<std::pair<std::string, std::string_view>> range_paths;  // {key path, range's path}
};

// Visits a whole session and records its numeric fields; the other kinds are skipped.
class NumericFieldCollector {
 public:
  NumericFieldCollector(std::string path, NumericFields& out) : path_(std::move(path)), out_(out) {}

  void integer(std::string_view key, const schema::IntRange& range, int& value) {
    out_.integers.push_back({key_path(key), range, &value});
    out_.range_paths.emplace_back(key_path(key), range.path);
  }
  void real(std::string_view key, const schema::RealRange& range, double& value) {
    out_.reals.push_back({key_path(key), range, &value});
    out_.range_paths.emplace_back(key_path(key), range.path);
  }
  template <typename... Rest>
  void integer_list(std::string_view key, const schema::IntRange& element, const Rest&...) {
    out_.range_paths.emplace_back(key_path(key) + "[]", element.path);
  }
  template <typename Section>
  void section(std::string_view key, Section& nested) {
    visit_fields(nested, NumericFieldCollector(key_path(key), out_));
  }
  template <typename... Ignored>
  void version(const Ignored&...) {}
  template <typename... Ignored>
  void unsigned64(const Ignored&...) {}
  template <typename... Ignored>
  void boolean(const Ignored&...) {}
  template <typename... Ignored>
  void text(const Ignored&...) {}
  template <typename... Ignored>
  void enumeration(const Ignored&...) {}

 private:
  std::string key_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  std::string path_;
  NumericFields& out_;
};

NumericFields numeric_fields(Session& s) {
  NumericFields fields;
  visit_fields(s, NumericFieldCollector("", fields));
  return fields;
}

// {"input": {"grid": {"width": value}}} for "input.grid.width".
json with_value_at(const std::string& dotted_path, const json& value) {
  std::string pointer = "/" + dotted_path;
  for (char& c : pointer)
    if (c == '.') c = '/';
  json top = json::object();
  top[json::json_pointer(pointer)] = value;
  return top;
}

TEST(SessionFields, TheSectionsAreTopLevelInputGridSsmAttentionView) {
  std::vector<std::string> paths;
  for (const SectionKeys& section : session_sections()) paths.push_back(section.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"", "input", "input.grid", "ssm", "attention", "view"}));
}

TEST(SessionFields, DocsListEveryFieldOfEverySectionAndNothingElse) {
  const std::filesystem::path page = std::filesystem::path(SEQSCOPE_DOCS_DIR) / "session.md";
  const auto documented = documented_keys(page);
  ASSERT_FALSE(documented.empty()) << "no section tables found in " << page;
  std::set<std::string> code_sections;
  for (const SectionKeys& section : session_sections()) {
    code_sections.insert(section.path);
    const std::string name = section.path.empty() ? "the top level" : section.path;
    const auto found = documented.find(section.path);
    ASSERT_NE(found, documented.end()) << page << " has no table for " << name;
    EXPECT_EQ(found->second, std::vector<std::string>(section.keys.begin(), section.keys.end()))
        << "keys of " << name << ": " << page << " (left) vs the field table in session_fields.h (right)";
  }
  for (const auto& [path, keys] : documented)
    EXPECT_TRUE(code_sections.count(path))
        << page << " documents a section '" << path << "' the session lacks";
}

TEST(SessionFields, UnknownKeyListsTheAllowedKeysInTableOrder) {
  const std::pair<json, std::string> cases[] = {
      {{{"x", 1}},
       "(allowed here: version, seed, backend, cursor, input, d_model, ssm, attention, full_map_max_length, view)"},
      {{{"input", {{"x", 1}}}},
       "(allowed here: kind, text, embedding, signal, length, frequency, task, vocab, num_tokens, num_queries, lag, "
       "grid)"},
      {{{"input", {{"grid", {{"x", 1}}}}}},
       "(allowed here: width, height, frames, pattern, order, video_order)"},
      {{{"ssm", {{"x", 1}}}},
       "(allowed here: variant, state_size, init, discretization, dt_min, dt_max, conv_width, gate, "
       "bidirectional, hidden_attention_channels, delta_init)"},
      {{{"attention", {{"x", 1}}}},
       "(allowed here: kind, heads, head_dim, mask, window, positional, temperature, feature_map, lag)"},
      {{{"view", {{"x", 1}}}},
       "(allowed here: channel, head, all_heads, normalization, log_scale, shared_scale, tab, cost_tab, state_color, emphasize)"},
  };
  for (const auto& [top, allowed] : cases) {
    const std::string message = parse_error(top);
    EXPECT_NE(message.find("unknown key"), std::string::npos) << message;
    EXPECT_NE(message.find(allowed), std::string::npos) << message;
  }
}

TEST(SessionFields, EveryRangeIsNamedByItsKeyPath) {
  Session s;
  const NumericFields fields = numeric_fields(s);
  ASSERT_FALSE(fields.range_paths.empty());
  for (const auto& [key_path, range_path] : fields.range_paths) EXPECT_EQ(key_path, range_path);
}

// Just below and just above each range: the JSON reader and validate_session (the range-check
// visitor, for sessions built in code) refuse it with the same one line.
TEST(SessionFields, EveryNumericFieldOutOfRangeIsRefusedFromJsonAndFromCode) {
  Session s;
  const NumericFields fields = numeric_fields(s);
  for (const IntegerField& field : fields.integers) {
    const schema::IntRange& range = field.range;
    for (const int64_t outside : {range.lo - 1, range.hi + 1}) {
      const std::string expected = "session: " + field.path + " = " + std::to_string(outside) +
                                   " is out of range (" + std::to_string(range.lo) + ".." +
                                   std::to_string(range.hi) + ")";
      const int kept = *field.value;
      *field.value = static_cast<int>(outside);
      EXPECT_EQ(validate_error(s), expected);
      *field.value = kept;
      EXPECT_EQ(parse_error(with_value_at(field.path, outside)), expected);
    }
  }
  for (const RealField& field : fields.reals) {
    for (const double outside : {field.range.lo - 1.0, field.range.hi + 1.0}) {
      const double kept = *field.value;
      *field.value = outside;
      const std::string from_code = validate_error(s);
      *field.value = kept;
      EXPECT_EQ(from_code.rfind("session: " + field.path + " = ", 0), 0u) << from_code;
      EXPECT_NE(from_code.find(" is out of range ("), std::string::npos) << from_code;
      EXPECT_EQ(parse_error(with_value_at(field.path, outside)), from_code);
    }
  }
  EXPECT_EQ(validate_error(s), "") << "the session was not restored";
}

}  // namespace
}  // namespace seqscope::compute
