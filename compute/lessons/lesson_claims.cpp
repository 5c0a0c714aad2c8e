// Lesson claim checks (lesson_claims.h). One function per check, each computed from Results:
// the recurrence and the attention rows (lesson 1), cost slopes (2), stability under each
// discretization (3), the Toeplitz hidden attention (4), selective Δ (5), recall through a
// fixed state (6), the exact hidden attention (7), linear attention's two forms (8), scan-order
// distances (9) and memory during generation (10).
//
// Index (each part starts at a "// [SECTION] name" line):
//   1: a state carried forward vs all pairs compared
//   2: cost
//   3: discretization
//   4: convolution view
//   5: selectivity (Δ, and a trained layer's α on the data tokens)
//   6: fixed state vs lag head
//   7: hidden attention vs softmax (exact; fading or reaching back with distance)
//   8: linear attention
//   9: scan orders
//   10: memory during generation
#include "compute/lessons/lesson_claims.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <numeric>

#include "compute/attention/attention.h"
#include "compute/session/cost_model.h"
#include "compute/session/inputs.h"
#include "compute/ssm/discretize.h"

namespace seqscope::compute {
namespace {

template <typename... Args>
std::string format(const char* pattern, Args... args) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, pattern, args...);
  return buffer;
}

ClaimResult fail(const std::string& why) { return {false, why}; }

