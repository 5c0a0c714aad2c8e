// scan_real_fused (scan_fused.h). Each worker owns a contiguous block of channels and their
// state; per step it reads one row of u and delta, so memory traffic is the [L, D] inputs and
// output plus whatever the caller asked to materialize.
//
// Two inner kernels share one layout ([N][W] rows of A, per-channel B, C, LTI Abar, Bbar):
// - with AVX-512, one packet of 16 channels at a time runs the whole sequence with its state
//   in registers (or L1) and every mode's exp, update and readout fused: no row is written
//   and read back between operations (scan_packet_columns);
// - the remaining channels (and every channel on other CPUs) run mode by mode across the
//   block, each operation a contiguous Eigen array loop (scan_array_columns).
// Both compute in float, as Mamba's selective_scan_ref does, and sum the readout in mode order.
// GCC 12 flags the _mm512_undefined_* inside its own AVX-512 headers as uninitialized once
// Eigen's packet exp is inlined here (GCC bug 105593, fixed in GCC 13); those lanes are never
// read. The warning is placed in the headers, so it is silenced before they are included.
#pragma GCC diagnostic ignored "-Wuninitialized"
#include "compute/ssm/scan_fused.h"

#include <vector>

#include "compute/ssm/discretize.h"
#include "core/parallel.h"
#include "core/simd_exp.h"

namespace seqscope::compute {

bool fused_scan_supports(Discretization method) {
  return method == Discretization::Mamba || method == Discretization::Zoh;
}

namespace {

using Row = Eigen::Map<Eigen::ArrayXf>;
using ConstRow = Eigen::Map<const Eigen::ArrayXf>;

// A worker's channels [d0, d0 + W) as [N][W] rows: row n holds mode n of every channel.
struct ChannelBlock {
  int64_t d0 = 0, W = 0;
  std::vector<float> A, Bc, Cc;           // [N][W]; Bc, Cc only for per-channel B, C
  std::vector<float> abar_lti, bbar_lti;  // [N][W]; LTI only
  std::vector<float> h;                   // [N][W] state (array kernel)

