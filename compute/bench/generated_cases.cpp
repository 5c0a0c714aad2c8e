// The generated parity suite (generated_cases.h).
//
// Index (each part starts at a "// [SECTION] name" line):
//   sampling
//   cost
//   attention cases
//   SSM cases
#include "compute/bench/generated_cases.h"

#include <algorithm>
#include <span>
#include <string>

#include "compute/session/cost_model.h"
#include "compute/session/map_overview.h"
#include "compute/session/session_schema.h"
#include "core/param_rng.h"
#include "core/types.h"

namespace seqscope::compute {

// [SECTION] sampling

namespace {

// Case i's value of one axis: the axis in a seeded shuffle, reshuffled every pass, so that the
// first `values.size()` cases take every value once and the axes are not correlated.
template <typename T>
class AxisCycle {
 public:
  AxisCycle(std::span<const T> values, uint64_t seed, std::string_view axis) : values_(values.begin(), values.end()),
                                                                                rng_(seed, axis) {}
  T next() {
    if (!returned_.empty()) {
      const T value = returned_.back();
      returned_.pop_back();
      return value;
    }
    if (position_ == 0) shuffle();
    const T value = values_[position_];
    position_ = (position_ + 1) % values_.size();
    return value;
  }
  // A value a case could not keep (over the budget): the next case takes it instead.
  void put_back(T value) { returned_.push_back(value); }