// Least-squares slope of log y over log x (the cost panel's fit, on L >= 1024).
double loglog_fit(const std::vector<double>& x, const std::vector<double>& y) {
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double lx = std::log10(x[i]), ly = std::log10(y[i]);
    n += 1, sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

// [SECTION] 1: a state carried forward vs all pairs compared

ClaimResult state_vs_pairs(const Results& r) {
  const SsmResults& s = r.ssm;
  if (s.dense || s.bidirectional || s.Abar.rank() != 3) return fail("needs a diagonal, one-directional SSM");
  // h_t = Abar_t h_{t-1} + Bbar_t u_t, checked at every (t, d, n) from the stored tensors.
  double worst = 0.0, scale = 1e-12;
  for (int t = 0; t < s.L; ++t)
    for (int d = 0; d < s.D; ++d)
      for (int n = 0; n < s.N; ++n) {
        const Complex prev = t > 0 ? s.h.at(t - 1, d, n) : Complex(0.0f);
        const Complex next = s.Abar.at(t, d, n) * prev + s.Bbar.at(t, d, n) * s.u(t, d);
        worst = std::max(worst, static_cast<double>(std::abs(next - s.h.at(t, d, n))));
        scale = std::max(scale, static_cast<double>(std::abs(s.h.at(t, d, n))));
      }
  const AttentionResults& a = r.attention;
  if (r.session.attention.kind != AttentionKind::Softmax || r.session.attention.mask != MaskKind::Causal)
    return fail("needs causal softmax attention");
  bool rows_ok = true;
  for (int h = 0; h < a.H; ++h)
    for (int t = 0; t < a.L; ++t) {
      int nonzero = 0;
      double sum = 0.0;
      for (int u = 0; u < a.L; ++u) {
        const float p = a.probs.at(h, t, u);
        nonzero += p != 0.0f;
        sum += p;
        if (u > t && p != 0.0f) rows_ok = false;
      }
      if (nonzero != t + 1 || std::abs(sum - 1.0) > 1e-5) rows_ok = false;
    }
  const int t = std::clamp(r.session.cursor, 0, s.L - 1);
  const bool passed = worst / scale < 1e-4 && rows_ok;
  return {passed, format("SSM: state hₜ has D·N = %d numbers at every t; recurrence residual %.1e (relative). "
                         "Attention: row t has t+1 weights (%s), at t = %d: %d weights, summing to 1.",
                         s.D * s.N, worst / scale, rows_ok ? "all rows" : "NOT all rows", t, t + 1)};
}

// [SECTION] 2: cost

ClaimResult cost_slopes(const Results& r) {
  std::vector<double> L, ssm, attention;
  for (int l = 1024; l <= 65536; l *= 2) {
    L.push_back(l);
    ssm.push_back(ssm_cost(r.session.ssm, l, r.session.d_model).flops);
    attention.push_back(attention_cost(r.session.attention, l, r.session.d_model).flops);
  }
  const double s = loglog_fit(L, ssm), a = loglog_fit(L, attention);
  const bool passed = std::abs(s - 1.0) < 0.05 && std::abs(a - 2.0) < 0.05;
  return {passed, format("fitted log-log slopes over L = 1024..65536: SSM FLOPs ~ L^%.3f, attention FLOPs ~ L^%.3f", s, a)};
}

// [SECTION] 3: discretization

double radius_with(const SsmResults& s, Discretization method) {
  double radius = 0.0;
  for (int d = 0; d < s.D; ++d)
    for (int n = 0; n < s.N; ++n)
      radius = std::max(radius, static_cast<double>(std::abs(discretize_mode(s.A(d, n), s.delta(0, d), method).Abar)));
  return radius;
}

ClaimResult euler_unstable(const Results& r) {
  const SsmResults& s = r.ssm;
  if (s.dense || !s.lti || r.session.ssm.discretization != Discretization::Euler)
    return fail("needs a diagonal LTI SSM discretized with forward Euler");
  const double euler = s.max_abs_eig_discrete;
  const double zoh = radius_with(s, Discretization::Zoh), bilinear = radius_with(s, Discretization::Bilinear);
  const bool passed = euler > 1.0 && zoh < 1.0 && bilinear < 1.0;
  return {passed, format("at Δ = %.3g: max |eig(Abar)| forward Euler %.3f (> 1: unstable), ZOH %.3f, bilinear %.3f (< 1)",
                         static_cast<double>(s.delta(0, 0)), euler, zoh, bilinear)};
}

// [SECTION] 4: convolution view

ClaimResult lti_toeplitz(const Results& r) {
  const SsmResults& s = r.ssm;
  if (!s.lti || s.hidden_attention_channels.empty() || s.bidirectional) return fail("needs a one-directional LTI SSM with α");
  const int d = s.hidden_attention_channels[0];
  double kernel_error = 0.0, toeplitz_error = 0.0, above = 0.0, scale = 1e-12;
  for (int k = 0; k < s.L; ++k) scale = std::max(scale, static_cast<double>(std::abs(s.kernel(d, k))));
  for (int t = 0; t < s.L; ++t)
    for (int u = 0; u < s.L; ++u) {
      const double alpha = s.hidden_attention.at(0, t, u);
      if (u > t) {
        above = std::max(above, std::abs(alpha));
        continue;
      }
      kernel_error = std::max(kernel_error, std::abs(alpha - s.kernel(d, t - u)));
      toeplitz_error = std::max(toeplitz_error, std::abs(alpha - s.hidden_attention.at(0, t - u, 0)));
    }
  const bool passed = kernel_error / scale < 1e-4 && toeplitz_error / scale < 1e-4 && above == 0.0;
  return {passed, format("channel %d: max |α[t,s] - K[t-s]| = %.1e, max |α[t,s] - α[t-s,0]| = %.1e (relative to max |K| = %.3g); "
                         "zero above the diagonal",
                         d, kernel_error / scale, toeplitz_error / scale, scale)};
}

// [SECTION] 5: selectivity

// Per-step Δ averaged over the channels, and the largest difference between any noise step's
// Δ row and the first one's (one-hot: the rows should be equal to float rounding).
struct DeltaByRole {
  int data = 0, noise = 0;
  double data_min = 1e30, data_mean = 0.0, noise_max = 0.0, noise_mean = 0.0, noise_spread = 0.0;
};

DeltaByRole delta_by_role(const SsmResults& s, const std::vector<TokenRole>& roles) {
  DeltaByRole d;
  int first_noise = -1;
  for (int t = 0; t < s.L; ++t) {
    const double mean = s.delta.row(t).mean();
    if (roles[static_cast<size_t>(t)] == TokenRole::Noise) {
      if (first_noise < 0) first_noise = t;
      d.noise_spread = std::max(d.noise_spread, static_cast<double>((s.delta.row(t) - s.delta.row(first_noise)).cwiseAbs().maxCoeff()));
      d.noise_max = std::max(d.noise_max, mean);
      d.noise_mean += mean, ++d.noise;
    } else if (roles[static_cast<size_t>(t)] == TokenRole::Data) {
      d.data_min = std::min(d.data_min, mean);
      d.data_mean += mean, ++d.data;
    }
  }
  if (d.noise > 0) d.noise_mean /= d.noise;
  if (d.data > 0) d.data_mean /= d.data;
  return d;
}

ClaimResult selective_delta(const Results& r) {
  const SsmResults& s = r.ssm;
  if (s.lti || r.inputs.roles.empty() || r.session.input.embedding != Embedding::OneHot)
    return fail("needs a selective SSM on one-hot task tokens");
  // Δ_t = softplus(u_t W_Δ + b_Δ) with one-hot u_t: a function of the token id alone.
  const DeltaByRole d = delta_by_role(s, r.inputs.roles);
  if (d.noise == 0 || d.data == 0) return fail("needs data and noise tokens");
  // A GEMM may round rows differently in the last bit, so "the same" allows float rounding.
  const double scale = std::max(1e-12, static_cast<double>(s.delta.cwiseAbs().maxCoeff()));
  const double ratio = d.data_min / std::max(d.noise_max, 1e-30);
  const bool passed = d.noise_spread <= 1e-6 * scale && ratio >= 10.0;
  return {passed, format("Δ (mean over the %d channels): every data token ≥ %.3g, every noise step ≤ %.3g: "
                         "ratio %.1f (≥ 10 %s). Mean Δ: data %.3g, noise %.3g. All %d noise steps share one Δ "
                         "(max difference %.1g).",
                         s.D, d.data_min, d.noise_max, ratio, ratio >= 10.0 ? "holds" : "does NOT hold", d.data_mean,
                         d.noise_mean, d.noise, d.noise_spread)};
}

// A selective layer whose Δ hardly depends on the token's role: the mean Δ on data tokens is
// within 2× of the mean on noise (what training produced on selective copying, lesson 5).
ClaimResult delta_flat(const Results& r) {
  const SsmResults& s = r.ssm;
  if (s.lti || r.inputs.roles.empty()) return fail("needs a selective SSM layer on a task sample");
  const DeltaByRole d = delta_by_role(s, r.inputs.roles);
  if (d.noise == 0 || d.data == 0) return fail("needs data and noise tokens");
  const double ratio = d.data_mean / std::max(d.noise_mean, 1e-30);
  const bool passed = ratio >= 0.5 && ratio <= 2.0;
  return {passed, format("mean Δ over the %d channels: %.3g on the %d data tokens, %.3g on the %d noise steps: "
                         "ratio %.2f (within 2× %s).",
                         s.D, d.data_mean, d.data, d.noise_mean, d.noise, ratio, passed ? "holds" : "does NOT hold")};
}

// The answer rows' hidden attention, all channels: the share of Σ_d |α_d[t, s]| that lies within
// the conv's reach (s .. s + 3) of a data token, against the share of those positions in 0..t.
struct AlphaOnData {
  int rows = 0;
  double share = 0.0;     // mean over the answer rows
  double baseline = 0.0;  // mean over the answer rows: near-data positions / (t + 1)
};

AlphaOnData alpha_on_data(const SsmResults& s, const Inputs& inputs) {
  constexpr int k_reach = 4;  // a data token reaches the scan input through the width-4 conv
  std::vector<bool> near(static_cast<size_t>(s.L), false);
  for (int t = 0; t < s.L; ++t)
    if (inputs.roles[static_cast<size_t>(t)] == TokenRole::Data)
      for (int k = 0; k < k_reach && t + k < s.L; ++k) near[static_cast<size_t>(t + k)] = true;
  AlphaOnData out;
  const double twice = s.is_complex ? 2.0 : 1.0;
  for (int t = 0; t < s.L; ++t) {
    if (inputs.targets[static_cast<size_t>(t)] < 0) continue;
    // α_d[t, s] = Σ_n C_t[n] (Abar_{s+1} ⋯ Abar_t)[d, n] Bbar_s[d, n], from s = t down.
    MatrixC decay = MatrixC::Ones(s.D, s.N);
    double total = 0.0, on_data = 0.0;
    int near_count = 0;
    for (int u = t; u >= 0; --u) {
      double mass = 0.0;
      for (int d = 0; d < s.D; ++d) {
        Complex alpha(0.0f);
        for (int n = 0; n < s.N; ++n)
          alpha += (s.lti ? s.C(d, n) : s.C(t, n)) * decay(d, n) * s.Bbar.at(u, d, n);
        mass += std::abs(twice * alpha.real());
        for (int n = 0; n < s.N; ++n) decay(d, n) *= s.Abar.at(u, d, n);
      }
      total += mass;
      if (near[static_cast<size_t>(u)]) on_data += mass, ++near_count;
    }
    out.share += on_data / std::max(total, 1e-30);
    out.baseline += static_cast<double>(near_count) / (t + 1);
    ++out.rows;
  }
  if (out.rows > 0) out.share /= out.rows, out.baseline /= out.rows;
  return out;
}

// A selective layer's α concentrates on the data tokens (≥ 2× their share of the positions); a
// time-invariant one's depends on the distance t - s alone (Toeplitz) and does not (≤ 1.5×).
ClaimResult selective_alpha(const Results& r) {
  const SsmResults& s = r.ssm;
  if (s.dense || s.bidirectional || s.Abar.rank() != 3 || r.inputs.targets.empty() || r.inputs.roles.empty())
    return fail("needs a diagonal SSM layer of a model on a task sample");
  const AlphaOnData a = alpha_on_data(s, r.inputs);
  if (a.rows == 0) return fail("the sample has no answer rows");
  const double ratio = a.share / std::max(a.baseline, 1e-30);
  const bool passed = s.lti ? ratio <= 1.5 : ratio >= 2.0;
  return {passed, format("%s layer: at the %d answer rows, %.0f%% of Σ_d |α_d[t, s]| lies within 4 steps after a data "
                         "token, which are %.0f%% of the positions: %.2f× their share (%s %s).",
                         s.lti ? "time-invariant (S4D)" : "selective (S6)", a.rows, 100.0 * a.share, 100.0 * a.baseline,
                         ratio, s.lti ? "≤ 1.5×" : "≥ 2×", passed ? "holds" : "does NOT hold")};
}

// [SECTION] 6: fixed state vs lag head

ClaimResult fixed_state_recall(const Results& r) {
  const SsmResults& s = r.ssm;
  if (r.session.ssm.variant != SsmVariant::Shift || r.session.attention.kind != AttentionKind::Lag ||
      r.session.input.embedding != Embedding::OneHot || r.inputs.tokens.empty())
    return fail("needs the shift register, the lag head and one-hot tokens");
  const double chance = 1.0 / std::max(1, r.inputs.vocab - 4);
  bool within = true, beyond = true;
  double beyond_mean = 0.0;
  const int last = std::min(2 * s.N, s.L - 1);
  for (int k = 0; k < last; ++k) {
    const double accuracy = state_recall_accuracy(r, k);
    if (k < s.N) {
      within = within && accuracy == 1.0;
    } else {
      beyond = beyond && accuracy <= 2.0 * chance;
      beyond_mean += accuracy / (last - s.N);
    }
  }
  const int lag = r.session.attention.lag;
  const double head = attention_recall_accuracy(r, 0, lag);
  const bool passed = within && beyond && head == 1.0;
  return {passed, format("shift register (N = %d): lags 0..%d %s; lags %d..%d %.1f%% on average (chance %.1f%%). "
                         "Lag head at k = %d: %.0f%%.",
                         s.N, s.N - 1, within ? "100%" : "NOT all 100%", s.N, last - 1, 100.0 * beyond_mean, 100.0 * chance,
                         lag, 100.0 * head)};
}

// [SECTION] 7: hidden attention vs softmax

ClaimResult hidden_attention_exact(const Results& r) {
  const SsmResults& s = r.ssm;
  if (s.hidden_attention_channels.empty() || s.bidirectional || s.gated) return fail("needs α of a one-directional SSM");
  const int d = s.hidden_attention_channels[0];
  double error = 0.0, scale = 1e-12, row_min = 1e30, row_max = -1e30;
  for (int t = 0; t < s.L; ++t) {
    double mixed = 0.0, row = 0.0;
    for (int u = 0; u <= t; ++u) {
      mixed += s.hidden_attention.at(0, t, u) * s.u(u, d);
      row += s.hidden_attention.at(0, t, u);
    }
    const double y = s.y(t, d) - s.Dskip(d) * s.u(t, d);
    error = std::max(error, std::abs(mixed - y));
    scale = std::max(scale, std::abs(y));
    row_min = std::min(row_min, row), row_max = std::max(row_max, row);
  }
  double softmax_row = 0.0;
  for (int t = 0; t < r.attention.L; ++t) {
    double sum = 0.0;
    for (int u = 0; u < r.attention.L; ++u) sum += r.attention.probs.at(0, t, u);
    softmax_row = std::max(softmax_row, std::abs(sum - 1.0));
  }
  const bool passed = error / scale < 1e-4 && softmax_row < 1e-5;
  return {passed, format("channel %d: max |α u - (y - D u)| = %.1e (relative): α is exactly what the scan applies. "
                         "Softmax rows sum to 1 (±%.0e); α rows sum to %.3g..%.3g.",
                         d, error / scale, softmax_row, row_min, row_max)};
}

// Mean |α| of the shown channels at distances t - s in 0..3 and at 16 and beyond.
struct AlphaByDistance {
  double near = 0.0, far = 0.0;
};

AlphaByDistance alpha_by_distance(const SsmResults& s) {
  AlphaByDistance out;
  int64_t near_count = 0, far_count = 0;
  for (int c = 0; c < static_cast<int>(s.hidden_attention_channels.size()); ++c)
    for (int t = 0; t < s.L; ++t)
      for (int u = 0; u <= t; ++u) {
        const double value = std::abs(s.hidden_attention.at(c, t, u));
        if (t - u <= 3) out.near += value, ++near_count;
        if (t - u >= 16) out.far += value, ++far_count;
      }
  out.near /= std::max<int64_t>(near_count, 1);
  out.far /= std::max<int64_t>(far_count, 1);
  return out;
}

ClaimResult alpha_distance(const Results& r, bool fades) {
  const SsmResults& s = r.ssm;
  if (s.hidden_attention_channels.empty() || s.pooled() || s.L < 32) return fail("needs the full α of an SSM, L ≥ 32");
  const AlphaByDistance a = alpha_by_distance(s);
  const double ratio = a.near / std::max(a.far, 1e-30);
  const bool passed = fades ? ratio >= 5.0 : ratio <= 2.0;
  return {passed, format("mean |α[t, s]| over the %d shown channels: %.3g at distances t − s ≤ 3, %.3g at ≥ 16: "
                         "%.1f× (%s %s).",
                         static_cast<int>(s.hidden_attention_channels.size()), a.near, a.far, ratio,
                         fades ? "fades: ≥ 5×" : "reaches back: ≤ 2×", passed ? "holds" : "does NOT hold")};
}

ClaimResult alpha_fades(const Results& r) { return alpha_distance(r, true); }
ClaimResult alpha_reaches_back(const Results& r) { return alpha_distance(r, false); }

// [SECTION] trained attention: the lookup

LookupHead lookup_head_of(const Results& r) {
  const AttentionResults& a = r.attention;
  LookupHead best;
  const auto& tokens = r.inputs.tokens;
  const auto& targets = r.inputs.targets;
  if (a.probs.rank() != 3 || targets.empty()) return best;
  for (int h = 0; h < a.H; ++h) {
    int hits = 0, rows = 0;
    for (int t = 0; t < a.L; ++t) {
      const int target = targets[static_cast<size_t>(t)];
      if (target < 0) continue;
      int key = 0;
      for (int u = 1; u <= t; ++u)
        if (a.probs.at(h, t, u) > a.probs.at(h, t, key)) key = u;
      // The head found the answer when it reads the target itself or the step just before it.
      const bool at_target = tokens[static_cast<size_t>(key)] == target;
      const bool before_target = key + 1 < t && tokens[static_cast<size_t>(key + 1)] == target;
      hits += at_target || before_target;
      ++rows;
    }
    const double fraction = rows ? static_cast<double>(hits) / rows : 0.0;
    if (rows && (best.head < 0 || fraction > best.fraction)) best = {h, fraction, rows};
  }
  return best;
}

// The shown attention layer has a head whose strongest key, at ≥ 80% of the answer rows, is the
// answer or the step before it: the lookup a trained model learned (lessons 6, 11, 14).
ClaimResult attention_lookup(const Results& r) {
  if (r.inputs.targets.empty() || r.attention.L == 0) return fail("needs an attention layer of a model on a task sample");
  const LookupHead best = lookup_head_of(r);
  if (best.head < 0) return fail("the sample has no answer rows");
  const bool passed = best.fraction >= 0.8;
  return {passed, format("head %d of the shown layer: at %.0f%% of the %d answer rows its strongest key is the answer or "
                         "the step before it (≥ 80%% %s).",
                         best.head + 1, 100.0 * best.fraction, best.rows, passed ? "holds" : "does NOT hold")};
}

// Before training found it: no head's strongest key is the answer at even half the answer rows
// (lesson 15, the first steps of a run).
ClaimResult attention_no_lookup(const Results& r) {
  if (r.inputs.targets.empty() || r.attention.L == 0) return fail("needs an attention layer of a model on a task sample");
  const LookupHead best = lookup_head_of(r);
  if (best.head < 0) return fail("the sample has no answer rows");
  const bool passed = best.fraction < 0.5;
  return {passed, format("no lookup yet: the best head (%d) finds the answer at %.0f%% of the %d answer rows (< 50%% %s).",
                         best.head + 1, 100.0 * best.fraction, best.rows, passed ? "holds" : "does NOT hold")};
}

// [SECTION] 8: linear attention

ClaimResult linear_parallel_recurrent(const Results& r) {
  const AttentionResults& a = r.attention;
  if (r.session.attention.kind != AttentionKind::Linear || r.session.attention.mask != MaskKind::Causal)
    return fail("needs causal linear attention");
  double worst = 0.0;
  for (int h = 0; h < a.H; ++h) {
    const Matrix phi_q = feature_map(attention_head(a.q, h), r.session.attention.feature_map);
    const Matrix phi_k = feature_map(attention_head(a.k, h), r.session.attention.feature_map);
    const Matrix v = attention_head(a.v, h);
    const Matrix recurrent = linear_attention_recurrent(phi_q, phi_k, v);
    const Matrix parallel = linear_attention_parallel(phi_q, phi_k, v, MaskKind::Causal, 0);
    const Matrix shown = attention_head(a.out, h);
    worst = std::max({worst, static_cast<double>((recurrent - parallel).cwiseAbs().maxCoeff()),
                      static_cast<double>((recurrent - shown).cwiseAbs().maxCoeff())});
  }
  const int dh = a.dh;
  return {worst < 1e-5, format("max |recurrent - parallel| over all heads = %.1e; the recurrent state Sₜ is %d×%d at every t",
                               worst, dh, dh)};
}

// [SECTION] 9: scan orders

ClaimResult scan_distances(const Results& r) {
  if (r.session.input.kind != InputKind::Grid) return fail("needs a grid input");
  const NeighbourDistances row = neighbour_distances_for(r.session, ScanOrder::RowMajor);
  const NeighbourDistances snake = neighbour_distances_for(r.session, ScanOrder::Snake);
  const NeighbourDistances hilbert = neighbour_distances_for(r.session, ScanOrder::Hilbert);
  const bool passed = snake.within3 > row.within3 && hilbert.within3 > snake.within3 && hilbert.max > row.max;
  return {passed, format("neighbour pairs within 3 steps: row-major %.0f%%, snake %.0f%%, Hilbert %.0f%%. "
                         "Median distance %.1f / %.1f / %.1f, mean %.2f / %.2f / %.2f, worst %d / %d / %d.",
                         100 * row.within3, 100 * snake.within3, 100 * hilbert.within3, row.median, snake.median,
                         hilbert.median, row.mean, snake.mean, hilbert.mean, row.max, snake.max, hilbert.max)};
}

// [SECTION] 10: memory during generation

ClaimResult memory_growth(const Results& r) {
  const auto& kv = r.attention.kv_cache_bytes;
  if (kv.size() < 2 || r.session.attention.kind != AttentionKind::Softmax || r.session.attention.mask != MaskKind::Causal)
    return fail("needs causal softmax attention");
  const double step = kv[1] - kv[0];
  bool linear = step > 0.0 && std::abs(kv[0] - step) < 1e-9;  // kv[t] = (t + 1) · step
  for (size_t t = 1; t < kv.size(); ++t) linear = linear && std::abs(kv[t] - kv[t - 1] - step) < 1e-9;
  const double per_token = 2.0 * r.attention.H * r.attention.dh * 4.0;  // one key and one value per head, float32
  linear = linear && step == per_token;
  const double state = ssm_state_bytes(r.session.ssm, r.session.d_model);
  const double h_bytes = static_cast<double>(r.ssm.D) * r.ssm.N * (r.ssm.is_complex ? 8.0 : 4.0);
  const bool passed = linear && state == h_bytes;
  return {passed, format("SSM state: %.0f B at every t (hₜ is D×N = %d×%d). KV cache: %.0f B per step, %s; %.0f B after the last step (%.0f× the state).",
                         state, r.ssm.D, r.ssm.N, step, linear ? "exactly linear in t" : "NOT linear in t", kv.back(),
                         kv.back() / state)};
}

using Check = std::function<ClaimResult(const Results&)>;
const std::map<std::string, Check>& checks() {
  static const std::map<std::string, Check> table{
      {"state_vs_pairs", state_vs_pairs},       {"cost_slopes", cost_slopes},
      {"euler_unstable", euler_unstable},       {"lti_toeplitz", lti_toeplitz},
      {"selective_delta", selective_delta},     {"fixed_state_recall", fixed_state_recall},
      {"hidden_attention_exact", hidden_attention_exact}, {"linear_parallel_recurrent", linear_parallel_recurrent},
      {"scan_distances", scan_distances},       {"memory_growth", memory_growth},
      {"selective_alpha", selective_alpha},     {"alpha_fades", alpha_fades},
      {"alpha_reaches_back", alpha_reaches_back}, {"delta_flat", delta_flat},
      {"attention_lookup", attention_lookup},   {"attention_no_lookup", attention_no_lookup},
  };
  return table;
}

}  // namespace