  const float* row(const std::vector<float>& rows, int64_t n, int64_t j) const {
    return rows.data() + n * W + j;
  }
};

ChannelBlock make_block(const RealScanArgs& a, int64_t d0, int64_t d1) {
  ChannelBlock b;
  b.d0 = d0, b.W = d1 - d0;
  const int64_t N = a.N, W = b.W;
  const bool b_step = a.b_rows == RowsPer::Step, c_step = a.c_rows == RowsPer::Step;
  const auto rows = [&](bool needed) {
    return std::vector<float>(needed ? static_cast<size_t>(N * W) : 0, 0.0f);
  };
  b.A = rows(true), b.Bc = rows(!b_step), b.Cc = rows(!c_step), b.h = rows(true);
  b.abar_lti = rows(a.lti), b.bbar_lti = rows(a.lti);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t j = 0; j < W; ++j) {
      const int64_t d = d0 + j;
      const size_t i = static_cast<size_t>(n * W + j);
      b.A[i] = a.A[d * N + n];
      if (!b_step) b.Bc[i] = a.B[d * N + n];
      if (!c_step) b.Cc[i] = a.C[d * N + n];
      if (!a.lti) continue;
      // LTI: Abar, Bbar once per mode, exactly as discretize_diagonal computes them.
      const DiscreteMode m = discretize_mode_real(b.A[i], a.delta[d], a.method);
      b.abar_lti[i] = m.Abar.real();
      b.bbar_lti[i] = m.bbar_scale.real() * b.Bc[i];  // LTI B is per channel
    }
  return b;
}

bool materializes(const RealScanArgs& a) {
  return a.h || a.Abar || a.Bbar;
}

// Writes lane values of mode n for channels [d, d + count) at step t into the optional outputs.
void store_mode(const RealScanArgs& a, int64_t t, int64_t d, int64_t n, int64_t count, const float* abar,
                const float* bbar, const float* h) {
  for (int64_t j = 0; j < count; ++j) {
    const int64_t at = (t * a.D + d + j) * a.N + n;
    if (a.h) a.h[at] = Complex(h[j], 0.0f);
    if (a.Abar) a.Abar[at] = Complex(abar[j], 0.0f);
    if (a.Bbar) a.Bbar[at] = Complex(bbar[j], 0.0f);
  }
}

// Block columns [j0, j1) over the whole sequence, one mode at a time across the columns:
// every operation is a contiguous loop (the exp included), the state of mode n is one row.
void scan_array_columns(const RealScanArgs& a, ChannelBlock& b, int64_t j0, int64_t j1) {
  const int64_t L = a.L, D = a.D, N = a.N, W = j1 - j0, d0 = b.d0 + j0;
  const bool b_step = a.b_rows == RowsPer::Step, c_step = a.c_rows == RowsPer::Step;
  const bool zoh = a.method == Discretization::Zoh;
  Eigen::ArrayXf abar(W), bbar(W), scale(W), acc(W);
  for (int64_t t = 0; t < L; ++t) {
    const ConstRow dt(a.delta + t * D + d0, W), ut(a.u + t * D + d0, W);
    acc.setZero();
    for (int64_t n = 0; n < N; ++n) {
      const ConstRow A_n(b.row(b.A, n, j0), W);
      Row h_n(b.h.data() + n * b.W + j0, W);
      if (a.lti) {
        abar = ConstRow(b.row(b.abar_lti, n, j0), W);
        bbar = ConstRow(b.row(b.bbar_lti, n, j0), W);
      } else {
        abar = (A_n * dt).exp();
        // zoh: (exp(dt a) - 1) / a, and dt itself for a mode at a = 0; mamba: dt.
        if (zoh)
          scale = (A_n == 0.0f).select(dt, (A_n * dt).expm1() / A_n);
        else
          scale = dt;
        if (b_step)
          bbar = scale * a.B[t * N + n];
        else
          bbar = scale * ConstRow(b.row(b.Bc, n, j0), W);
      }
      h_n = abar * h_n + bbar * ut;
      if (c_step)
        acc += a.C[t * N + n] * h_n;
      else
        acc += ConstRow(b.row(b.Cc, n, j0), W) * h_n;
      if (materializes(a)) store_mode(a, t, d0, n, W, abar.data(), bbar.data(), h_n.data());
    }
    Row(a.y + t * D + d0, W) = acc + ConstRow(a.Dskip + d0, W) * ut;
  }
}

#if defined(SEQSCOPE_HAS_PACKET_EXP2)
constexpr int64_t kLanes = 16;         // channels per packet
constexpr int64_t kPrefetchSteps = 8;  // rows of delta and u fetched ahead (each row is a new page)
constexpr int kMambaStateSize = 16;    // d_state of every Mamba checkpoint: a compiled-in N

// A model layer's scan: selective, mamba discretization, B and C per step, y only.
bool is_plain(const RealScanArgs& a) {
  return !a.lti && a.method == Discretization::Mamba && a.b_rows == RowsPer::Step &&
         a.c_rows == RowsPer::Step && !materializes(a);
}

// One AVX-512 packet of channels [b.d0 + j, +16) over the whole sequence. Per step and mode:
// Abar = exp(delta A), Bbar = scale B, h = Abar h + Bbar u, acc += C h, with no row written
// between them. kModes > 0 fixes N at compile time; kPlain fixes the flags of a model
// layer's scan (is_plain), which keeps the loop free of branches and lets it form
// Bbar u = B (delta u) with one multiply less per mode.
template <int kModes, bool kPlain>
void scan_packet_columns(const RealScanArgs& a, const ChannelBlock& b, int64_t j) {
  using namespace Eigen::internal;
  const int64_t L = a.L, D = a.D, N = kModes > 0 ? kModes : a.N, d = b.d0 + j;
  const bool b_step = kPlain || a.b_rows == RowsPer::Step, c_step = kPlain || a.c_rows == RowsPer::Step;
  const bool lti = !kPlain && a.lti, zoh = !kPlain && a.method == Discretization::Zoh;
  const bool materialize = !kPlain && materializes(a);
  std::vector<float, Eigen::aligned_allocator<float>> h(static_cast<size_t>(N * kLanes), 0.0f), A(h);
  // The plain kernel keeps A log2(e), so that exp(delta A) = 2^(delta (A log2 e)) costs no multiply more.
  const Packet16f a_scale = pset1<Packet16f>(kPlain ? kLog2e : 1.0f);
  for (int64_t n = 0; n < N; ++n) pstore(A.data() + n * kLanes, pmul(ploadu<Packet16f>(b.row(b.A, n, j)), a_scale));
  const Packet16f Dskip = ploadu<Packet16f>(a.Dskip + d), zero = pzero(Packet16f());
  alignas(64) float abar_out[kLanes], bbar_out[kLanes], h_out[kLanes];
  for (int64_t t = 0; t < L; ++t) {
    const Packet16f dt = ploadu<Packet16f>(a.delta + t * D + d), ut = ploadu<Packet16f>(a.u + t * D + d);
    const Packet16f dtu = pmul(dt, ut);
    if (t + kPrefetchSteps < L) {
      _mm_prefetch(reinterpret_cast<const char*>(a.delta + (t + kPrefetchSteps) * D + d), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(a.u + (t + kPrefetchSteps) * D + d), _MM_HINT_T0);
    }
    Packet16f acc = zero;
    for (int64_t n = 0; n < N; ++n) {
      const float *B_t = a.B + t * N, *C_t = a.C + t * N;
      Packet16f abar, bbar, h_n = pload<Packet16f>(h.data() + n * kLanes);
      if (kPlain) {
        abar = exp2_packet(pmul(pload<Packet16f>(A.data() + n * kLanes), dt));
        h_n = pmadd(abar, h_n, pmul(pset1<Packet16f>(B_t[n]), dtu));
      } else {
        if (lti) {
          abar = ploadu<Packet16f>(b.row(b.abar_lti, n, j));
          bbar = ploadu<Packet16f>(b.row(b.bbar_lti, n, j));
        } else {
          const Packet16f A_n = pload<Packet16f>(A.data() + n * kLanes), x = pmul(A_n, dt);
          abar = exp_packet(x);
          // zoh: (exp(dt a) - 1) / a, and dt itself for a mode at a = 0; mamba: dt.
          const Packet16f scale = zoh ? pselect(pcmp_eq(A_n, zero), dt, pdiv(pexpm1(x), A_n)) : dt;
          bbar = pmul(scale, b_step ? pset1<Packet16f>(B_t[n]) : ploadu<Packet16f>(b.row(b.Bc, n, j)));
        }
        h_n = pmadd(abar, h_n, pmul(bbar, ut));
      }
      pstore(h.data() + n * kLanes, h_n);
      acc = pmadd(c_step ? pset1<Packet16f>(C_t[n]) : ploadu<Packet16f>(b.row(b.Cc, n, j)), h_n, acc);
      if (materialize) {
        pstore(abar_out, abar), pstore(bbar_out, bbar), pstore(h_out, h_n);
        store_mode(a, t, d, n, kLanes, abar_out, bbar_out, h_out);
      }
    }
    pstoreu(a.y + t * D + d, pmadd(Dskip, ut, acc));
  }
}
#else
constexpr int64_t kLanes = 1;
#endif

// Channels [d0, d1): whole packets through the packet kernel, the rest through array loops.
void scan_channels(const RealScanArgs& a, int64_t d0, int64_t d1) {
  ChannelBlock block = make_block(a, d0, d1);
  int64_t j = 0;
#if defined(SEQSCOPE_HAS_PACKET_EXP2)
  const bool plain = is_plain(a);
  for (; j + kLanes <= block.W; j += kLanes) {
    if (a.N == kMambaStateSize)
      plain ? scan_packet_columns<kMambaStateSize, true>(a, block, j)
            : scan_packet_columns<kMambaStateSize, false>(a, block, j);
    else
      plain ? scan_packet_columns<0, true>(a, block, j) : scan_packet_columns<0, false>(a, block, j);
  }
#endif
  if (j < block.W) scan_array_columns(a, block, j, block.W);
}

}  // namespace

void scan_real_fused(const RealScanArgs& args) {
  // Packet-aligned channel blocks, at least kMinWorkPerThread multiply-adds per worker; one
  // mode-step is about 13 of them (the exp's range reduction and polynomial, the update).
  constexpr int64_t kMultiplyAddsPerModeStep = 13;
  const int64_t groups = (args.D + kLanes - 1) / kLanes;
  const int64_t per_group = std::max<int64_t>(1, args.L * args.N * kLanes * kMultiplyAddsPerModeStep);
  parallel_for(groups, std::max<int64_t>(1, kMinWorkPerThread / per_group),
               [&args](int64_t g0, int64_t g1, int) {
                 scan_channels(args, g0 * kLanes, std::min(args.D, g1 * kLanes));
               });
}

}  // namespace seqscope::compute
