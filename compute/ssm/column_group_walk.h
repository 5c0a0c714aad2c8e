// Hidden attention of a real channel, column by column, kGroup columns at a time: shared by the
// full map (hidden_attention.cpp) and its overview (hidden_attention_pooled.cpp).
//
// Forward alpha[t, s] = sum_n C[t, n] p_s[n] with p_s = prod_{k=s+1..t} Abar_k Bbar_s (s <= t),
// products of the float Abar in double as in decay_walk.h. Columns s0 .. s0 + kGroup - 1 walk t
// together: one packet of doubles per mode holds the kGroup products, so each step costs one
// multiply-add per mode for the values and one multiply per mode for the decay, with no
// horizontal sum per column. A column starts (p = Bbar_s) when t reaches it; before that its
// lane is 0, which is its alpha above the diagonal.
#pragma once
#include <Eigen/Core>
#include <algorithm>
#include <vector>

#include "compute/ssm/decay_walk.h"

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace seqscope::compute::decay_walk {

using PacketD = Eigen::internal::packet_traits<double>::type;
inline constexpr int kGroup = Eigen::internal::packet_traits<double>::size;

// One real channel, [L][N] in double (decay_walk.h).
using StepMajorReal = StepMajor<double>;

// Denormal doubles (a mode decaying past 1e-308 between two flushes) are read and made as 0
// while this lives, so they cost no microcode assist; the thread's MXCSR is restored after.
class FlushDenormals {
 public:
#if defined(__SSE2__)
  FlushDenormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040); }  // FTZ | DAZ
  ~FlushDenormals() { _mm_setcsr(saved_); }
  FlushDenormals(const FlushDenormals&) = delete;
  FlushDenormals& operator=(const FlushDenormals&) = delete;

 private:
  unsigned saved_;
#endif
};

// Sets products below a float zero to exactly 0; false once every one is 0.
inline bool flush_group(double* prod, int N) {
  bool alive = false;
  for (int i = 0; i < N * kGroup; ++i) {
    if (prod[i] * prod[i] < kFloatZeroNorm) prod[i] = 0.0;
    else alive = true;
  }
  return alive;
}

// Columns [s0, s0 + lanes) (lanes <= kGroup), walked from t = s0 on in as many calls to walk
// as the caller likes: lane j of the values at step t is alpha[t, s0 + j].
class ColumnGroup {
 public:
  ColumnGroup(const StepMajorReal& ch, int s0, int lanes)
      : ch_(ch), s0_(s0), lanes_(lanes), t_(s0), prod_(static_cast<size_t>(ch.N * kGroup), 0.0) {}

  // Steps t = next() .. min(t_end, L) - 1, calling step(t, values); stops early once every
  // product is a float zero (checked every 16 steps), after which every entry of these
  // columns is 0: then returns false and next() is one past the last step walked.
  template <typename Step>
  bool walk(int t_end, Step step) {
    using namespace Eigen::internal;
    const int L = ch_.L, N = ch_.N;
    double* prod = prod_.data();
    for (t_end = std::min(t_end, L); t_ < t_end; ++t_) {
      const int t = t_;
      if (t - s0_ < lanes_)  // column s = t starts: p = Bbar_t
        for (int n = 0; n < N; ++n) prod[n * kGroup + (t - s0_)] = ch_.bbar(t)[n];
      const double *c = ch_.c(t), *a = t + 1 < L ? ch_.abar(t + 1) : nullptr;
      PacketD values = pzero(PacketD());
      for (int n = 0; n < N; ++n) {
        const PacketD p = pload<PacketD>(prod + n * kGroup);
        values = pmadd(pset1<PacketD>(c[n]), p, values);
        if (a) pstore(prod + n * kGroup, pmul(p, pset1<PacketD>(a[n])));
      }
      step(t, values);
      if ((t - s0_) % 16 == 15 && t - s0_ >= lanes_ && !flush_group(prod, N)) {
        ++t_;
        alive_ = false;
        return false;
      }
    }
    return alive_;
  }
  int next() const { return t_; }
  bool alive() const { return alive_; }

 private:
  const StepMajorReal& ch_;
  int s0_, lanes_, t_;
  bool alive_ = true;
  std::vector<double, Eigen::aligned_allocator<double>> prod_;  // [N][kGroup]: p of each lane
};

// The lanes of a packet, to sum or scan them (not Eigen's predux: GCC 12 flags its extract
// intrinsics as reading uninitialized lanes, bug 105593).
struct Lanes {
  alignas(64) double v[kGroup];
  explicit Lanes(const PacketD& x) { Eigen::internal::pstore(v, x); }
  double max() const { return *std::max_element(v, v + kGroup); }
  double sum() const {
    double s = 0.0;
    for (double x : v) s += x;
    return s;
  }
};

}  // namespace seqscope::compute::decay_walk
