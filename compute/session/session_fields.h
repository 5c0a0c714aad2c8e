// Session field tables: one visit_fields per section (top level, input, input.grid, ssm,
// attention, view) names every field once, with its JSON key, its kind and its range. The JSON reader,
// the JSON writer, validate_session's per-field range checks and the "allowed here:" key list
// (session_json.cpp) are visitors over these tables, and tests/compute/session/test_session_fields.cpp checks
// docs/session.md against them. A new field is one line here, its range in session_schema.h and
// its row in docs/session.md.
//
//   visitor methods                    the kinds of field, one method each (comment below)
//   SectionOf                          constraint: a section type, const or not
//   visit_fields(...)                  the six tables, in JSON key order (= "allowed here:" order)
//   FieldKeyCollector / field_keys     one section's keys, in table order
//   SectionLister / session_sections   every section's dotted path and keys, top level first
#pragma once
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "compute/session/session.h"
#include "compute/session/session_schema.h"

namespace seqscope::compute {

// A visitor has one method per kind of field; `field` is a reference to the session's member,
// const when a const section is visited (writing, range checks) and mutable when reading.
//   version(key, field)                               int, the format version (the reader has
//                                                     checked and migrated older files first)
//   unsigned64(key, field)                            uint64_t, any value (the seed)
//   integer(key, const IntRange&, field)              int
//   real(key, const RealRange&, field)                double
//   boolean(key, field)                               bool
//   text(key, field)                                  std::string
//   enumeration(key, field)                           an enum with a name table in session_schema.h
//   integer_list(key, const IntRange& element, size_t max_count, field)   std::vector<int>
//   section(key, field)                               a nested section; the visitor calls
//                                                     visit_fields on it (with its own visitor)
template <typename T, typename Section>
concept SectionOf = std::same_as<std::remove_const_t<T>, Section>;

template <SectionOf<GridConfig> Grid, typename Visitor>
void visit_fields(Grid& grid, Visitor&& visit) {
  visit.integer("width", schema::kGridWidth, grid.width);
  visit.integer("height", schema::kGridHeight, grid.height);
  visit.integer("frames", schema::kGridFrames, grid.frames);
  visit.enumeration("pattern", grid.pattern);
  visit.enumeration("order", grid.order);
  visit.enumeration("video_order", grid.video_order);
}

template <SectionOf<InputConfig> Input, typename Visitor>
void visit_fields(Input& input, Visitor&& visit) {
  visit.enumeration("kind", input.kind);
  visit.text("text", input.text);
  visit.enumeration("embedding", input.embedding);
  visit.enumeration("signal", input.signal);
  visit.integer("length", schema::kInputLength, input.length);
  visit.real("frequency", schema::kFrequency, input.frequency);
  visit.enumeration("task", input.task);
  visit.integer("vocab", schema::kVocab, input.vocab);
  visit.integer("num_tokens", schema::kNumTokens, input.num_tokens);
  visit.integer("num_queries", schema::kNumQueries, input.num_queries);
  visit.integer("lag", schema::kInputLag, input.lag);
  visit.section("grid", input.grid);
}

template <SectionOf<SsmConfig> Ssm, typename Visitor>
void visit_fields(Ssm& ssm, Visitor&& visit) {
  visit.enumeration("variant", ssm.variant);
  visit.integer("state_size", schema::kStateSize, ssm.state_size);
  visit.enumeration("init", ssm.init);
  visit.enumeration("discretization", ssm.discretization);
  visit.real("dt_min", schema::kDtMin, ssm.dt_min);
  visit.real("dt_max", schema::kDtMax, ssm.dt_max);
  visit.integer("conv_width", schema::kConvWidth, ssm.conv_width);
  visit.boolean("gate", ssm.gate);
  visit.boolean("bidirectional", ssm.bidirectional);
  visit.integer_list("hidden_attention_channels", schema::kHiddenChannel,
                     static_cast<size_t>(schema::kMaxHiddenChannels), ssm.hidden_attention_channels);
  visit.enumeration("delta_init", ssm.delta_init);
}

template <SectionOf<AttentionConfig> Attention, typename Visitor>
void visit_fields(Attention& attention, Visitor&& visit) {
  visit.enumeration("kind", attention.kind);
  visit.integer("heads", schema::kHeads, attention.heads);
  visit.integer("head_dim", schema::kHeadDim, attention.head_dim);
  visit.enumeration("mask", attention.mask);
  visit.integer("window", schema::kWindow, attention.window);
  visit.enumeration("positional", attention.positional);
  visit.real("temperature", schema::kTemperature, attention.temperature);
  visit.enumeration("feature_map", attention.feature_map);
  visit.integer("lag", schema::kAttentionLag, attention.lag);
}

template <SectionOf<ViewConfig> View, typename Visitor>
void visit_fields(View& view, Visitor&& visit) {
  visit.integer("channel", schema::kViewChannel, view.channel);
  visit.integer("head", schema::kViewHead, view.head);
  visit.boolean("all_heads", view.all_heads);
  visit.enumeration("normalization", view.normalization);
  visit.boolean("log_scale", view.log_scale);
  visit.boolean("shared_scale", view.shared_scale);
  visit.enumeration("tab", view.tab);
  visit.enumeration("cost_tab", view.cost_tab);
  visit.enumeration("state_color", view.state_color);
  visit.text("emphasize", view.emphasize);
}

template <SectionOf<Session> TopLevel, typename Visitor>
void visit_fields(TopLevel& session, Visitor&& visit) {
  visit.version("version", session.version);
  visit.unsigned64("seed", session.seed);
  visit.enumeration("backend", session.backend);
  visit.integer("cursor", schema::kCursor, session.cursor);
  visit.section("input", session.input);
  visit.integer("d_model", schema::kDModel, session.d_model);
  visit.section("ssm", session.ssm);
  visit.section("attention", session.attention);
  visit.integer("full_map_max_length", schema::kFullMapMaxLength, session.full_map_max_length);
  visit.section("view", session.view);
}

// Records the key of every field of one section; nested sections count as one key each.
struct FieldKeyCollector {
  std::vector<std::string_view> keys;

