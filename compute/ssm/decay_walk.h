// The double arithmetic shared by the full hidden-attention map (hidden_attention.cpp) and its
// rows and overview (hidden_attention_pooled.cpp): products of the float Abar walk in double
// for real models and in complex<double> for complex ones, and stop at a float zero.
#pragma once
#include <complex>
#include <type_traits>
#include <vector>

#include "core/types.h"

namespace seqscope::compute::decay_walk {

using ComplexD = std::complex<double>;

inline double real_of(double x) { return x; }
inline double real_of(ComplexD x) { return x.real(); }
inline double norm_of(double x) { return x * x; }
inline double norm_of(ComplexD x) { return std::norm(x); }

// |prod|^2 below this: a float zero (the smallest float denormal is 1.4e-45).
inline constexpr double kFloatZeroNorm = 1e-90;

// A stored float value as T: its real part for double (real models), all of it for ComplexD.
template <typename T>
T from_float(Complex z) {
  if constexpr (std::is_same_v<T, double>)
    return z.real();
  else
    return ComplexD(z);
}

// One channel's Abar, Bbar, C laid out [L][N], so that a step's N modes are contiguous.
template <typename T>
struct StepMajor {
  int L = 0, N = 0;
  std::vector<T> Abar, Bbar, C;
  const T* abar(int t) const { return Abar.data() + static_cast<size_t>(t) * N; }
  const T* bbar(int t) const { return Bbar.data() + static_cast<size_t>(t) * N; }
  const T* c(int t) const { return C.data() + static_cast<size_t>(t) * N; }
};

// Channel d of the discretized tensors Abar, Bbar [L, D, N] and C ([L, N] per step, or
// [D, N] per channel) as StepMajor<T> (from_float: real parts for double).
template <typename T>
StepMajor<T> gather_step_major(const TensorC& Abar, const TensorC& Bbar, const MatrixC& C, bool c_per_step, int d) {
  StepMajor<T> ch;
  ch.L = static_cast<int>(Abar.shape[0]);
  ch.N = static_cast<int>(Abar.shape[2]);
  const size_t size = static_cast<size_t>(ch.L) * ch.N;
  ch.Abar.resize(size), ch.Bbar.resize(size), ch.C.resize(size);
  for (int t = 0; t < ch.L; ++t)
    for (int n = 0; n < ch.N; ++n) {
      const size_t i = static_cast<size_t>(t) * ch.N + n;
      ch.Abar[i] = from_float<T>(Abar.at(t, d, n));
      ch.Bbar[i] = from_float<T>(Bbar.at(t, d, n));
      ch.C[i] = from_float<T>(c_per_step ? C(t, n) : C(d, n));
    }
  return ch;
}

}  // namespace seqscope::compute::decay_walk
