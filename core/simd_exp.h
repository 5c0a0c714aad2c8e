// A packet exp for the hot loops of the Eigen backend on AVX-512 CPUs (the fused scan's
// exp(delta A) per step and mode, the softmax rows), cheaper than Eigen's pexp at its accuracy.
//
// 2^t = 2^m 2^f with m = floor(t) and f = t - m in [0, 1):
// - f in one instruction (vreduceps, AVX512DQ: t minus t rounded down);
// - 2^f by a degree-6 polynomial fitted for relative error on [0, 1) (1.9e-9 in exact arithmetic,
//   below 1e-7 with float Horner steps: under one float ulp);
// - 2^m by vscalefps, which floors t itself and gives 0 below the float range, inf above it,
//   NaN for NaN.
// 9 instructions for exp2 where pexp takes 17; exp(x) adds the multiply t = x log2(e) (the
// scan folds log2(e) into A once per channel instead). Rounding t costs up to one ulp of x, so
// exp(x) is within (2e-7 + 1.2e-7 |x|) relative: the error that rounding x itself to float
// already implies, since exp's relative condition number is |x|. tests/core/test_simd_exp.cpp
// checks that bound against std::exp over the float range, and the edges (0, inf, NaN).
#pragma once

#include <Eigen/Core>

#if defined(EIGEN_VECTORIZE_AVX512) && defined(__AVX512DQ__)
#include <immintrin.h>
#define SEQSCOPE_HAS_PACKET_EXP2 1

namespace seqscope::compute {

using Packet16f = Eigen::internal::Packet16f;

constexpr float kLog2e = 1.44269504088896341f;

// 2^t per lane.
inline Packet16f exp2_packet(const Packet16f& t) {
  using Eigen::internal::pmadd;
  using Eigen::internal::pset1;
  const Packet16f f = _mm512_reduce_ps(t, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);  // t - floor(t)
  Packet16f p = pset1<Packet16f>(2.1702254197e-4f);
  for (float c : {1.2439688573e-3f, 9.6788408651e-3f, 5.5483342083e-2f, 2.4022983624e-1f, 6.9314698385e-1f,
                  1.0000000019e+0f})
    p = pmadd(p, f, pset1<Packet16f>(c));
  // p 2^floor(t); the all-lanes zero-masking form, since GCC 12 warns that the plain form's
  // undefined pass-through lanes are uninitialized (GCC bug 105593).
  return _mm512_maskz_scalef_ps(static_cast<__mmask16>(0xFFFF), p, t);
}

// e^x per lane.
inline Packet16f exp_packet(const Packet16f& x) {
  return exp2_packet(Eigen::internal::pmul(x, Eigen::internal::pset1<Packet16f>(kLog2e)));
}

}  // namespace seqscope::compute

#endif
