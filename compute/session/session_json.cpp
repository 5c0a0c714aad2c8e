// Session <-> JSON (declared in session.h). The reader is strict: every key is optional, but an
// unknown key, a value of the wrong type, an unknown enum spelling or a value outside its range
// (session_schema.h) throws UserError with one line that names the dotted key path. After the
// per-key checks it runs validate_session, so a session that parses is also consistent.
// Which fields there are lives in the field tables of session_fields.h; reading, writing and the
// range checks below are visitors over them.
//
//   fail / show / describe     one-line error text
//   ObjectReader               reading visitor for one JSON object: unknown-key check, typed reads
//   read_section               a section's object -> its fields (nested sections recurse)
//   FieldWriter                writing visitor: every field written out
//   RangeChecker               checking visitor: field ranges again, for sessions built in code
//   check_version, migrate_v1  the file's version; version 1 files become version 2
//   validate_session           field ranges + cross-field checks
//   load_session               file -> session, errors prefixed with the file name
//
// Index (each part starts at a "// [SECTION] name" line):
//   error text
//   reading
//   writing
//   range checks
//   cross-field checks
//   public functions
#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compute/session/session.h"

#include "compute/session/presets.h"
#include "compute/session/session_fields.h"
#include "compute/session/session_schema.h"
#include "compute/session/tasks.h"
#include "core/utf8.h"