bool claim_check_exists(const std::string& check) { return checks().contains(check); }

LookupHead best_lookup_head(const Results& results) { return lookup_head_of(results); }

ClaimResult check_claim(const std::string& check, const Results& results) {
  const auto it = checks().find(check);
  if (it == checks().end()) return fail("unknown check " + check);
  return it->second(results);
}

NeighbourDistances neighbour_distances(const std::vector<int>& scan_order, const GridConfig& grid) {
  const int W = grid.width, H = grid.height, F = grid.frames;
  std::vector<int> step_of(static_cast<size_t>(W * H * F), 0);
  for (size_t t = 0; t < scan_order.size(); ++t) step_of[static_cast<size_t>(scan_order[t])] = static_cast<int>(t);
  NeighbourDistances out;
  auto pair = [&](int a, int b) { out.distances.push_back(std::abs(step_of[static_cast<size_t>(a)] - step_of[static_cast<size_t>(b)])); };
  for (int f = 0; f < F; ++f)
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) {
        const int cell = (f * H + y) * W + x;
        if (x + 1 < W) pair(cell, cell + 1);
        if (y + 1 < H) pair(cell, cell + W);
        if (f + 1 < F) pair(cell, cell + W * H);  // the same cell in the next frame
      }
  if (out.distances.empty()) return out;
  std::vector<int> sorted = out.distances;
  std::sort(sorted.begin(), sorted.end());
  const size_t n = sorted.size();
  out.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(n);
  out.median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  out.max = sorted.back();
  out.within3 = static_cast<double>(std::count_if(sorted.begin(), sorted.end(), [](int v) { return v <= 3; })) /
                static_cast<double>(n);
  return out;
}

