// The double arithmetic shared by the full hidden-attention map (hidden_attention.cpp) and its
// rows and overview (hidden_attention_pooled.cpp): products of the float Abar walk in double
// for real models and in complex<double> for complex ones, and stop at a float zero.
#pragma once
#include <complex>
#include <type_traits>

#include "types.h"

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

}  // namespace seqscope::compute::decay_walk