namespace seqscope::compute {
namespace {

using nlohmann::json;
using schema::IntRange;
using schema::RealRange;

// [SECTION] error text

[[noreturn]] void fail(const std::string& message) { throw UserError("session: " + message); }

// A JSON value as one short line (strings quoted, long values cut), for error messages.
std::string show(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  constexpr size_t kMaxShown = 40;
  if (text.size() > kMaxShown) text = text.substr(0, kMaxShown) + "...";
  return text;
}

std::string describe(const json& value) { return show(value) + " (" + value.type_name() + ")"; }

std::string format_real(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

std::string range_text(const IntRange& range) {
  return std::to_string(range.lo) + ".." + std::to_string(range.hi);
}
std::string range_text(const RealRange& range) { return format_real(range.lo) + ".." + format_real(range.hi); }

template <typename E>
std::string enum_choices() {
  std::string text;
  for (const auto& entry : schema::enum_names(E{})) {
    if (!text.empty()) text += "|";
    text += entry.name;
  }
  return text;
}

void check_range(std::string_view path, int64_t value, const IntRange& range) {
  if (value < range.lo || value > range.hi)
    fail(std::string(path) + " = " + std::to_string(value) + " is out of range (" + range_text(range) + ")");
}
void check_range(const IntRange& range, int64_t value) { check_range(range.path, value, range); }

void check_range(const RealRange& range, double value) {
  // Written so that NaN (possible from code, not from JSON) fails too.
  if (!(value >= range.lo && value <= range.hi))
    fail(std::string(range.path) + " = " + format_real(value) + " is out of range (" + range_text(range) + ")");
}

template <typename Section>
void read_section(const json& object, const std::string& path, Section& section);

// [SECTION] reading

// One JSON object at a key path, and the visitor that reads a section's fields from it (a missing
// key keeps the field's value). The constructor rejects keys outside `allowed`, so a typo is
// reported before anything else in that object.
class ObjectReader {
 public:
  ObjectReader(const json& object, std::string path, const std::vector<std::string_view>& allowed)
      : object_(object), path_(std::move(path)) {
    if (!object_.is_object())
      fail((path_.empty() ? std::string("the top level") : path_) + " must be an object, got " + describe(object_));
    for (const auto& item : object_.items()) {
      if (std::find(allowed.begin(), allowed.end(), item.key()) != allowed.end()) continue;
      std::string keys;
      for (std::string_view key : allowed) keys += (keys.empty() ? "" : ", ") + std::string(key);
      fail("unknown key " + show(json(key_path(item.key()))) + " (allowed here: " + keys + ")");
    }
  }

  std::string key_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  const json* find(std::string_view key) const {
    auto it = object_.find(std::string(key));
    return it == object_.end() ? nullptr : &*it;
  }

  // check_version has run before the unknown-key check and older files are migrated: a session
  // read from any supported version is held as the current one (the field's default).
  void version(std::string_view, int&) const {}

  void integer(std::string_view key, const IntRange& range, int& out) const {
    if (const json* value = find(key)) out = static_cast<int>(read_integer(*value, key_path(key), range));
  }

  void unsigned64(std::string_view key, uint64_t& out) const {
    const json* value = find(key);
    if (!value) return;
    if (value->is_number_unsigned()) {
      out = value->get<uint64_t>();
      return;
    }
    if (value->is_number_integer()) fail(key_path(key) + " = " + show(*value) + " is out of range (0..2^64-1)");
    fail(key_path(key) + " must be a non-negative integer, got " + describe(*value));
  }

  void real(std::string_view key, const RealRange& range, double& out) const {
    const json* value = find(key);
    if (!value) return;
    if (!value->is_number())
      fail(key_path(key) + " must be a number in " + range_text(range) + ", got " + describe(*value));
    out = value->get<double>();
    check_range(range, out);
  }

  void boolean(std::string_view key, bool& out) const {
    const json* value = find(key);
    if (!value) return;
    if (!value->is_boolean()) fail(key_path(key) + " must be true or false, got " + describe(*value));
    out = value->get<bool>();
  }

  void text(std::string_view key, std::string& out) const {
    const json* value = find(key);
    if (!value) return;
    if (!value->is_string()) fail(key_path(key) + " must be a string, got " + describe(*value));
    out = value->get<std::string>();
  }

  template <typename E>
  void enumeration(std::string_view key, E& out) const {
    const json* value = find(key);
    if (!value) return;
    if (!value->is_string())
      fail(key_path(key) + " must be one of " + enum_choices<E>() + ", got " + describe(*value));
    auto parsed = schema::enum_from_name<E>(value->get_ref<const std::string&>());
    if (!parsed) fail(key_path(key) + " = " + show(*value) + " is not one of " + enum_choices<E>());
    out = *parsed;
  }

  void integer_list(std::string_view key, const IntRange& element, size_t max_count,
                    std::vector<int>& out) const {
    const json* value = find(key);
    if (!value) return;
    const std::string path = key_path(key);
    if (!value->is_array())
      fail(path + " must be an array of integers in " + range_text(element) + ", got " + describe(*value));
    if (value->size() > max_count)
      fail(path + " has " + std::to_string(value->size()) + " entries, at most " + std::to_string(max_count) +
           " are allowed");
    out.clear();
    for (size_t i = 0; i < value->size(); ++i)
      out.push_back(
          static_cast<int>(read_integer((*value)[i], path + "[" + std::to_string(i) + "]", element)));
  }

  template <typename Section>
  void section(std::string_view key, Section& out) const {
    if (const json* value = find(key)) read_section(*value, key_path(key), out);
  }

 private:
  static int64_t read_integer(const json& value, const std::string& path, const IntRange& range) {
    // Unsigned values above INT64_MAX are out of every range; say so instead of wrapping.
    if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
      fail(path + " = " + show(value) + " is out of range (" + range_text(range) + ")");
    if (!value.is_number_integer())
      fail(path + " must be an integer in " + range_text(range) + ", got " + describe(value));
    const int64_t number = value.get<int64_t>();
    check_range(path, number, range);
    return number;
  }

  const json& object_;
  std::string path_;
};

template <typename Section>
void read_section(const json& object, const std::string& path, Section& section) {
  const ObjectReader reader(object, path, field_keys(section));
  visit_fields(section, reader);
}

std::string supported_versions() {
  std::string text;
  for (int v = schema::kOldestVersion; v <= schema::kSupportedVersion; ++v)
    text += (text.empty() ? "" : ", ") + std::to_string(v);
  return text;
}

// The file's format version, checked before unknown keys so that a file from a newer seqscope
// says so plainly. A file without "version" is the current version (every key is optional).
int check_version(const json& top) {
  if (!top.is_object() || !top.contains("version")) return schema::kSupportedVersion;
  const json& version = top["version"];
  if (!version.is_number_integer())
    fail("version must be an integer (supported versions: " + supported_versions() + "), got " +
         describe(version));
  const int64_t value = version.get<int64_t>();
  if (value < schema::kOldestVersion || value > schema::kSupportedVersion)
    fail("version = " + show(version) + " is not supported (supported versions: " + supported_versions() + ")");
  return static_cast<int>(value);
}

// Version 1 -> 2. Version 1's "induction" (key-value pairs, blanks, one of the keys at the last
// step) is mqar with one query: it loads as input.task = mqar, input.num_queries = 1 and gives the
// same tokens (tasks.cpp draws mqar as version 1 drew "induction"). Version 1 had neither mqar
// nor input.num_queries, so they are refused there rather than guessed at.
json migrate_v1(json top) {
  top["version"] = 2;
  auto input = top.find("input");
  if (input == top.end() || !input->is_object()) return top;
  if (input->contains("num_queries"))
    fail("unknown key \"input.num_queries\" in a version 1 file (it came with version 2)");
  auto task = input->find("task");
  if (task == input->end() || !task->is_string()) return top;
  if (*task == "mqar")
    fail("input.task = \"mqar\" is not a task of version 1 files (it came with version 2)");
  if (*task == "induction") {
    *task = "mqar";
    (*input)["num_queries"] = 1;
  }
  return top;
}

template <typename E>
std::string name_of(E value) {
  return std::string(schema::enum_name(value));
}

// [SECTION] writing

// Writes every field of one section into a JSON object, enums by their schema names.
class FieldWriter {
 public:
  explicit FieldWriter(json& object) : object_(object) {}

  void version(std::string_view key, int value) { set(key, value); }
  void unsigned64(std::string_view key, uint64_t value) { set(key, value); }
  void integer(std::string_view key, const IntRange&, int value) { set(key, value); }
  void real(std::string_view key, const RealRange&, double value) { set(key, value); }
  void boolean(std::string_view key, bool value) { set(key, value); }
  void text(std::string_view key, const std::string& value) { set(key, value); }
  template <typename E>
  void enumeration(std::string_view key, E value) {
    set(key, name_of(value));
  }
  void integer_list(std::string_view key, const IntRange&, size_t, const std::vector<int>& value) {
    set(key, value);
  }
  template <typename Section>
  void section(std::string_view key, const Section& value) {
    set(key, write_section(value));
  }

  template <typename Section>
  static json write_section(const Section& section) {
    json object = json::object();
    visit_fields(section, FieldWriter(object));
    return object;
  }

 private:
  void set(std::string_view key, json value) { object_[std::string(key)] = std::move(value); }

  json& object_;
};

// [SECTION] range checks

// Checks every field against its range in session_schema.h, for sessions built in code (the
// reader has checked them already). Enums, strings, booleans and the seed have no range here.
class RangeChecker {
 public:
  void version(std::string_view, int value) const {
    // Older files are migrated when read; a session in memory is always the current version.
    if (value != schema::kSupportedVersion)
      fail("version = " + std::to_string(value) + " is not supported in a session (only " +
           std::to_string(schema::kSupportedVersion) + "; older files are migrated when read)");
  }
  void unsigned64(std::string_view, uint64_t) const {}
  void integer(std::string_view, const IntRange& range, int value) const { check_range(range, value); }
  void real(std::string_view, const RealRange& range, double value) const { check_range(range, value); }
  void boolean(std::string_view, bool) const {}
  void text(std::string_view, const std::string&) const {}  // check_text, when input.kind = text
  template <typename E>
  void enumeration(std::string_view, E) const {}
  // check_hidden_channels checks the list against d_model, which is tighter than the element range.
  void integer_list(std::string_view, const IntRange&, size_t, const std::vector<int>&) const {}
  template <typename Section>
  void section(std::string_view, const Section& value) const {
    visit_fields(value, *this);
  }
};

// [SECTION] cross-field checks

void check_text(const std::string& text) {
  if (text.empty()) fail("input.text is empty (input.kind = text needs at least one character)");
  if (text.size() > static_cast<size_t>(schema::kMaxLength))
    fail("input.text is " + std::to_string(text.size()) + " bytes long, at most " +
         std::to_string(schema::kMaxLength) + " are allowed");
  if (auto bad = utf8::first_invalid_byte(text))
    fail("input.text is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
}

// Each task needs room for its parts (tasks.cpp, task_problem), named by the session's key paths.
void check_task_fits(const InputConfig& in) {
  const TaskFieldNames names{.length = "input.length",
                             .num_tokens = "input.num_tokens",
                             .vocab = "input.vocab",
                             .num_queries = "input.num_queries",
                             .lag = "input.lag",
                             .is = " = "};
  if (std::string problem = task_problem(task_spec(in), names); !problem.empty()) fail(problem);
}

void check_embedding(const Session& s) {
  if (s.input.embedding != Embedding::OneHot) return;
  int vocab = 0;
  if (s.input.kind == InputKind::Text) vocab = schema::kTextVocab;
  if (s.input.kind == InputKind::Task) vocab = s.input.vocab;
  if (vocab > s.d_model)
    fail("input.embedding = onehot needs vocab <= d_model, but vocab = " + std::to_string(vocab) +
         (s.input.kind == InputKind::Text ? " (text bytes)" : "") + " and d_model = " + std::to_string(s.d_model));
}

void check_hidden_channels(const Session& s) {
  const auto& channels = s.ssm.hidden_attention_channels;
  if (channels.size() > static_cast<size_t>(schema::kMaxHiddenChannels))
    fail("ssm.hidden_attention_channels has " + std::to_string(channels.size()) + " entries, at most " +
         std::to_string(schema::kMaxHiddenChannels) + " are allowed");
  for (size_t i = 0; i < channels.size(); ++i) {
    const std::string path = "ssm.hidden_attention_channels[" + std::to_string(i) + "]";
    if (channels[i] < 0 || channels[i] >= s.d_model)
      fail(path + " = " + std::to_string(channels[i]) + " is out of range (0.." + std::to_string(s.d_model - 1) +
           " for d_model = " + std::to_string(s.d_model) + ")");
    if (std::find(channels.begin(), channels.begin() + static_cast<std::ptrdiff_t>(i), channels[i]) !=
        channels.begin() + static_cast<std::ptrdiff_t>(i))
      fail(path + " = " + std::to_string(channels[i]) + " repeats an earlier channel");
  }
}

int64_t sequence_length_wide(const Session& s) {
  const InputConfig& in = s.input;
  switch (in.kind) {
    case InputKind::Text:
      return static_cast<int64_t>(in.text.size());
    case InputKind::Signal:
    case InputKind::Task:
      return in.length;
    case InputKind::Grid:
      return int64_t{in.grid.width} * in.grid.height * in.grid.frames;
  }
  return 0;
}

}  // namespace

// [SECTION] public functions

Session session_from_json(const json& top) {
  const int version = check_version(top);
  Session s;
  if (version == 1)
    read_section(migrate_v1(top), "", s);
  else
    read_section(top, "", s);
  validate_session(s);
  return s;
}

json session_to_json(const Session& s) { return FieldWriter::write_section(s); }

void validate_session(const Session& s) {
  visit_fields(s, RangeChecker{});
  const InputConfig& in = s.input;
  if (in.kind == InputKind::Text) check_text(in.text);
  if (in.kind == InputKind::Task) check_task_fits(in);
  const int64_t length = sequence_length_wide(s);
  if (length > schema::kMaxLength)
    fail("the input is " + std::to_string(length) + " steps long, at most " + std::to_string(schema::kMaxLength) +
         " are allowed (grid: width*height*frames)");
  if (s.cursor >= length)
    fail("cursor = " + std::to_string(s.cursor) + " is out of range (0.." + std::to_string(length - 1) +
         " for a sequence of length " + std::to_string(length) + ")");
  check_embedding(s);
  if (s.ssm.dt_min > s.ssm.dt_max)
    fail("ssm.dt_min = " + format_real(s.ssm.dt_min) + " is larger than ssm.dt_max = " + format_real(s.ssm.dt_max));
  check_hidden_channels(s);
  if (s.attention.heads * s.attention.head_dim > schema::kMaxHeadsTimesHeadDim)
    fail("attention.heads * attention.head_dim = " + std::to_string(s.attention.heads * s.attention.head_dim) +
         " is out of range (1.." + std::to_string(schema::kMaxHeadsTimesHeadDim) + ")");
  if (s.attention.kind == AttentionKind::Lag && s.attention.lag >= length)
    fail("attention.lag = " + std::to_string(s.attention.lag) + " is out of range (0.." +
         std::to_string(length - 1) + " for a sequence of length " + std::to_string(length) + ")");
}

int sequence_length(const Session& s) {
  // Clamped so that an unvalidated, absurd grid cannot overflow int.
  return static_cast<int>(std::min<int64_t>(sequence_length_wide(s), INT32_MAX));
}

Session load_session(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored))
    throw UserError("cannot read session file '" + name + "': it is a directory");
  std::ifstream file(path, std::ios::binary);
  if (!file) throw UserError("cannot open session file '" + name + "': " + std::strerror(errno));
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) throw UserError("cannot read session file '" + name + "': " + std::strerror(errno));
  json top;
  try {
    top = json::parse(contents.str());
  } catch (const json::parse_error& e) {
    // what() starts with "[json.exception.parse_error.101] "; the rest is the useful part.
    std::string reason = e.what();
    if (auto bracket = reason.find("] "); reason.rfind("[json.exception", 0) == 0 && bracket != std::string::npos)
      reason = reason.substr(bracket + 2);
    throw UserError("session file '" + name + "' is not valid JSON: " + reason);
  }
  try {
    if (!looks_like_preset(top)) return session_from_json(top);
    // A preset file (assets/presets/*.json) opens as its session.
    const Preset preset = preset_from_json(top, path.stem().string());
    if (preset.models.shown())
      throw UserError("this preset shows trained models (" + preset.models.model +
                      "), not a session: open it with --preset or the models with --model");
    return preset.session;
  } catch (const UserError& e) {
    throw UserError(name + ": " + e.what());
  }
}

}  // namespace seqscope::compute