NeighbourDistances neighbour_distances_for(const Session& session, ScanOrder order) {
  Session grid = session;
  grid.input.kind = InputKind::Grid;
  grid.input.grid.order = order;
  grid.cursor = 0;
  return neighbour_distances(make_inputs(grid).scan_order, grid.input.grid);
}

double state_recall_accuracy(const Results& r, int lag) {
  const SsmResults& s = r.ssm;
  const int slot = std::min(lag, s.N - 1);
  int correct = 0, total = 0;
  for (int t = lag; t < s.L; ++t) {
    int best = 0;
    for (int d = 1; d < s.D; ++d)
      if (s.h.at(t, d, slot).real() > s.h.at(t, best, slot).real()) best = d;
    correct += best == r.inputs.tokens[static_cast<size_t>(t - lag)];
    ++total;
  }
  return total ? static_cast<double>(correct) / total : 0.0;
}

double attention_recall_accuracy(const Results& r, int head, int lag) {
  const AttentionResults& a = r.attention;
  int correct = 0, total = 0;
  for (int t = lag; t < a.L; ++t) {
    int best = 0;
    for (int u = 1; u < a.L; ++u)
      if (a.probs.at(head, t, u) > a.probs.at(head, t, best)) best = u;
    correct += r.inputs.tokens[static_cast<size_t>(best)] == r.inputs.tokens[static_cast<size_t>(t - lag)];
    ++total;
  }
  return total ? static_cast<double>(correct) / total : 0.0;
}

}  // namespace seqscope::compute