  template <typename... Rest>
  void version(std::string_view key, const Rest&...) { keys.push_back(key); }
  template <typename... Rest>
  void unsigned64(std::string_view key, const Rest&...) { keys.push_back(key); }
  template <typename... Rest>
  void integer(std::string_view key, const Rest&...) { keys.push_back(key); }
  template <typename... Rest>
  void real(std::string_view key, const Rest&...) { keys.push_back(key); }
  template <typename... Rest>
  void boolean(std::string_view key, const Rest&...) { keys.push_back(key); }
  template <typename... Rest>
  void text(std::string_view key, const Rest&...) { keys.push_back(key); }
  template <typename... Rest>
  void enumeration(std::string_view key, const Rest&...) { keys.push_back(key); }
  template <typename... Rest>
  void integer_list(std::string_view key, const Rest&...) { keys.push_back(key); }
  template <typename... Rest>
  void section(std::string_view key, const Rest&...) { keys.push_back(key); }
};

// The keys of one section in table order: the ObjectReader's allowed keys.
template <typename Section>
std::vector<std::string_view> field_keys(const Section& section) {
  FieldKeyCollector collector;
  visit_fields(section, collector);
  return collector.keys;
}

struct SectionKeys {
  std::string path;  // dotted key path of the section: "" for the top level, "input.grid"
  std::vector<std::string_view> keys;
};

template <typename Section>
void append_sections(const Section& section, const std::string& path, std::vector<SectionKeys>& sections);

// Collects one section's keys like FieldKeyCollector and appends the entries of its nested sections.
struct SectionLister : FieldKeyCollector {
  std::string path;
  std::vector<SectionKeys>* sections;

  template <typename Section>
  void section(std::string_view key, const Section& nested) {
    keys.push_back(key);
    append_sections(nested, path.empty() ? std::string(key) : path + "." + std::string(key), *sections);
  }
};

template <typename Section>
void append_sections(const Section& section, const std::string& path, std::vector<SectionKeys>& sections) {
  const size_t index = sections.size();
  sections.push_back({path, {}});  // reserved before the visit, so a parent comes before its children
  SectionLister lister{{}, path, &sections};
  visit_fields(section, lister);
  sections[index].keys = std::move(lister.keys);
}

// Every section of a session with its keys, top level ("") first, each parent before its children;
// docs/session.md has one table per entry.
inline std::vector<SectionKeys> session_sections() {
  std::vector<SectionKeys> sections;
  append_sections(Session{}, "", sections);
  return sections;
}

}  // namespace seqscope::compute
