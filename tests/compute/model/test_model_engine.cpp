// Tests of the model built from the ops (compute/model/{config,params,model,folder}.h):
// the config's validation and config.json, the parameter names and their initialisation, the
// whole model's gradients against central finite differences in double, and the model folder
// (save, read back with compute/checkpoint's safetensors reader, identical logits).
// The whole-model check against PyTorch autograd is check_torch_grads.py (via model_grads_export).
//
// Index (each part starts at a "// [SECTION] name" line):
//   helpers
//   config
//   parameters and init
//   whole-model gradients
//   folder
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compute/checkpoint/model.h"
#include "compute/checkpoint/safetensors.h"
#include "compute/checkpoint/seqscope_folder.h"
#include "compute/model/folder.h"
#include "compute/model/model.h"
#include "core/param_rng.h"
#include "core/types.h"

namespace seqscope::compute::model {
namespace {

namespace fs = std::filesystem;

// [SECTION] helpers

// The tiny sizes of the gradient tests: d 8, N 4, V 11, L 7, 2 heads (dh 4, RoPE on).
ModelConfig tiny_config(const std::string& pattern) {
  ModelConfig c;
  c.pattern = pattern;
  c.vocab_size = 11;
  c.d_model = 8;
  c.d_state = 4;
  c.n_heads = 2;
  c.rope_theta = 10000.0;
  resolve_defaults(c);
  validate_config(c);
  return c;
}

const std::vector<int> kTokens = {3, 0, 7, 10, 3, 5, 1};
const std::vector<int> kTargets = {0, -1, 4, 9, -1, 2, 6};

// Every entry moved by N(0, scale) (seeded per tensor name): away from init's special values
// (attention at 0.02, B = 1, D = 1), so every path of the backward carries weight.
template <typename T>
void perturb(Parameters<T>& p, double scale, uint64_t seed) {
  for_each_tensor(p, [&](const TensorSpec& spec, T* data) {
    ParamRng rng(seed, "perturb." + spec.name);
    for (int64_t i = 0; i < spec.count(); ++i) data[i] += static_cast<T>(scale * rng.normal());
  });
}

// Init's steps (delta ~ 0.001 .. 0.1) barely use the state: A_log's gradient is then ~1e-5 per
// entry, where central differences are mostly rounding. Steps ~20x longer make the scans count.
template <typename T>
void lengthen_steps(Parameters<T>& p) {
  for (Layer<T>& layer : p.layers) {
    if (layer.kind == 'M') layer.mamba.dt_proj_b.array() += T(3);
    if (layer.kind == 'S') layer.s4.log_dt.array() += T(3);
  }
}

std::map<std::string, double>& worst_errors() {
  static std::map<std::string, double> worst;
  return worst;
}
class PrintWorstErrors : public ::testing::Environment {
 public:
  void TearDown() override {
    if (worst_errors().empty()) return;
    std::printf("worst relative gradient error per pattern and tensor kind:\n");
    for (const auto& [name, err] : worst_errors()) std::printf("  %-40s %.2e\n", name.c_str(), err);
  }
};
[[maybe_unused]] ::testing::Environment* const print_worst =
    ::testing::AddGlobalTestEnvironment(new PrintWorstErrors);

// "backbone.layers.3.mixer.A_log" -> "mixer.A_log": the kind of tensor, for the summary.
std::string tensor_kind(const std::string& name) {
  const auto mixer = name.find("mixer.");
  if (mixer != std::string::npos) return name.substr(mixer);
  const auto norm = name.find("norm.weight");
  if (name.find("layers.") != std::string::npos && norm != std::string::npos) return "norm.weight";
  return name.substr(std::string("backbone.").size());
}

class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("seqscope_test_model_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};


std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no UserError)";
}

// [SECTION] config

TEST(ModelConfig, DefaultsResolveAsTheIssueSays) {
  ModelConfig c;
  c.d_model = 40;
  resolve_defaults(c);
  EXPECT_EQ(c.dt_rank, 3);  // ceil(40 / 16)
  EXPECT_EQ(c.d_ff, 160);
  EXPECT_EQ(c.d_conv, 4);
  EXPECT_EQ(c.expand, 2);
  EXPECT_EQ(c.norm_eps, 1e-5);
  EXPECT_EQ(c.d_inner(), 80);
  EXPECT_NO_THROW(validate_config(c));
}

TEST(ModelConfig, ValidationErrorsAreOneLine) {
  ModelConfig c = tiny_config("M*-S");
  c.pattern = "M*x-";
  const std::string unknown = error_of([&] { validate_config(c); });
  EXPECT_NE(unknown.find("'x' at position 2"), std::string::npos) << unknown;
  c = tiny_config("*");
  c.n_heads = 3;
  EXPECT_NE(error_of([&] { validate_config(c); }).find("not divisible by n_heads"), std::string::npos);
  c.pattern = "MS-";  // the heads matter only to attention
  EXPECT_NO_THROW(validate_config(c));
  c = tiny_config("*");
  c.n_heads = 8;  // dh 1: odd, with RoPE
  EXPECT_NE(error_of([&] { validate_config(c); }).find("even head width"), std::string::npos);
  c.rope_theta = 0.0;
  EXPECT_NO_THROW(validate_config(c));
  c = tiny_config("M");
  c.pattern = "";
  EXPECT_NE(error_of([&] { validate_config(c); }).find("empty"), std::string::npos);
  for (auto set : std::vector<std::function<void(ModelConfig&)>>{
           [](ModelConfig& m) { m.vocab_size = 1; }, [](ModelConfig& m) { m.d_model = 0; },
           [](ModelConfig& m) { m.d_state = 5000; }, [](ModelConfig& m) { m.expand = 0; },
           [](ModelConfig& m) { m.dt_rank = 9; }, [](ModelConfig& m) { m.norm_eps = 0.0; },
           [](ModelConfig& m) { m.rope_theta = -1.0; },
           [](ModelConfig& m) { m.pattern = std::string(300, 'M'); }}) {
    ModelConfig bad = tiny_config("M");
    set(bad);
    const std::string e = error_of([&] { validate_config(bad); });
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
    EXPECT_NE(e, "(no UserError)");
  }
}

TEST(ModelConfig, JsonRoundTripCarriesTheSettings) {
  ModelConfig c = tiny_config("M*-S");
  c.settings = {{"task", "copy"}, {"steps", 100}, {"lr", 0.003}};
  const nlohmann::json j = config_to_json(c);
  EXPECT_EQ(j["model_type"], "seqscope");
  EXPECT_EQ(j["pattern"], "M*-S");
  for (const char* key : {"vocab_size", "d_model", "d_state", "d_conv", "expand", "dt_rank", "n_heads",
                          "rope_theta", "d_ff", "norm_eps"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_FALSE(j.contains("ssm_cfg")) << "only an all-M pattern carries the state-spaces fields";
  const ModelConfig back = config_from_json(j, "config.json");
  EXPECT_EQ(config_to_json(back), j);
  EXPECT_EQ(back.settings["task"], "copy");
}

TEST(ModelConfig, AllMambaCarriesTheStateSpacesFields) {
  ModelConfig c = tiny_config("MMM");
  const nlohmann::json j = config_to_json(c);
  EXPECT_EQ(j["d_model"], 8);
  EXPECT_EQ(j["n_layer"], 3);
  EXPECT_EQ(j["vocab_size"], 11);
  EXPECT_EQ(j["ssm_cfg"], (nlohmann::json{{"d_state", 4}, {"d_conv", 4}, {"expand", 2}}));
  EXPECT_EQ(j["rms_norm"], true);
  EXPECT_EQ(j["tie_embeddings"], true);
  EXPECT_EQ(j["pad_vocab_size_multiple"], 1);
  EXPECT_EQ(j["fused_add_norm"], false);
  EXPECT_TRUE(j.contains("residual_in_fp32"));
  EXPECT_EQ(config_to_json(config_from_json(j, "config.json")), j);
  // A dt_rank other than "auto" is spelled out for mamba_ssm.
  c.dt_rank = 2;
  EXPECT_EQ(config_to_json(c)["ssm_cfg"]["dt_rank"], 2);
}

TEST(ModelConfig, FromJsonRefusesWithOneLine) {
  const nlohmann::json good = config_to_json(tiny_config("MM"));
  auto refuse = [](nlohmann::json j, const std::string& part) {
    const std::string e = error_of([&] { config_from_json(j, "dir/config.json"); });
    EXPECT_NE(e.find(part), std::string::npos) << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  };
  nlohmann::json j = good;
  j["model_type"] = "mamba";
  refuse(j, "not a seqscope model");
  j = good;
  j.erase("pattern");
  refuse(j, "missing field 'pattern'");
  j = good;
  j["d_state"] = "four";
  refuse(j, "field 'd_state' must be an integer");
  j = good;
  j["n_layer"] = 3;
  refuse(j, "'n_layer' disagrees");
  j = good;
  j["pattern"] = "MQ";
  refuse(j, "'Q' at position 1");
  refuse(nlohmann::json::array(), "not a JSON object");
}

// [SECTION] parameters and init

TEST(ModelParams, NamesAndShapesAreTheIssues) {
  const ModelConfig c = tiny_config("M*-S");  // di 16, R 1, N 4, d_ff 32
  std::vector<std::string> got;
  for (const TensorSpec& s : parameter_specs(c)) {
    std::string line = s.name + " [";
    for (size_t i = 0; i < s.shape.size(); ++i) {
      if (i > 0) line += ',';
      line += std::to_string(s.shape[i]);
    }
    got.push_back(line + "]");
  }
  const std::vector<std::string> want = {
      "backbone.embedding.weight [11,8]",
      "backbone.layers.0.norm.weight [8]",
      "backbone.layers.0.mixer.in_proj.weight [32,8]",
      "backbone.layers.0.mixer.conv1d.weight [16,1,4]",
      "backbone.layers.0.mixer.conv1d.bias [16]",
      "backbone.layers.0.mixer.x_proj.weight [9,16]",
      "backbone.layers.0.mixer.dt_proj.weight [16,1]",
      "backbone.layers.0.mixer.dt_proj.bias [16]",
      "backbone.layers.0.mixer.A_log [16,4]",
      "backbone.layers.0.mixer.D [16]",
      "backbone.layers.0.mixer.out_proj.weight [8,16]",
      "backbone.layers.1.norm.weight [8]",
      "backbone.layers.1.mixer.q_proj.weight [8,8]",
      "backbone.layers.1.mixer.k_proj.weight [8,8]",
      "backbone.layers.1.mixer.v_proj.weight [8,8]",
      "backbone.layers.1.mixer.o_proj.weight [8,8]",
      "backbone.layers.2.norm.weight [8]",
      "backbone.layers.2.mixer.up_proj.weight [32,8]",
      "backbone.layers.2.mixer.down_proj.weight [8,32]",
      "backbone.layers.3.norm.weight [8]",
      "backbone.layers.3.mixer.in_proj.weight [32,8]",
      "backbone.layers.3.mixer.conv1d.weight [16,1,4]",
      "backbone.layers.3.mixer.conv1d.bias [16]",
      "backbone.layers.3.mixer.log_dt [16]",
      "backbone.layers.3.mixer.A_log [16,4]",
      "backbone.layers.3.mixer.B [16,4]",
      "backbone.layers.3.mixer.C [16,4]",
      "backbone.layers.3.mixer.D [16]",
      "backbone.layers.3.mixer.out_proj.weight [8,16]",
      "backbone.norm_f.weight [8]",
  };
  EXPECT_EQ(got, want);
  int64_t total = 0;
  for_each_tensor(init_parameters(c, 1), [&](const TensorSpec& s, const float*) { total += s.count(); });
  EXPECT_EQ(total, parameter_count(c));
}

TEST(ModelParams, InitIsDeterministicAndFollowsTheReferences) {
  ModelConfig c = tiny_config("M*-S");
  c.d_model = 32;  // R 2, di 64: enough entries for the ranges below
  c.n_heads = 4;
  c.dt_rank = 0;
  c.d_ff = 0;
  resolve_defaults(c);
  const Parameters<float> a = init_parameters(c, 5);
  const Parameters<float> b = init_parameters(c, 5);
  const Parameters<float> other = init_parameters(c, 6);
  EXPECT_EQ(safetensors_bytes(a), safetensors_bytes(b));
  EXPECT_NE(safetensors_bytes(a), safetensors_bytes(other));
  const double di = 64, layers = 4;
  const MambaMixer<float>& m = a.layers[0].mamba;
  for (Eigen::Index c2 = 0; c2 < m.A_log.rows(); ++c2)
    for (Eigen::Index n = 0; n < m.A_log.cols(); ++n)
      EXPECT_FLOAT_EQ(m.A_log(c2, n), static_cast<float>(std::log(n + 1.0)));
  EXPECT_EQ(m.D, Vec<float>::Ones(64));
  EXPECT_EQ(a.layers[0].norm, Vec<float>::Ones(32));
  EXPECT_EQ(a.norm_f, Vec<float>::Ones(32));
  // dt bias = softplus^-1(dt), dt log-uniform in [1e-3, 1e-1]
  for (Eigen::Index i = 0; i < m.dt_proj_b.size(); ++i) {
    const double dt = std::log1p(std::exp(static_cast<double>(m.dt_proj_b(i))));
    EXPECT_GE(dt, 1e-3 * (1 - 1e-5));
    EXPECT_LE(dt, 1e-1 * (1 + 1e-5));
  }
  EXPECT_LE(m.dt_proj_w.cwiseAbs().maxCoeff(), 1.0 / std::sqrt(2.0));
  EXPECT_GT(m.dt_proj_w.cwiseAbs().maxCoeff(), 0.5 / std::sqrt(2.0));
  EXPECT_LE(m.in_proj.cwiseAbs().maxCoeff(), 1.0 / std::sqrt(32.0));
  EXPECT_LE(m.out_proj.cwiseAbs().maxCoeff(), 1.0 / std::sqrt(di) / std::sqrt(layers));
  EXPECT_GT(m.out_proj.cwiseAbs().maxCoeff(), 0.8 / std::sqrt(di) / std::sqrt(layers));
  EXPECT_LE(m.conv_w.cwiseAbs().maxCoeff(), 0.5);
  const S4Mixer<float>& s = a.layers[3].s4;
  EXPECT_EQ(s.B, Mat<float>::Ones(64, 4));
  EXPECT_EQ(s.A_log, m.A_log);
  EXPECT_GE(s.log_dt.minCoeff(), std::log(1e-3) - 1e-5);
  EXPECT_LE(s.log_dt.maxCoeff(), std::log(1e-1) + 1e-5);
  auto stdev = [](const Mat<float>& w) {
    return std::sqrt(w.cast<double>().squaredNorm() / static_cast<double>(w.size()));
  };
  EXPECT_NEAR(stdev(s.C), 1.0, 0.15);
  EXPECT_NEAR(stdev(a.embedding), 0.02, 0.004);
  EXPECT_NEAR(stdev(a.layers[1].attention.q_proj), 0.02, 0.004);
  EXPECT_NEAR(stdev(a.layers[1].attention.o_proj), 0.01, 0.002);  // 0.02 / sqrt(4 layers)
  EXPECT_NEAR(stdev(a.layers[2].mlp.up_proj), 0.02, 0.003);
  EXPECT_NEAR(stdev(a.layers[2].mlp.down_proj), 0.01, 0.0015);
  // One size changed leaves the other tensors' draws alone (one stream per tensor name).
  ModelConfig c3 = c;
  c3.d_ff = 64;
  EXPECT_EQ(init_parameters(c3, 5).layers[1].attention.q_proj, a.layers[1].attention.q_proj);
}

// [SECTION] whole-model gradients

// Central differences of the mean loss for every entry of every tensor, against
// loss_and_gradients, per tensor: || grad - fd || / max(|| grad ||, || fd ||). A gradient
// must be live, unless `zero_ok` names it: then it must be exactly 0 where the difference is.
void check_model_gradients(const std::string& pattern, int chunk, double tol,
                           const std::vector<int>& tokens = kTokens,
                           const std::vector<int>& targets = kTargets,
                           const std::set<std::string>& zero_ok = {}) {
  SCOPED_TRACE("pattern " + pattern + ", chunk " + std::to_string(chunk) + ", L " +
               std::to_string(tokens.size()));
  const ModelConfig c = tiny_config(pattern);
  Parameters<double> p = cast_parameters<double>(init_parameters(c, 3));
  perturb(p, 0.2, 9);
  lengthen_steps(p);
  Parameters<double> grads = zeros_like(p);
  const CrossEntropyResult r = loss_and_gradients<double>(p, tokens, targets, grads, 1.0, chunk);
  EXPECT_NEAR(model_loss<double>(p, tokens, targets, chunk).loss, r.loss, 1e-15);
  std::vector<double*> grad_data;
  for_each_tensor(grads, [&](const TensorSpec&, double* g) { grad_data.push_back(g); });
  constexpr double h = 1e-5;  // the model's loss has more rounding than one op's: a wider step
  size_t k = 0;
  for_each_tensor(p, [&](const TensorSpec& spec, double* w) {
    const double* g = grad_data[k++];
    double diff2 = 0, g2 = 0, fd2 = 0;
    for (int64_t i = 0; i < spec.count(); ++i) {
      const double keep = w[i];
      w[i] = keep + h;
      const double plus = model_loss<double>(p, tokens, targets, chunk).loss;
      w[i] = keep - h;
      const double minus = model_loss<double>(p, tokens, targets, chunk).loss;
      w[i] = keep;
      const double fd = (plus - minus) / (2 * h);
      diff2 += (g[i] - fd) * (g[i] - fd);
      g2 += g[i] * g[i];
      fd2 += fd * fd;
    }
    if (zero_ok.count(spec.name)) {
      EXPECT_EQ(g2, 0.0) << spec.name;
      EXPECT_EQ(fd2, 0.0) << spec.name;
      return;
    }
    const double err = std::sqrt(diff2) / std::max({std::sqrt(g2), std::sqrt(fd2), 1e-300});
    double& worst =
        worst_errors()[pattern + " L" + std::to_string(tokens.size()) + " " + tensor_kind(spec.name)];
    worst = std::max(worst, err);
    EXPECT_LE(err, tol) << spec.name << ": |grad| " << std::sqrt(g2) << ", |fd| " << std::sqrt(fd2);
    EXPECT_GT(std::sqrt(g2), 1e-8) << spec.name << " has a zero gradient";
  });
}

constexpr double kModelTol = 1e-6;

TEST(ModelGradients, Mamba) {
  check_model_gradients("M", kScanChunk, kModelTol);
}
TEST(ModelGradients, S4D) {
  check_model_gradients("S", kScanChunk, kModelTol);
}
TEST(ModelGradients, Attention) {
  check_model_gradients("*", kScanChunk, kModelTol);
}
TEST(ModelGradients, Mlp) {
  check_model_gradients("-", kScanChunk, kModelTol);
}
TEST(ModelGradients, Hybrid) {
  check_model_gradients("M*-S", kScanChunk, kModelTol);
}
// Chunks of 3 over L 7: the scans' backward recomputes states from checkpoints mid-sequence.
TEST(ModelGradients, HybridWithSmallScanChunks) {
  check_model_gradients("M*-S", 3, kModelTol);
}

// One token: the conv sees only its last tap, the selective scan has no previous state (its
// A_log's gradient is exactly 0; the S scan's Bbar still depends on A), attention has one key
// (q_proj and k_proj get exactly 0).
TEST(ModelGradients, SingleToken) {
  const std::vector<int> tokens = {6};
  const std::vector<int> targets = {2};
  // dt_proj.weight's gradient is only ~3e-5 here, where the differences' rounding (~1e-10)
  // is 3e-6 of it: a looser bound for this one case.
  check_model_gradients("M*-S", kScanChunk, 1e-5, tokens, targets,
                        {"backbone.layers.0.mixer.A_log", "backbone.layers.1.mixer.q_proj.weight",
                         "backbone.layers.1.mixer.k_proj.weight"});
}

TEST(ModelGradients, ChunkSizeDoesNotChangeAnything) {
  const ModelConfig c = tiny_config("MS");
  Parameters<double> p = cast_parameters<double>(init_parameters(c, 3));
  perturb(p, 0.2, 9);
  lengthen_steps(p);
  Parameters<double> g1 = zeros_like(p), g64 = zeros_like(p);
  loss_and_gradients<double>(p, kTokens, kTargets, g1, 1.0, 1);
  loss_and_gradients<double>(p, kTokens, kTargets, g64, 1.0, 64);
  std::vector<std::vector<double>> a, b;
  for_each_tensor(g1, [&](const TensorSpec& s, const double* d) { a.emplace_back(d, d + s.count()); });
  for_each_tensor(g64, [&](const TensorSpec& s, const double* d) { b.emplace_back(d, d + s.count()); });
  EXPECT_EQ(a, b);
}

// Gradients accumulate: two calls with dloss 0.5 each give one call's gradient (a batch's sum).
TEST(ModelGradients, BackwardAccumulates) {
  const ModelConfig c = tiny_config("M*");
  const Parameters<double> p = cast_parameters<double>(init_parameters(c, 3));
  Parameters<double> once = zeros_like(p), twice = zeros_like(p);
  loss_and_gradients<double>(p, kTokens, kTargets, once);
  loss_and_gradients<double>(p, kTokens, kTargets, twice, 0.5);
  loss_and_gradients<double>(p, kTokens, kTargets, twice, 0.5);
  EXPECT_LT((once.embedding - twice.embedding).norm(), 1e-14 * once.embedding.norm());
  EXPECT_LT((once.layers[0].mamba.A_log - twice.layers[0].mamba.A_log).norm(),
            1e-14 * once.layers[0].mamba.A_log.norm());
}

TEST(ModelForward, FloatMatchesDouble) {
  const ModelConfig c = tiny_config("M*-S");
  Parameters<float> pf = init_parameters(c, 3);
  perturb(pf, 0.2, 9);
  lengthen_steps(pf);
  const Parameters<double> pd = cast_parameters<double>(pf);
  ModelActivations<float> af;
  ModelActivations<double> ad;
  const Mat<float> lf = model_forward(pf, kTokens, af);
  const Mat<double> ld = model_forward(pd, kTokens, ad);
  EXPECT_LT((lf.cast<double>() - ld).cwiseAbs().maxCoeff(), 1e-5 * ld.cwiseAbs().maxCoeff());
}

TEST(ModelForward, RefusesBadTokens) {
  const Parameters<float> p = init_parameters(tiny_config("M"), 1);
  ModelActivations<float> act;
  const std::vector<int> outside = {1, 11};
  const std::vector<int> empty;
  EXPECT_THROW(model_forward(p, outside, act), UserError);
  EXPECT_THROW(model_forward(p, empty, act), UserError);
}

// [SECTION] folder

TEST(ModelFolder, SaveThenLoadGivesIdenticalLogits) {
  const TempDir tmp("roundtrip");
  ModelConfig c = tiny_config("M*-S");
  c.settings = {{"task", "copy"}};
  Parameters<float> p = init_parameters(c, 11);
  perturb(p, 0.1, 2);
  save_model_folder(tmp.path() / "m", p);
  EXPECT_TRUE(is_seqscope_folder(tmp.path() / "m"));
  const Parameters<float> back = checkpoint::load_model_folder(tmp.path() / "m");
  EXPECT_EQ(back.config.settings["task"], "copy");
  EXPECT_EQ(safetensors_bytes(back), safetensors_bytes(p));
  ModelActivations<float> a1, a2;
  const Mat<float> l1 = model_forward(p, kTokens, a1);
  const Mat<float> l2 = model_forward(back, kTokens, a2);
  EXPECT_EQ(l1, l2);
  // The reader sees the tensors in the file in spec order, each F32 and shaped as the spec.
  const checkpoint::SafetensorsFile file(tmp.path() / "m" / "model.safetensors");
  EXPECT_EQ(file.index().tensors().size(), parameter_specs(c).size());
  // Overwriting a seqscope folder is allowed.
  EXPECT_NO_THROW(save_model_folder(tmp.path() / "m", init_parameters(c, 12)));
  EXPECT_NE(safetensors_bytes(checkpoint::load_model_folder(tmp.path() / "m")), safetensors_bytes(p));
}

TEST(ModelFolder, AllMambaFolderHasTheStateSpacesLayout) {
  const TempDir tmp("allm");
  const ModelConfig c = tiny_config("MM");
  save_model_folder(tmp.path() / "m", init_parameters(c, 1));
  std::ifstream in(tmp.path() / "m" / "config.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["model_type"], "seqscope");
  EXPECT_EQ(j["n_layer"], 2);
  EXPECT_EQ(j["ssm_cfg"]["d_state"], 4);
  EXPECT_EQ(j["rms_norm"], true);
  EXPECT_EQ(j["tie_embeddings"], true);
  EXPECT_EQ(j["pad_vocab_size_multiple"], 1);
  // Exactly state-spaces' tensor names: no lm_head (tied), no extra tensor.
  const checkpoint::SafetensorsFile file(tmp.path() / "m" / "model.safetensors");
  std::set<std::string> names;
  for (const auto& [name, view] : file.index().tensors()) names.insert(name);
  EXPECT_EQ(names.size(), 2u + 2u * 10u);
  EXPECT_TRUE(names.count("backbone.layers.1.mixer.dt_proj.bias"));
  EXPECT_FALSE(names.count("lm_head.weight"));
  EXPECT_EQ(file.index().at("backbone.layers.0.mixer.conv1d.weight").shape, (std::vector<int64_t>{16, 1, 4}));
}

// The all-M folder's tensors are state-spaces' Mamba: seqscope's Mamba checkpoint forward
// (compute/checkpoint's independent implementation) runs them to the same logits. `--model DIR`
// runs a seqscope folder on the model engine (it keys on model_type), so the copy the Mamba
// loader opens has "model_type" removed: it then recognizes the state-spaces fields.
TEST(ModelFolder, AllMambaFolderRunsOnTheCheckpointMambaForward) {
  const TempDir tmp("allm_checkpoint");
  ModelConfig c = tiny_config("MM");
  c.d_model = 32;  // dt_rank 2
  c.dt_rank = 0;
  c.d_ff = 0;
  resolve_defaults(c);
  Parameters<float> p = init_parameters(c, 21);
  perturb(p, 0.1, 5);
  save_model_folder(tmp.path() / "m", p);
  fs::create_directories(tmp.path() / "plain");
  fs::copy_file(tmp.path() / "m" / "model.safetensors", tmp.path() / "plain" / "model.safetensors");
  nlohmann::json j = config_to_json(c);
  j.erase("model_type");
  std::ofstream(tmp.path() / "plain" / "config.json") << j.dump();
  const auto mamba = checkpoint::Model::open(tmp.path() / "plain");
  ASSERT_EQ(mamba->architecture(), checkpoint::Architecture::Mamba);
  const auto seqscope = checkpoint::Model::open(tmp.path() / "m");
  ASSERT_EQ(seqscope->architecture(), checkpoint::Architecture::Seqscope);

  const std::vector<int> tokens = {3, 0, 7, 10, 3, 5, 1, 9, 2};
  checkpoint::RunOptions options;
  const checkpoint::ModelRun run = mamba->run(tokens, options);
  ModelActivations<float> act;
  const Mat<float> ours = model_forward(p, tokens, act);
  ASSERT_EQ(run.logits.rows(), ours.rows());
  ASSERT_EQ(run.logits.cols(), ours.cols());
  EXPECT_LT((run.logits - ours).cwiseAbs().maxCoeff(), 1e-5f * ours.cwiseAbs().maxCoeff());
  EXPECT_EQ((seqscope->run(tokens, options).logits - ours).cwiseAbs().maxCoeff(), 0.0f);
  // The two forwards' shown layer agree too: the same u, delta and gated output.
  const checkpoint::ModelRun shown = seqscope->run(tokens, options);
  EXPECT_LT((shown.ssm.delta - run.ssm.delta).cwiseAbs().maxCoeff(), 1e-5f * run.ssm.delta.cwiseAbs().maxCoeff());
  EXPECT_LT((shown.ssm.y_gated - run.ssm.y_gated).cwiseAbs().maxCoeff(),
            1e-4f * (1.0f + run.ssm.y_gated.cwiseAbs().maxCoeff()));
}

TEST(ModelFolder, RefusesWhatIsNotASeqscopeFolder) {
  const TempDir tmp("refuse");
  const Parameters<float> p = init_parameters(tiny_config("-"), 1);
  // A folder with someone's files.
  fs::create_directories(tmp.path() / "other");
  std::ofstream(tmp.path() / "other" / "notes.txt") << "mine";
  std::string e = error_of([&] { save_model_folder(tmp.path() / "other", p); });
  EXPECT_NE(e.find("not a seqscope model folder"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(tmp.path() / "other" / "model.safetensors"));
  // A HF Mamba folder.
  fs::create_directories(tmp.path() / "hf");
  std::ofstream(tmp.path() / "hf" / "config.json") << R"({"model_type": "mamba", "d_model": 8})";
  e = error_of([&] { save_model_folder(tmp.path() / "hf", p); });
  EXPECT_NE(e.find("not a seqscope model folder"), std::string::npos) << e;
  // A file.
  std::ofstream(tmp.path() / "file") << "x";
  e = error_of([&] { save_model_folder(tmp.path() / "file", p); });
  EXPECT_NE(e.find("not a folder"), std::string::npos) << e;
  // An empty folder is fine.
  fs::create_directories(tmp.path() / "empty");
  EXPECT_NO_THROW(save_model_folder(tmp.path() / "empty", p));
}

TEST(ModelFolder, LoadRefusesMissingOrMisshapenTensors) {
  const ModelConfig c = tiny_config("-");
  const Parameters<float> p = init_parameters(c, 1);
  std::map<std::string, TensorData> tensors;
  for_each_tensor(p, [&](const TensorSpec& s, const float* d) {
    tensors[s.name] = TensorData{s.shape, std::vector<float>(d, d + s.count())};
  });
  auto lookup = [&](const std::string& name) -> std::optional<TensorData> {
    const auto it = tensors.find(name);
    if (it == tensors.end()) return std::nullopt;
    return it->second;
  };
  EXPECT_NO_THROW(parameters_from_tensors(c, lookup, "f"));
  tensors["backbone.layers.0.mixer.up_proj.weight"].shape = {8, 32};
  EXPECT_NE(
      error_of([&] { parameters_from_tensors(c, lookup, "f"); }).find("has shape [8, 32], expected [32, 8]"),
      std::string::npos);
  tensors.erase("backbone.norm_f.weight");
  tensors["backbone.layers.0.mixer.up_proj.weight"].shape = {32, 8};
  EXPECT_NE(
      error_of([&] { parameters_from_tensors(c, lookup, "f"); }).find("'backbone.norm_f.weight' is missing"),
      std::string::npos);
  const TempDir tmp("noconfig");
  EXPECT_NE(error_of([&] { read_model_config(tmp.path()); }).find("config.json"), std::string::npos);
}

}  // namespace
}  // namespace seqscope::compute::model
