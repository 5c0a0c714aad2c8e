// Session JSON: defaults and a non-default session round-trip exactly; every documented error is
// one line naming the key path; validate_session's cross-field checks; load_session file errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>

#include "compute/session/session.h"
#include "compute/session/session_schema.h"
#include "tests/compute/session/session_test_util.h"

namespace seqscope::compute {
namespace {

using nlohmann::json;

using testing::validate_error;

// The message of the UserError that parsing `text` throws ("" if none).
std::string parse_error(const std::string& text) {
  return testing::user_error_of([&] { session_from_json(json::parse(text)); });
}

Session non_default_session() {
  Session s;
  s.seed = 18446744073709551615ull;  // the largest seed must survive the round trip
  s.backend = BackendChoice::Vulkan;
  s.cursor = 5;
  s.input.kind = InputKind::Task;
  s.input.text = "héllo \"wörld\"\n";
  s.input.embedding = Embedding::OneHot;
  s.input.signal = SignalKind::Chirp;
  s.input.length = 40;
  s.input.frequency = 0.1234567890123;
  s.input.task = TaskKind::Mqar;
  s.input.vocab = 12;
  s.input.num_tokens = 3;
  s.input.num_queries = 2;
  s.input.lag = 4;
  s.input.grid = {5, 3, 2, GridPattern::Checker, ScanOrder::Hilbert, VideoOrder::TemporalFirst};
  s.d_model = 32;
  s.ssm = {SsmVariant::Mamba2, 64, SsmInit::HippoLegs, Discretization::Bilinear, 0.002, 0.2, 4, true, true, {1, 7, 31},
           DeltaInit::DataTokens};
  s.attention = {AttentionKind::Linear, 4, 16, MaskKind::Window, 9, Positional::Rope, 0.7, FeatureMap::Identity, 3};
  s.full_map_max_length = 1000;
  s.view = {.channel = 3,
            .head = 1,
            .all_heads = true,
            .normalization = MapNormalization::MinMaxAbs,
            .log_scale = false,
            .shared_scale = true,
            .tab = DynamicsTab::Kernel,
            .cost_tab = CostTab::Memory,
            .state_color = StateColorScope::Channel,
            .emphasize = "attention,hidden_attention"};
  return s;
}

TEST(SessionJson, DefaultsWriteEveryFieldWithSchemaNames) {
  const json expected = json::parse(R"({
    "version": 2, "seed": 7, "backend": "auto", "cursor": 0,
    "input": {"kind": "text", "text": "State space models carry a state; attention compares all pairs.",
              "embedding": "random", "signal": "sines", "length": 256, "frequency": 0.05,
              "task": "selective_copy", "vocab": 16, "num_tokens": 4, "num_queries": 0, "lag": 8,
              "grid": {"width": 8, "height": 8, "frames": 1, "pattern": "moving_square",
                       "order": "row_major", "video_order": "spatial_first"}},
    "d_model": 16,
    "ssm": {"variant": "s6", "state_size": 16, "init": "s4d_real", "discretization": "mamba",
            "dt_min": 0.001, "dt_max": 0.1, "conv_width": 0, "gate": false, "bidirectional": false,
            "hidden_attention_channels": [0], "delta_init": "random"},
    "attention": {"kind": "softmax", "heads": 2, "head_dim": 8, "mask": "causal", "window": 32,
                  "positional": "none", "temperature": 1.0, "feature_map": "elu1", "lag": 1},
    "full_map_max_length": 5792,
    "view": {"channel": 0, "head": 0, "all_heads": false, "normalization": "row", "log_scale": true,
             "shared_scale": false, "tab": "eigenvalues", "cost_tab": "scaling", "state_color": "all_channels", "emphasize": ""}})");
  EXPECT_EQ(session_to_json(Session{}), expected);
}

TEST(SessionJson, EmptyObjectGivesDefaults) {
  EXPECT_EQ(session_to_json(session_from_json(json::object())), session_to_json(Session{}));
}

TEST(SessionJson, NonDefaultSessionRoundTripsExactly) {
  const Session original = non_default_session();
  const json written = session_to_json(original);
  // Through text as well: doubles and the 64-bit seed must survive dump + parse.
  const Session back = session_from_json(json::parse(written.dump()));
  EXPECT_EQ(session_to_json(back), written);
  EXPECT_EQ(back.seed, original.seed);
  EXPECT_EQ(back.input.frequency, original.input.frequency);
  EXPECT_EQ(back.input.text, original.input.text);
  EXPECT_EQ(back.input.grid.order, ScanOrder::Hilbert);
  EXPECT_EQ(back.ssm.hidden_attention_channels, (std::vector<int>{1, 7, 31}));
  EXPECT_EQ(back.attention.temperature, 0.7);
  EXPECT_EQ(back.attention.kind, AttentionKind::Linear);
  EXPECT_EQ(back.ssm.delta_init, DeltaInit::DataTokens);
  EXPECT_EQ(back.view.tab, DynamicsTab::Kernel);
  EXPECT_EQ(back.view.emphasize, "attention,hidden_attention");
}

// So that the round trip above covers every field: each written value (but the version) differs
// from the default's.
TEST(SessionJson, NonDefaultSessionChangesEveryField) {
  const json defaults = session_to_json(Session{}).flatten();
  const json changed = session_to_json(non_default_session()).flatten();
  for (const auto& [pointer, value] : defaults.items()) {
    if (pointer == "/version") continue;
    ASSERT_TRUE(changed.contains(pointer)) << pointer;
    EXPECT_NE(changed[pointer], value) << pointer << " keeps its default in non_default_session()";
  }
}

TEST(SessionJson, EveryEnumSpellingParses) {
  for (const auto& entry : schema::kSsmInitNames) {
    Session s = session_from_json({{"ssm", {{"init", entry.name}}}});
    EXPECT_EQ(s.ssm.init, entry.value) << entry.name;
  }
  for (const auto& entry : schema::kDiscretizationNames) {
    Session s = session_from_json({{"ssm", {{"discretization", entry.name}}}});
    EXPECT_EQ(s.ssm.discretization, entry.value) << entry.name;
  }
  for (const auto& entry : schema::kDeltaInitNames) {
    Session s = session_from_json({{"ssm", {{"delta_init", entry.name}}}});
    EXPECT_EQ(s.ssm.delta_init, entry.value) << entry.name;
  }
  for (const auto& entry : schema::kMapNormalizationNames) {
    Session s = session_from_json({{"view", {{"normalization", entry.name}}}});
    EXPECT_EQ(s.view.normalization, entry.value) << entry.name;
  }
  for (const auto& entry : schema::kDynamicsTabNames) {
    Session s = session_from_json({{"view", {{"tab", entry.name}}}});
    EXPECT_EQ(s.view.tab, entry.value) << entry.name;
  }
  for (const auto& entry : schema::kStateColorNames) {
    Session s = session_from_json({{"view", {{"state_color", entry.name}}}});
    EXPECT_EQ(s.view.state_color, entry.value) << entry.name;
  }
  for (const auto& entry : schema::kScanOrderNames) {
    Session s = session_from_json({{"input", {{"grid", {{"order", entry.name}}}}}});
    EXPECT_EQ(s.input.grid.order, entry.value) << entry.name;
  }
}

struct ErrorCase {
  const char* json_text;
  const char* expected;  // a substring of the message, naming the key
};

class SessionJsonErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(SessionJsonErrors, OneLineNamingTheKey) {
  const std::string message = parse_error(GetParam().json_text);
  ASSERT_FALSE(message.empty()) << "no error for " << GetParam().json_text;
  EXPECT_NE(message.find(GetParam().expected), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(message.rfind("session: ", 0), 0u) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Documented, SessionJsonErrors,
    ::testing::Values(
        // unknown keys, top level and nested
        ErrorCase{R"({"sead": 1})", R"(unknown key "sead")"},
        ErrorCase{R"({"ssm": {"stat_size": 4}})", R"(unknown key "ssm.stat_size")"},
        ErrorCase{R"({"input": {"grid": {"depth": 2}}})", R"(unknown key "input.grid.depth")"},
        ErrorCase{R"({"view": {"colour": 1}})", R"(unknown key "view.colour")"},
        ErrorCase{R"({"view": {"tab": "kernels"}})", R"(view.tab = "kernels" is not one of eigenvalues|delta)"},
        ErrorCase{R"({"view": {"log_scale": 1}})", "view.log_scale must be true or false"},
        ErrorCase{R"({"view": {"channel": -1}})", "view.channel = -1 is out of range (0..65535)"},
        // out of range
        ErrorCase{R"({"ssm": {"state_size": 0}})", "ssm.state_size = 0 is out of range (1..256)"},
        ErrorCase{R"({"d_model": 2000})", "d_model = 2000 is out of range (1..1024)"},
        ErrorCase{R"({"input": {"frequency": 0.7}})", "input.frequency = 0.7 is out of range (0..0.5)"},
        ErrorCase{R"({"attention": {"temperature": 0}})", "attention.temperature = 0 is out of range (0.01..100)"},
        ErrorCase{R"({"attention": {"heads": 99999999999999}})", "attention.heads = 99999999999999 is out of range"},
        ErrorCase{R"({"input": {"grid": {"width": 0}}})", "input.grid.width = 0 is out of range (1..256)"},
        ErrorCase{R"({"ssm": {"hidden_attention_channels": [0, -1]}})",
                  "ssm.hidden_attention_channels[1] = -1 is out of range"},
        ErrorCase{R"({"seed": -1})", "seed = -1 is out of range"},
        // wrong types
        ErrorCase{R"({"ssm": {"state_size": "16"}})", "ssm.state_size must be an integer in 1..256"},
        ErrorCase{R"({"ssm": {"state_size": 16.5}})", "ssm.state_size must be an integer"},
        ErrorCase{R"({"ssm": {"gate": 1}})", "ssm.gate must be true or false"},
        ErrorCase{R"({"input": {"text": 5}})", "input.text must be a string"},
        ErrorCase{R"({"ssm": []})", "ssm must be an object"},
        ErrorCase{R"({"input": {"grid": 3}})", "input.grid must be an object"},
        ErrorCase{R"([1, 2])", "the top level must be an object"},
        ErrorCase{R"({"ssm": {"hidden_attention_channels": 0}})", "ssm.hidden_attention_channels must be an array"},
        ErrorCase{R"({"seed": "7"})", "seed must be a non-negative integer"},
        ErrorCase{R"({"attention": {"mask": 1}})", "attention.mask must be one of causal|none|window"},
        // bad enum strings
        ErrorCase{R"({"ssm": {"variant": "s5"}})", R"(ssm.variant = "s5" is not one of s4d|dense|shift|s6|mamba2)"},
        ErrorCase{R"({"input": {"grid": {"order": "zigzag"}}})", R"(input.grid.order = "zigzag" is not one of)"},
        ErrorCase{R"({"backend": "Eigen"})", R"(backend = "Eigen" is not one of auto|eigen|vulkan)"},
        ErrorCase{R"({"ssm": {"delta_init": "learned"}})", R"(ssm.delta_init = "learned" is not one of random|data_tokens)"},
        ErrorCase{R"({"ssm": {"delta_init": 1}})", "ssm.delta_init must be one of random|data_tokens"},
        // version
        ErrorCase{R"({"version": 3, "future_key": 1})", "version = 3 is not supported (supported versions: 1, 2)"},
        ErrorCase{R"({"version": "1"})", "version must be an integer (supported versions: 1, 2), got \"1\" (string)"},
        // cross-field checks, reported through session_from_json too
        ErrorCase{R"({"input": {"embedding": "onehot"}})", "input.embedding = onehot needs vocab <= d_model"},
        ErrorCase{R"({"ssm": {"dt_min": 0.5, "dt_max": 0.1}})", "ssm.dt_min = 0.5 is larger than ssm.dt_max = 0.1"},
        ErrorCase{R"({"ssm": {"hidden_attention_channels": [16]}})", "ssm.hidden_attention_channels[0] = 16"},
        ErrorCase{R"({"ssm": {"hidden_attention_channels": [2, 2]}})", "ssm.hidden_attention_channels[1] = 2 repeats"},
        ErrorCase{R"({"attention": {"heads": 16, "head_dim": 256}})", "attention.heads * attention.head_dim = 4096"},
        ErrorCase{R"({"cursor": 300, "input": {"kind": "signal", "length": 256}})", "cursor = 300 is out of range"},
        ErrorCase{R"({"input": {"kind": "text", "text": ""}})", "input.text is empty"},
        ErrorCase{R"({"input": {"kind": "task", "task": "copy", "length": 9, "num_tokens": 4}})",
                  "input.length = 9 is too short for copy with input.num_tokens = 4 (needs at least 10"},
        ErrorCase{R"({"input": {"kind": "task", "task": "selective_copy", "length": 7, "num_tokens": 4}})",
                  "input.length = 7 is too short for selective_copy with input.num_tokens = 4 (needs at least 8"},
        ErrorCase{R"({"input": {"kind": "task", "task": "mqar", "vocab": 6, "num_tokens": 3}})",
                  "input.num_tokens = 3 is too large for mqar with input.vocab = 6"},
        ErrorCase{R"({"input": {"kind": "task", "task": "induction", "length": 2}})",
                  "input.length = 2 is too short for induction (needs at least 3"},
        ErrorCase{R"({"input": {"kind": "task", "task": "delayed_recall", "length": 8, "lag": 8}})",
                  "input.lag = 8 is out of range for delayed_recall with input.length = 8 (1..7)"},
        ErrorCase{R"({"input": {"kind": "grid", "grid": {"width": 256, "height": 256, "frames": 2}}})",
                  "at most 65536"},
        ErrorCase{R"({"attention": {"kind": "lag", "lag": 300}, "input": {"kind": "signal"}})",
                  "attention.lag = 300 is out of range (0..255"}));

TEST(SessionValidate, ChecksFieldRangesOfSessionsBuiltInCode) {
  Session s;
  s.ssm.state_size = 0;
  EXPECT_EQ(validate_error(s), "session: ssm.state_size = 0 is out of range (1..256)");
  s = Session{};
  s.attention.temperature = std::nan("");
  EXPECT_NE(validate_error(s).find("attention.temperature"), std::string::npos);
  s = Session{};
  s.version = 3;
  EXPECT_NE(validate_error(s).find("version = 3 is not supported"), std::string::npos);
  s = Session{};
  s.input.text = "bad \xff byte";
  EXPECT_EQ(validate_error(s), "session: input.text is not valid UTF-8 (byte 4)");
}

TEST(SessionValidate, AcceptsBoundaryCases) {
  Session s;
  s.input.kind = InputKind::Task;
  s.input.task = TaskKind::Copy;
  s.input.num_tokens = 4;
  s.input.length = 10;  // exactly 2n + 2
  s.input.embedding = Embedding::OneHot;
  s.input.vocab = 16;  // == d_model
  EXPECT_EQ(validate_error(s), "");
  s.input.kind = InputKind::Grid;  // one-hot is irrelevant for grids
  s.input.grid = {4, 4, 4, GridPattern::Gradient, ScanOrder::Snake, VideoOrder::SpatialFirst};
  s.cursor = 63;
  EXPECT_EQ(validate_error(s), "");
}

TEST(SessionLength, FollowsTheInputKind) {
  Session s;
  s.input.text = "h\xc3\xa9!";  // "hé!" is 4 UTF-8 bytes
  EXPECT_EQ(sequence_length(s), 4);
  s.input.kind = InputKind::Signal;
  s.input.length = 100;
  EXPECT_EQ(sequence_length(s), 100);
  s.input.kind = InputKind::Task;
  EXPECT_EQ(sequence_length(s), 100);
  s.input.kind = InputKind::Grid;
  s.input.grid.width = 5;
  s.input.grid.height = 3;
  s.input.grid.frames = 2;
  EXPECT_EQ(sequence_length(s), 30);
}

class SessionFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("seqscope_test_session_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
  static std::string load_error(const std::filesystem::path& path) {
    try {
      load_session(path);
    } catch (const UserError& e) {
      return e.what();
    }
    return "";
  }
  std::filesystem::path dir_;
};

TEST_F(SessionFile, LoadsAValidFile) {
  const auto path = write("ok.json", R"({"seed": 3, "ssm": {"variant": "s4d", "init": "s4d_lin"}})");
  const Session s = load_session(path);
  EXPECT_EQ(s.seed, 3u);
  EXPECT_EQ(s.ssm.variant, SsmVariant::S4D);
}

TEST_F(SessionFile, ErrorsAreOneLineNamingTheFile) {
  const auto missing = dir_ / "missing.json";
  const auto bad_json = write("bad.json", "{\"seed\": 3,\n \"ssm\": }\n");
  const auto bad_value = write("range.json", R"({"ssm": {"state_size": 0}})");
  for (const auto& [path, what] : {std::pair{missing, std::string("No such file")},
                                   std::pair{bad_json, std::string("not valid JSON")},
                                   std::pair{bad_value, std::string("ssm.state_size = 0")},
                                   std::pair{dir_, std::string("directory")}}) {
    const std::string message = load_error(path);
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find(what), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  EXPECT_NE(load_error(bad_json).find("line 2"), std::string::npos) << load_error(bad_json);
}

}  // namespace
}  // namespace seqscope::compute
