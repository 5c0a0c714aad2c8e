// Hidden attention without the [L, L] matrix (see hidden_attention.h): one exact row, the
// pooled overview, and what a channel mixes (y - D u). The first two walk products of the float
// Abar in double, as the full map's Product method does, so they give the same numbers:
//   forward  alpha[t, s] = Re sum_n C[t, n] prod_{k=s+1..t} Abar[k, n] Bbar[s, n]   (s <= t)
//   backward alpha[t, s] = Re sum_n C[t, n] prod_{k=t..s-1} Abar[k, n] Bbar[s, n]   (s >= t)
// (times 2 for complex models); LTI models read K[t - s] (and K[s - t]) from the kernel.
#include <algorithm>
#include <complex>
#include <vector>

#include "compute/ssm/column_group_walk.h"
#include "compute/ssm/decay_walk.h"
#include "compute/ssm/hidden_attention.h"
#include "core/parallel.h"

namespace seqscope::compute {
namespace {

using namespace decay_walk;

// Channel d of r as StepMajor<T> (decay_walk.h).
template <typename T>
StepMajor<T> gather(const SsmResults& r, int d) {
  return gather_step_major<T>(r.Abar, r.Bbar, r.C, r.C.rows() == r.L && !r.lti, d);
}

template <typename T>
using Modes = Eigen::Array<T, Eigen::Dynamic, 1>;  // [N]
template <typename T>
Eigen::Map<const Modes<T>> modes(const T* data, int N) {
  return Eigen::Map<const Modes<T>>(data, N);
}

// Modes below a float zero are set to exactly 0 (never walking on through denormals);
// false once every mode is 0. Checked every kFlushEvery steps, so that the steps in between
// are plain vector products.
constexpr int kFlushEvery = 16;
template <typename T>
bool flush_and_alive(Modes<T>& p) {
  bool alive = false;
  for (Eigen::Index n = 0; n < p.size(); ++n) {
    if (norm_of(p(n)) < kFloatZeroNorm) p(n) = T(0);
    else alive = true;
  }
  return alive;
}

// Walks `steps` entries of one row or column: at step i, value(i) = factor Re sum_n x_i p,
// then p *= a_i (x and a given by callbacks returning step pointers); stops once p is 0.
template <typename T, typename X, typename A, typename Out>
void walk(Modes<T> p, int steps, int N, double factor, X x_of, A a_of, Out write) {
  for (int i = 0; i < steps; ++i) {
    write(i, static_cast<float>(factor * real_of((modes(x_of(i), N) * p).sum())));
    if (i + 1 == steps) break;
    p *= modes(a_of(i), N);
    if ((i + 1) % kFlushEvery == 0 && !flush_and_alive(p)) break;
  }
}

// row: [L], adds channel d's forward (and backward) entries of row t. Forward:
// p = C_t prod_{k=s+1..t} Abar_k, alpha[t, s] = sum_n p Bbar_s; backward p = C_t prod_{k=t..s-1}.
template <typename T>
void diagonal_row(const StepMajor<T>& ch, int t, bool bidirectional, double factor, std::vector<float>& row) {
  const int N = ch.N, L = ch.L;
  const Modes<T> c_t = modes(ch.c(t), N);
  walk<T>(c_t, t + 1, N, factor, [&](int i) { return ch.bbar(t - i); }, [&](int i) { return ch.abar(t - i); },
          [&](int i, float v) { row[static_cast<size_t>(t - i)] += v; });
  if (!bidirectional) return;
  walk<T>(c_t, L - t, N, factor, [&](int i) { return ch.bbar(t + i); }, [&](int i) { return ch.abar(t + i); },
          [&](int i, float v) { row[static_cast<size_t>(t + i)] += v; });
}

// Column s of alpha into col (entries [*lo, *hi] written, the rest untouched). Forward:
// p = prod_{k=s+1..t} Abar_k Bbar_s, alpha[t, s] = sum_n C_t p; backward p = prod_{k=t..s-1}.
template <typename T>
void diagonal_column(const StepMajor<T>& ch, int s, bool bidirectional, double factor, std::vector<float>& col,
                     int* lo, int* hi) {
  const int N = ch.N, L = ch.L;
  const Modes<T> b_s = modes(ch.bbar(s), N);
  *lo = *hi = s;
  walk<T>(b_s, L - s, N, factor, [&](int i) { return ch.c(s + i); }, [&](int i) { return ch.abar(s + i + 1); },
          [&](int i, float v) {
            col[static_cast<size_t>(s + i)] = v;
            *hi = s + i;
          });
  if (!bidirectional) return;
  walk<T>(b_s, s + 1, N, factor, [&](int i) { return ch.c(s - i); }, [&](int i) { return ch.abar(s - i - 1); },
          [&](int i, float v) {
            col[static_cast<size_t>(s - i)] = i == 0 ? col[static_cast<size_t>(s)] + v : v;
            *lo = s - i;
          });
}

// The kernel's support: K[k] == 0 for every k > the returned index.
int kernel_support(const float* K, int L) {
  int last = L - 1;
  while (last > 0 && K[last] == 0.0f) --last;
  return last;
}

// Column s of the Toeplitz alpha (K[t - s], plus K[s - t] when bidirectional).
void lti_column(const float* K, int support, int L, int s, bool bidirectional, std::vector<float>& col, int* lo,
                int* hi) {
  *lo = s;
  *hi = std::min(L - 1, s + support);
  for (int t = s; t <= *hi; ++t) col[static_cast<size_t>(t)] = K[t - s];
  if (!bidirectional) return;
  *lo = std::max(0, s - support);
  for (int t = *lo; t < s; ++t) col[static_cast<size_t>(t)] = K[s - t];
  col[static_cast<size_t>(s)] += K[0];
}

// Pools alpha column by column: column(s, col, &lo, &hi) writes column s's entries [lo, hi]
// into col; one worker per key bin, so no two workers share an overview column.
template <typename Column>
void pool_columns(int L, MapOverview& o, int m, const Column& column) {
  const int P = o.P;
  parallel_strided(P, 1, [&](int64_t j, int) {
    PooledLine line(L, P);
    std::vector<float> col(static_cast<size_t>(L));
    for (int s = bin_begin(static_cast<int>(j), L, P); s < bin_begin(static_cast<int>(j) + 1, L, P); ++s) {
      int lo = 0, hi = 0;
      column(s, col, &lo, &hi);
      line.add(col.data() + lo, lo, hi - lo + 1);
    }
    line.store_column(o, m, static_cast<int>(j));
  });
}

template <typename T>
void pool_diagonal(const SsmResults& r, int d, MapOverview& o, int m) {
  const StepMajor<T> ch = gather<T>(r, d);
  const double factor = r.is_complex ? 2.0 : 1.0;
  pool_columns(r.L, o, m, [&](int s, std::vector<float>& col, int* lo, int* hi) {
    diagonal_column(ch, s, r.bidirectional, factor, col, lo, hi);
  });
}

void pool_lti(const SsmResults& r, int d, MapOverview& o, int m) {
  const float* K = r.kernel.data() + static_cast<int64_t>(d) * r.L;
  const int support = kernel_support(K, r.L);
  pool_columns(r.L, o, m, [&](int s, std::vector<float>& col, int* lo, int* hi) {
    lti_column(K, support, r.L, s, r.bidirectional, col, lo, hi);
  });
}

// Real models keep every imaginary part exactly 0 and run in double.
bool real_channel(const SsmResults& r) { return !r.is_complex; }

// Real forward channels: the columns of one key bin in groups (column_group_walk.h). They all
// land in the same pooled column, so each lane's |max| and sum are kept in packets and folded
// into the line once per query bin.
void pool_column_group(const StepMajorReal& ch, int s0, int lanes, PooledLine& line) {
  using namespace Eigen::internal;
  const int L = ch.L, P = line.size();
  int b = bin_of(s0, L, P), b_end = bin_begin(b + 1, L, P);
  PacketD bin_max = pzero(PacketD()), bin_sum = pzero(PacketD());
  const auto fold_bin = [&] {
    line.add_to_bin(b, static_cast<float>(Lanes(bin_max).max()), Lanes(bin_sum).sum());
    bin_max = bin_sum = pzero(PacketD());
  };
  ColumnGroup group(ch, s0, lanes);
  group.walk(L, [&](int t, const PacketD& values) {
    bin_max = pmax(bin_max, pabs(values));
    bin_sum = padd(bin_sum, values);
    if (t + 1 == b_end) {
      fold_bin();
      b_end = bin_begin(++b + 1, L, P);
    }
  });
  if (group.next() != bin_begin(b, L, P)) fold_bin();  // the walk stopped inside bin b
}

void pool_real_forward(const SsmResults& r, int d, MapOverview& o, int m) {
  const StepMajorReal ch = gather<double>(r, d);
  const int L = r.L, P = o.P;
  parallel_strided(P, 1, [&](int64_t j, int) {
    const FlushDenormals flush;
    PooledLine line(L, P);
    const int s1 = bin_begin(static_cast<int>(j) + 1, L, P);
    for (int s0 = bin_begin(static_cast<int>(j), L, P); s0 < s1; s0 += kGroup)
      pool_column_group(ch, s0, std::min(kGroup, s1 - s0), line);
    line.store_column(o, m, static_cast<int>(j));
  });
}

}  // namespace

std::vector<float> ssm_mixing(const SsmResults& r, int d) {
  std::vector<float> out(static_cast<size_t>(r.L));
  for (int t = 0; t < r.L; ++t) out[static_cast<size_t>(t)] = r.y(t, d) - r.Dskip(d) * r.u(t, d);
  return out;
}

std::vector<float> hidden_attention_row(const SsmResults& r, int d, int t) {
  std::vector<float> row(static_cast<size_t>(r.L), 0.0f);
  if (r.lti) {
    const float* K = r.kernel.data() + static_cast<int64_t>(d) * r.L;
    for (int s = 0; s <= t; ++s) row[static_cast<size_t>(s)] = K[t - s];
    if (r.bidirectional)
      for (int s = t; s < r.L; ++s) row[static_cast<size_t>(s)] += K[s - t];
    return row;
  }
  const double factor = r.is_complex ? 2.0 : 1.0;
  if (real_channel(r)) diagonal_row(gather<double>(r, d), t, r.bidirectional, factor, row);
  else diagonal_row(gather<ComplexD>(r, d), t, r.bidirectional, factor, row);
  return row;
}

void pool_hidden_attention(const SsmResults& r, int d, MapOverview& overview, int m) {
  if (r.lti) pool_lti(r, d, overview, m);
  else if (real_channel(r) && !r.bidirectional) pool_real_forward(r, d, overview, m);
  else if (real_channel(r)) pool_diagonal<double>(r, d, overview, m);
  else pool_diagonal<ComplexD>(r, d, overview, m);
}

}  // namespace seqscope::compute
