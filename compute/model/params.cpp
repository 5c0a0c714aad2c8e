#include "compute/model/params.h"

#include <cmath>
#include <functional>
#include <stdexcept>

#include "core/param_rng.h"

namespace seqscope::compute::model {

int64_t TensorSpec::count() const {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return n;
}

std::vector<TensorSpec> parameter_specs(const ModelConfig& c) {
  const int64_t V = c.vocab_size, d = c.d_model, di = c.d_inner(), N = c.d_state, R = c.dt_rank, k = c.d_conv;
  std::vector<TensorSpec> specs;
  specs.push_back({"backbone.embedding.weight", {V, d}});
  for (int i = 0; i < c.n_layer(); ++i) {
    const std::string p = "backbone.layers." + std::to_string(i) + ".";
    const std::string m = p + "mixer.";
    specs.push_back({p + "norm.weight", {d}});
    switch (c.pattern[static_cast<size_t>(i)]) {
      case 'M':
        specs.push_back({m + "in_proj.weight", {2 * di, d}});
        specs.push_back({m + "conv1d.weight", {di, 1, k}});
        specs.push_back({m + "conv1d.bias", {di}});
        specs.push_back({m + "x_proj.weight", {R + 2 * N, di}});
        specs.push_back({m + "dt_proj.weight", {di, R}});
        specs.push_back({m + "dt_proj.bias", {di}});
        specs.push_back({m + "A_log", {di, N}});
        specs.push_back({m + "D", {di}});
        specs.push_back({m + "out_proj.weight", {d, di}});
        break;
      case 'S':
        specs.push_back({m + "in_proj.weight", {2 * di, d}});
        specs.push_back({m + "conv1d.weight", {di, 1, k}});
        specs.push_back({m + "conv1d.bias", {di}});
        specs.push_back({m + "log_dt", {di}});
        specs.push_back({m + "A_log", {di, N}});
        specs.push_back({m + "B", {di, N}});
        specs.push_back({m + "C", {di, N}});
        specs.push_back({m + "D", {di}});
        specs.push_back({m + "out_proj.weight", {d, di}});
        break;
      case '*':
        for (const char* w : {"q_proj", "k_proj", "v_proj", "o_proj"})
          specs.push_back({m + w + ".weight", {d, d}});
        break;
      case '-':
        specs.push_back({m + "up_proj.weight", {c.d_ff, d}});
        specs.push_back({m + "down_proj.weight", {d, c.d_ff}});
        break;
      default:
        throw std::invalid_argument("parameter_specs: pattern character '" + std::string(1, c.pattern[i]) +
                                    "'");
    }
  }
  specs.push_back({"backbone.norm_f.weight", {d}});
  return specs;
}

int64_t parameter_count(const ModelConfig& config) {
  int64_t n = 0;
  for (const TensorSpec& spec : parameter_specs(config)) n += spec.count();
  return n;
}

void detail::check_tensor_size(const TensorSpec& spec, int64_t size) {
  if (size != spec.count())
    throw std::invalid_argument("parameters: tensor " + spec.name + " holds " + std::to_string(size) +
                                " values, its shape says " + std::to_string(spec.count()));
}

template <typename T>
Parameters<T> zero_parameters(const ModelConfig& c) {
  const Eigen::Index V = c.vocab_size, d = c.d_model, di = c.d_inner(), N = c.d_state, R = c.dt_rank,
                     k = c.d_conv, ff = c.d_ff;
  Parameters<T> p;
  p.config = c;
  p.embedding = Mat<T>::Zero(V, d);
  p.norm_f = Vec<T>::Zero(d);
  for (char kind : c.pattern) {
    Layer<T> layer;
    layer.kind = kind;
    layer.norm = Vec<T>::Zero(d);
    if (kind == 'M') {
      MambaMixer<T>& m = layer.mamba;
      m.in_proj = Mat<T>::Zero(2 * di, d);
      m.conv_w = Mat<T>::Zero(di, k);
      m.conv_b = Vec<T>::Zero(di);
      m.x_proj = Mat<T>::Zero(R + 2 * N, di);
      m.dt_proj_w = Mat<T>::Zero(di, R);
      m.dt_proj_b = Vec<T>::Zero(di);
      m.A_log = Mat<T>::Zero(di, N);
      m.D = Vec<T>::Zero(di);
      m.out_proj = Mat<T>::Zero(d, di);
    } else if (kind == 'S') {
      S4Mixer<T>& s = layer.s4;
      s.in_proj = Mat<T>::Zero(2 * di, d);
      s.conv_w = Mat<T>::Zero(di, k);
      s.conv_b = Vec<T>::Zero(di);
      s.log_dt = Vec<T>::Zero(di);
      s.A_log = Mat<T>::Zero(di, N);
      s.B = Mat<T>::Zero(di, N);
      s.C = Mat<T>::Zero(di, N);
      s.D = Vec<T>::Zero(di);
      s.out_proj = Mat<T>::Zero(d, di);
    } else if (kind == '*') {
      AttentionMixer<T>& a = layer.attention;
      a.q_proj = a.k_proj = a.v_proj = a.o_proj = Mat<T>::Zero(d, d);
    } else {
      layer.mlp.up_proj = Mat<T>::Zero(ff, d);
      layer.mlp.down_proj = Mat<T>::Zero(d, ff);
    }
    p.layers.push_back(std::move(layer));
  }
  return p;
}

template Parameters<float> zero_parameters(const ModelConfig& config);
template Parameters<double> zero_parameters(const ModelConfig& config);

// [SECTION] init

namespace {

// How one tensor is drawn; `rng` is its own stream, values in row-major order.
using Draw = std::function<double(ParamRng& rng, int64_t index)>;

Draw uniform(double bound) {
  return [bound](ParamRng& rng, int64_t) { return rng.uniform(-bound, bound); };
}
Draw normal(double std) {
  return [std](ParamRng& rng, int64_t) { return std * rng.normal(); };
}
Draw constant(double value) {
  return [value](ParamRng&, int64_t) { return value; };
}

constexpr double kDtMin = 1e-3, kDtMax = 1e-1, kDtFloor = 1e-4;
constexpr double kInitStd = 0.02;

// mamba_simple: dt = exp(U(log dt_min, log dt_max)) clamped to dt_floor, bias = softplus^-1(dt)
// = dt + log(-expm1(-dt)).
double dt_bias(ParamRng& rng, int64_t) {
  const double dt = std::max(kDtFloor, std::exp(rng.uniform(std::log(kDtMin), std::log(kDtMax))));
  return dt + std::log(-std::expm1(-dt));
}

// The rule for a tensor by the end of its name.
Draw init_rule(const ModelConfig& c, const TensorSpec& spec) {
  const std::string& name = spec.name;
  auto ends = [&](const char* suffix) {
    const std::string s(suffix);
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  const double d = c.d_model, di = c.d_inner(), layers = c.n_layer();
  // PyTorch's default for nn.Linear / nn.Conv1d: kaiming_uniform(a = sqrt(5)), i.e.
  // U(-1/sqrt(fan_in), 1/sqrt(fan_in)); the conv's fan_in is 1 * d_conv (depthwise).
  if (ends("embedding.weight")) return normal(kInitStd);
  if (ends("norm.weight") || ends("norm_f.weight")) return constant(1.0);
  if (ends("mixer.in_proj.weight")) return uniform(1.0 / std::sqrt(d));
  if (ends("mixer.conv1d.weight") || ends("mixer.conv1d.bias")) return uniform(1.0 / std::sqrt(c.d_conv));
  if (ends("mixer.x_proj.weight")) return uniform(1.0 / std::sqrt(di));
  if (ends("mixer.dt_proj.weight")) return uniform(1.0 / std::sqrt(c.dt_rank));
  if (ends("mixer.dt_proj.bias")) return dt_bias;
  // A = -(n + 1) in every channel: Mamba's S4D-Real init (A_log = log(1..N)), for M and S.
  if (ends("mixer.A_log")) {
    const int64_t N = spec.shape[1];
    return [N](ParamRng&, int64_t i) { return std::log(static_cast<double>(i % N + 1)); };
  }
  if (ends("mixer.D")) return constant(1.0);
  // MambaLMHeadModel's _init_weights: out_proj re-drawn with the default, then / sqrt(n_layer).
  if (ends("mixer.out_proj.weight")) return uniform(1.0 / std::sqrt(di) / std::sqrt(layers));
  // S4D: log_dt ~ U(log dt_min, log dt_max), B = 1, C ~ N(0, 1).
  if (ends("mixer.log_dt"))
    return [](ParamRng& rng, int64_t) { return rng.uniform(std::log(kDtMin), std::log(kDtMax)); };
  if (ends("mixer.B")) return constant(1.0);
  if (ends("mixer.C")) return normal(1.0);
  // GPT-2's init: N(0, 0.02), the projections that write into the residual stream scaled by
  // 1 / sqrt(number of residual branches) (one per layer here).
  if (ends("mixer.o_proj.weight") || ends("mixer.down_proj.weight"))
    return normal(kInitStd / std::sqrt(layers));
  if (ends("_proj.weight")) return normal(kInitStd);
  throw std::invalid_argument("init_parameters: no rule for " + name);
}

}  // namespace

Parameters<float> init_parameters(const ModelConfig& config, uint64_t seed) {
  ModelConfig c = config;
  resolve_defaults(c);
  validate_config(c);
  Parameters<float> p = zero_parameters<float>(c);
  for_each_tensor(p, [&](const TensorSpec& spec, float* data) {
    const Draw draw = init_rule(c, spec);
    ParamRng rng(seed, spec.name);
    for (int64_t i = 0; i < spec.count(); ++i) data[i] = static_cast<float>(draw(rng, i));
  });
  return p;
}

}  // namespace seqscope::compute::model