 private:
  void shuffle() {
    for (size_t i = values_.size(); i > 1; --i) std::swap(values_[i - 1], values_[rng_.next() % i]);
  }
  std::vector<T> values_;
  std::vector<T> returned_;
  ParamRng rng_;
  size_t position_ = 0;
};

// A value of `values` drawn uniformly.
template <typename T>
T pick(ParamRng& rng, std::span<const T> values) {
  return values[rng.next() % values.size()];
}

template <typename E>
std::vector<E> all_values() {
  std::vector<E> out;
  for (const auto& entry : schema::enum_names(E{})) out.push_back(entry.value);
  return out;
}

template <typename E>
std::string name_of(E value) {
  return std::string(schema::enum_name(value));
}

constexpr int kMaxDraws = 100;  // draws of a case's other fields before it is left out

bool valid(const Session& session) {
  try {
    validate_session(session);
    return true;
  } catch (const UserError&) {
    return false;
  }
}

}  // namespace

// [SECTION] cost

double case_cost(const Session& s) {
  const int L = sequence_length(s);
  double flops = ssm_cost(s.ssm, L, s.d_model).flops + attention_cost(s.attention, L, s.d_model).flops;
  const double pairs = 0.5 * L * (L + 1.0);
  const double per_pair_mode = ssm_is_complex(s.ssm) ? 12.0 : 3.0;  // running product, C times it, a sum
  const double modes = s.ssm.variant == SsmVariant::Dense ? double(s.ssm.state_size) * s.ssm.state_size
                                                          : double(s.ssm.state_size);
  flops += double(s.ssm.hidden_attention_channels.size()) * pairs * modes * per_pair_mode;
  if (maps_pooled(s, L)) flops += attention_cost(s.attention, L, s.d_model).flops;  // the overview pass
  return flops;
}

// [SECTION] attention cases

namespace {

// Gives up heads, then head width, until the case fits kGeneratedCaseFlops (or cannot shrink).
void fit_attention_budget(AttentionCase& c) {
  while (case_cost(session_of(c)) > kGeneratedCaseFlops) {
    if (c.H > 1) {
      c.H = 1;
    } else if (c.dh > 1) {
      c.dh = c.dh > 8 ? c.dh / 2 : 1;
    } else {
      return;
    }
  }
}

std::string attention_case_name(int i, const AttentionCase& c) {
  return "Gen" + std::to_string(i) + "_" + name_of(c.kind) + "_" + name_of(c.mask) + "_" + name_of(c.positional) +
         "_L" + std::to_string(c.L) + "_H" + std::to_string(c.H) + "_dh" + std::to_string(c.dh);
}

}  // namespace

std::vector<AttentionCase> generated_attention_cases(int count, uint64_t seed) {
  const std::vector<AttentionKind> kinds{AttentionKind::Softmax, AttentionKind::Softmax, AttentionKind::Linear,
                                         AttentionKind::Lag};  // softmax twice: it has the most kernels
  AxisCycle<int> lengths(kParityLengths, seed, "gen.attention.L");
  AxisCycle<AttentionKind> kind(kinds, seed, "gen.attention.kind");
  AxisCycle<int> head_dims(kParityHeadDims, seed, "gen.attention.dh");
  AxisCycle<MaskKind> masks(all_values<MaskKind>(), seed, "gen.attention.mask");
  AxisCycle<Positional> positions(all_values<Positional>(), seed, "gen.attention.positional");
  ParamRng rng(seed, "gen.attention.rest");
  const std::vector<FeatureMap> features = all_values<FeatureMap>();
  const std::vector<double> temperatures{1.0, 0.5, 2.0};
  const std::vector<int> lags{0, 1, 5, 64};
  std::vector<AttentionCase> cases;
  for (int i = 0; i < count; ++i) {
    AttentionCase c;
    c.L = lengths.next();
    c.kind = kind.next();
    c.dh = head_dims.next();
    c.mask = masks.next();
    c.positional = positions.next();
    for (int attempt = 0; attempt == 0 || (!valid(session_of(c)) && attempt < kMaxDraws); ++attempt) {
      if (attempt > 0) c.positional = pick(rng, std::span<const Positional>(all_values<Positional>()));
      c.H = pick<int>(rng, kParityHeads);
      c.window = pick<int>(rng, kParityWindows);
      c.temperature = pick<double>(rng, temperatures);
      c.feature_map = pick<FeatureMap>(rng, features);
      c.lag = pick<int>(rng, lags);
    }
    if (!valid(session_of(c))) continue;
    const int drawn_dh = c.dh;
    fit_attention_budget(c);
    if (c.dh != drawn_dh) head_dims.put_back(drawn_dh);
    c.name = attention_case_name(i, c);
    cases.push_back(c);
  }
  return cases;
}

// [SECTION] SSM cases

namespace {

// Gives up alpha channels, then state size, until the case fits kGeneratedCaseFlops.
void fit_ssm_budget(SsmCase& c) {
  while (case_cost(session_of(c)) > kGeneratedCaseFlops) {
    if (c.hidden_attention_channels.size() > 1) {
      c.hidden_attention_channels.erase(c.hidden_attention_channels.begin() + 1, c.hidden_attention_channels.end());
    } else if (c.N > 4) {
      c.N /= 4;
    } else if (!c.hidden_attention_channels.empty()) {
      c.hidden_attention_channels.clear();
    } else {
      return;
    }
  }
}

std::string ssm_case_name(int i, const SsmCase& c) {
  return "Gen" + std::to_string(i) + "_" + name_of(c.variant) + "_" + name_of(c.discretization) + "_" +
         name_of(c.init) + "_L" + std::to_string(c.L) + "_D" + std::to_string(c.D) + "_N" + std::to_string(c.N);
}

// The rest of an SSM case, drawn: width, blocks and the channels whose alpha is computed.
void draw_ssm_rest(ParamRng& rng, SsmCase& c) {
  c.D = pick<int>(rng, kParityChannels);
  c.bidirectional = rng.uniform() < 0.3;
  c.conv_width = rng.uniform() < 0.4 ? 4 : 0;
  c.gate = rng.uniform() < 0.4;
  const double r = rng.uniform();  // no alpha, channel 0, or the first and last channels
  c.hidden_attention_channels.clear();
  if (r >= 0.2) c.hidden_attention_channels.push_back(0);
  if (r >= 0.7 && c.D > 1) c.hidden_attention_channels.push_back(c.D - 1);
}

}  // namespace

std::vector<SsmCase> generated_ssm_cases(int count, uint64_t seed) {
  AxisCycle<int> lengths(kParityLengths, seed, "gen.ssm.L");
  AxisCycle<SsmVariant> variants(all_values<SsmVariant>(), seed, "gen.ssm.variant");
  AxisCycle<int> state_sizes(kParityStateSizes, seed, "gen.ssm.N");
  AxisCycle<Discretization> methods(all_values<Discretization>(), seed, "gen.ssm.discretization");
  AxisCycle<SsmInit> inits(all_values<SsmInit>(), seed, "gen.ssm.init");
  ParamRng rng(seed, "gen.ssm.rest");
  std::vector<SsmCase> cases;
  for (int i = 0; i < count; ++i) {
    SsmCase c;
    c.L = lengths.next();
    c.variant = variants.next();
    c.N = state_sizes.next();
    c.discretization = methods.next();
    c.init = inits.next();
    draw_ssm_rest(rng, c);
    for (int attempt = 1; !valid(session_of(c)) && attempt < kMaxDraws; ++attempt) {
      draw_ssm_rest(rng, c);
      if (attempt > kMaxDraws / 2) c.init = pick(rng, std::span<const SsmInit>(all_values<SsmInit>()));
    }
    if (!valid(session_of(c))) continue;
    const int drawn_n = c.N;
    fit_ssm_budget(c);
    if (c.N != drawn_n) state_sizes.put_back(drawn_n);
    c.name = ssm_case_name(i, c);
    cases.push_back(c);
  }
  return cases;
}

}  // namespace seqscope::compute
