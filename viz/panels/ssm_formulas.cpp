// Formulas with numbers and hypothetical-Δ eigenvalues (see ssm_formulas.h). Every number
// shown is read from the Results except the Bbar factor and the Δ pre-activation, which are the
// same closed forms the model used, evaluated once more for display.
#include "viz/panels/ssm_formulas.h"

#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "compute/ssm/discretize.h"
#include "viz/panels/ssm_panel_util.h"

namespace seqscope::viz {
namespace {

using compute::Discretization;

constexpr double k_unstable_slack = 1e-6;  // as compute/ssm/ssm.cpp: rounding of |z| = 1 is not growth

std::string format(const char* pattern, ...) {
  char text[256];
  va_list args;
  va_start(args, pattern);
  std::vsnprintf(text, sizeof text, pattern, args);
  va_end(args);
  return text;
}

// Complex numbers in parentheses when they have an imaginary part, so products read right.
std::string num(std::complex<float> z, bool is_complex) {
  const std::string s = format_complex(z, is_complex);
  return is_complex ? "(" + s + ")" : s;
}

// " + x" or, for a negative real x, " − |x|" (no "+ -0.2").
std::string plus_term(std::complex<float> z, bool is_complex) {
  if (!is_complex && z.real() < 0.0f) return " − " + num(-z, false);
  return " + " + num(z, is_complex);
}

std::string delta_line(const compute::SsmResults& ssm, int t, int d) {
  const compute::SsmParams& p = ssm.params;
  const float delta = ssm.delta(t, d);
  if (p.discrete_time) return "no Δ: the shift register is born discrete (Abar is the shift matrix itself)";
  if (!p.selective) return format("Δ = dt_d = %.4g  (one learned step per channel, the same at every t: LTI)", delta);
  // The pre-activation u_t W_Δ + b_Δ for this channel (Mamba-2: its head's column).
  const int col = p.variant == compute::SsmVariant::Mamba2 && p.head_dim > 0 ? d / p.head_dim : d;
  float pre = p.b_delta(col);
  for (int k = 0; k < ssm.D; ++k) pre += ssm.u(t, k) * p.W_delta(k, col);
  return format("Δ_t = softplus(u_t W_Δ + b_Δ)  (selective: depends on u_t)\t= softplus(%.4g) = %.4g", pre, delta);
}

std::string abar_line(Discretization method, std::complex<float> dA, std::complex<float> abar, bool cx) {
  switch (method) {
    case Discretization::Zoh:
    case Discretization::Mamba:
      return "Abar = exp(ΔA)\t= exp" + std::string(cx ? "" : "(") + num(dA, cx) + (cx ? "" : ")") + " = " +
             num(abar, cx);
    case Discretization::Bilinear:
      return "Abar = (1 + ΔA/2) / (1 − ΔA/2)\twith ΔA = " + num(dA, cx) + ":  Abar = " + num(abar, cx);
    case Discretization::Euler:
      return "Abar = 1 + ΔA\t= 1 + " + num(dA, cx) + " = " + num(abar, cx);
    case Discretization::BackwardEuler:
      return "Abar = 1 / (1 − ΔA)\t= 1 / (1 − " + num(dA, cx) + ") = " + num(abar, cx);
  }
  return "";
}

std::string bbar_line(Discretization method, std::complex<float> scale, float b, std::complex<float> bbar, float u,
                      bool cx) {
  const std::string tail = " × B\t= " + num(scale, cx) + format(" × %.4g", b) + " = " + num(bbar, cx);
  switch (method) {
    case Discretization::Zoh:
      return "Bbar = (exp(ΔA) − 1)/A · B\t= " + num(scale, cx) + format(" × %.4g", b) + " = " + num(bbar, cx);
    case Discretization::Mamba:
      return format("Bbar u = Δ B u  (mamba: Δ B, not the exact ZOH factor)\t= %.4g × %.4g × %.4g = ", scale.real(),
                    b, u) + num(bbar * u, cx);
    case Discretization::Bilinear:
      return "Bbar = Δ / (1 − ΔA/2)" + tail;
    case Discretization::Euler:
      return "Bbar = Δ B\t= " + format("%.4g × %.4g", scale.real(), b) + " = " + num(bbar, cx);
    case Discretization::BackwardEuler:
      return "Bbar = Δ / (1 − ΔA)" + tail;
  }
  return "";
}

std::vector<std::string> diagonal_lines(const compute::Results& results, int t, int d, int n) {
  const compute::SsmResults& ssm = results.ssm;
  const compute::SsmParams& p = ssm.params;
  const Discretization method = results.session.ssm.discretization;
  const bool cx = ssm.is_complex;
  const float delta = ssm.delta(t, d), u = ssm.u(t, d);
  const std::complex<float> a = ssm.A(d, n), abar = ssm.Abar.at(t, d, n), bbar = ssm.Bbar.at(t, d, n);
  const float b = p.selective ? ssm.B(t, n) : ssm.B(d, n);
  const std::complex<float> c = p.selective ? ssm.C(t, n) : ssm.C(d, n);
  const compute::DiscreteMode mode = compute::discretize_mode(a, delta, method);
  const std::complex<float> h = ssm.h.at(t, d, n), h_prev = t > 0 ? ssm.h.at(t - 1, d, n) : 0.0f;
  std::vector<std::string> lines;
  lines.push_back(delta_line(ssm, t, d));
  lines.push_back("A[d, n] = " + num(a, cx) + (p.selective ? format("   B_t[n] = %.4g", b) : format("   B[d, n] = %.4g", b)) +
                  "   C[n] = " + num(c, cx) + format("   u_t = %.4g", u));
  lines.push_back(abar_line(method, delta * a, abar, cx));
  lines.push_back(bbar_line(method, mode.bbar_scale, b, bbar, u, cx));
  lines.push_back("h_t[n] = Abar h_{t−1}[n] + Bbar u_t\t= " + num(abar, cx) + " × " + num(h_prev, cx) + plus_term(bbar, cx) +
                  " × " + num(u, cx) + " = " + num(h, cx));
  const std::string sum = cx ? "2 Re Σ_n C[n] h_t[n]" : "Σ_n C[n] h_t[n]";
  lines.push_back("y_t = " + sum + format(" + D u_t\t= %.4g", ssm.y(t, d)) +
                  format("   (D = %.4g%s)", ssm.Dskip(d), ssm.bidirectional ? "; + the backward scan" : ""));
  return lines;
}

std::vector<std::string> dense_lines(const compute::Results& results, int t, int d) {
  const compute::SsmResults& ssm = results.ssm;
  const Discretization method = results.session.ssm.discretization;
  std::vector<std::string> lines;
  lines.push_back(delta_line(ssm, t, d));
  if (ssm.params.discrete_time) {
    lines.push_back("Abar = S, the N × N shift: h_t[n] = h_{t−1}[n−1] (a delay line, all eigenvalues 0)");
    lines.push_back("Bbar = e_0: u_t enters h_t[0] and moves one slot per step");
  } else {
    lines.push_back(discretization_formula(method, true) + "   (N × N matrices)");
  }
  double radius = 0.0;
  for (int n = 0; n < ssm.N; ++n) radius = std::max(radius, double(std::abs(ssm.discrete_eigenvalues().at(t, d, n))));
  lines.push_back(format("spectral radius ρ(Abar) = %.4g  (%s)", radius,
                         radius > 1.0 + k_unstable_slack ? "> 1: the state grows" : "≤ 1: stable"));
  double norm = 0.0;
  for (int n = 0; n < ssm.N; ++n) norm += std::norm(ssm.h.at(t, d, n));
  lines.push_back(format("h_t = Abar h_{t−1} + Bbar u_t:  u_t = %.4g,  ‖h_t‖ = %.4g", ssm.u(t, d), std::sqrt(norm)));
  lines.push_back(format("y_t = C h_t + D u_t = %.4g   (D = %.4g)", ssm.y(t, d), ssm.Dskip(d)));
  return lines;
}

}  // namespace

std::vector<std::complex<float>> discrete_eigenvalues(std::span<const std::complex<float>> continuous, float delta,
                                                      Discretization method) {
  std::vector<std::complex<float>> out;
  out.reserve(continuous.size());
  for (const auto& lambda : continuous) out.push_back(compute::discretize_mode(lambda, delta, method).Abar);
  return out;
}

int count_unstable(std::span<const std::complex<float>> points) {
  int count = 0;
  for (const auto& z : points) count += std::abs(z) > 1.0 + k_unstable_slack ? 1 : 0;
  return count;
}

std::vector<std::complex<float>> continuous_eigenvalues(const compute::SsmResults& ssm, int d) {
  if (ssm.eig_continuous.rank() != 2 || ssm.eig_continuous.shape[0] <= d) return {};
  const auto first = ssm.eig_continuous.data.begin() + static_cast<ptrdiff_t>(d) * ssm.N;
  return {first, first + ssm.N};
}

std::vector<std::complex<float>> discrete_eigenvalues_at(const compute::SsmResults& ssm, int t, int d) {
  const compute::TensorC& eig = ssm.discrete_eigenvalues();
  if (eig.rank() != 3 || eig.shape[0] <= t) return {};
  const auto first = eig.data.begin() + static_cast<ptrdiff_t>(t * ssm.D + d) * ssm.N;
  return {first, first + ssm.N};
}

std::vector<float> delta_series(const compute::SsmResults& ssm, int d) {
  std::vector<float> out(static_cast<size_t>(ssm.delta.rows()));
  for (Eigen::Index t = 0; t < ssm.delta.rows(); ++t) out[static_cast<size_t>(t)] = ssm.delta(t, d);
  return out;
}

std::string discretization_formula(Discretization method, bool dense) {
  switch (method) {
    case Discretization::Zoh:
      return dense ? "zoh: Abar = exp(ΔA) · Bbar = (ΔA)⁻¹(exp(ΔA) − I) ΔB"
                   : "zoh: Abar = exp(ΔA) · Bbar = (exp(ΔA) − 1)/A · B";
    case Discretization::Mamba:
      return "mamba: Abar = exp(ΔA) · Bbar u = Δ B u";
    case Discretization::Bilinear:
      return dense ? "bilinear: Abar = (I − ΔA/2)⁻¹(I + ΔA/2) · Bbar = (I − ΔA/2)⁻¹ ΔB"
                   : "bilinear: Abar = (1 + ΔA/2)/(1 − ΔA/2) · Bbar = Δ B/(1 − ΔA/2)";
    case Discretization::Euler:
      return dense ? "euler: Abar = I + ΔA · Bbar = ΔB" : "euler: Abar = 1 + ΔA · Bbar = Δ B";
    case Discretization::BackwardEuler:
      return dense ? "backward euler: Abar = (I − ΔA)⁻¹ · Bbar = (I − ΔA)⁻¹ ΔB"
                   : "backward euler: Abar = 1/(1 − ΔA) · Bbar = Δ B/(1 − ΔA)";
  }
  return "";
}

std::vector<std::string> formula_lines(const compute::Results& results, int t, int d, int n) {
  const compute::SsmResults& ssm = results.ssm;
  if (ssm.L == 0 || t < 0 || t >= ssm.L || d < 0 || d >= ssm.D || n < 0 || n >= ssm.N) return {};
  std::vector<std::string> lines = ssm.dense ? dense_lines(results, t, d) : diagonal_lines(results, t, d, n);
  if (ssm.gated) lines.push_back(format("gate: y_t · silu(z_t) = %.4g · silu(%.4g) = %.4g", ssm.y(t, d), ssm.z(t, d),
                                        ssm.y_gated(t, d)));
  return lines;
}

}  // namespace seqscope::viz
