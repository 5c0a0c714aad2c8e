// The fast paths of the Eigen backend against the plain reference loops they replace: the
// fused real scan vs discretize_diagonal + scan_diagonal, the blocked threaded softmax vs a
// double-precision loop, parallel_for's coverage; and the benchmark's slope fit and bound, and
// the Cost panel's sweep.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "compute/attention/attention.h"
#include "compute/backend/eigen_backend.h"
#include "compute/bench/benchmark.h"
#include "compute/session/inputs.h"
#include "compute/ssm/discretize.h"
#include "compute/ssm/scan_fused.h"
#include "core/parallel.h"
#include "tests/compute/math_test_util.h"

namespace seqscope::compute {
namespace {

using test::max_error_over_scale;
using test::random_u;

// Real diagonal inputs: A_n = -(n + 1) / 2, delta in (0.001, 0.3), B, C normal.
struct Inputs {
  Matrix u, delta, A, B, C;
  Vector Dskip;
};

Inputs make(int L, int D, int N, bool selective) {
  Inputs in{random_u(L, D, 3),
            random_u(L, D, 4),
            Matrix(D, N),
            random_u(selective ? L : D, N, 5),
            random_u(selective ? L : D, N, 6),
            Vector::LinSpaced(D, 0.5f, 1.5f)};
  in.delta = (in.delta.array().abs() * 0.1f + 0.001f).matrix();
  if (!selective) in.delta = in.delta.row(0).replicate(L, 1);  // LTI: one step per channel
  for (int d = 0; d < D; ++d)
    for (int n = 0; n < N; ++n) in.A(d, n) = -0.5f * static_cast<float>(n + 1) * (n == 2 ? 0.0f : 1.0f);
  return in;
}

// D = 5: array loops only; D = 37: two AVX-512 packets of 16 channels and an array tail.
// N = 16 is the packet kernel's compiled-in state size, N = 6 its runtime one.
TEST(FusedScan, MatchesDiscretizeThenScan) {
  for (const auto& [D, N] : {std::pair{5, 6}, std::pair{37, 16}, std::pair{37, 6}})
    for (bool selective : {true, false})
      for (Discretization m : {Discretization::Mamba, Discretization::Zoh}) {
        const int L = 300;
        const Inputs in = make(L, D, N, selective);
        const RowsPer rows = selective ? RowsPer::Step : RowsPer::Channel;
        TensorC Abar, Bbar;
        discretize_diagonal(in.A.cast<Complex>(), in.delta, in.B, rows, m, Abar, Bbar);
        const ScanResult ref = scan_diagonal(Abar, Bbar, in.u, in.C.cast<Complex>(), rows, in.Dskip, false);

        Matrix y(L, D);
        TensorC h({L, D, N}), Abar_f({L, D, N}), Bbar_f({L, D, N});
        RealScanArgs a;
        a.L = L, a.D = D, a.N = N;
        a.u = in.u.data(), a.delta = in.delta.data(), a.A = in.A.data(), a.B = in.B.data(), a.C = in.C.data();
        a.Dskip = in.Dskip.data(), a.b_rows = a.c_rows = rows, a.method = m, a.lti = !selective;
        a.y = y.data(), a.h = h.data.data(), a.Abar = Abar_f.data.data(), a.Bbar = Bbar_f.data.data();
        scan_real_fused(a);
        SCOPED_TRACE(std::string(selective ? "selective " : "lti ") + discretization_name(m) + " D " +
                     std::to_string(D) + " N " + std::to_string(N));
        EXPECT_LE(max_error_over_scale(y, ref.y), 1e-6);
        const auto as_matrix = [](const TensorC& t) {
          return Eigen::Map<const MatrixC>(t.data.data(), t.shape[0], t.size() / t.shape[0]);
        };
        EXPECT_LE(max_error_over_scale(as_matrix(h), as_matrix(ref.h)), 1e-6);
        EXPECT_LE(max_error_over_scale(as_matrix(Abar_f), as_matrix(Abar)), 1e-6);
        EXPECT_LE(max_error_over_scale(as_matrix(Bbar_f), as_matrix(Bbar)), 1e-6);
        EXPECT_EQ(as_matrix(h).imag().cwiseAbs().maxCoeff(), 0.0f);
        // y alone (the bench's and a model layer's call, a kernel of its own) gives y up to rounding.
        Matrix y_only(L, D);
        a.y = y_only.data(), a.h = nullptr, a.Abar = nullptr, a.Bbar = nullptr;
        scan_real_fused(a);
        EXPECT_LE(max_error_over_scale(y_only, y), 1e-6);  // the plain kernel rounds B (delta u), not (delta B) u
      }
}

// Softmax attention in double straight from the definition.
void reference_softmax(const Matrix& q, const Matrix& k, const Matrix& v, MaskKind mask, int window,
                       double slope, Eigen::MatrixXd& probs, Eigen::MatrixXd& out) {
  const int L = static_cast<int>(q.rows());
  const Eigen::MatrixXd s = q.cast<double>() * k.cast<double>().transpose() / std::sqrt(double(q.cols()));
  probs = Eigen::MatrixXd::Zero(L, L);
  for (int t = 0; t < L; ++t) {
    double mx = -std::numeric_limits<double>::infinity(), sum = 0.0;
    for (int j = 0; j < L; ++j)
      if (mask_allows(mask, window, t, j)) mx = std::max(mx, s(t, j) - slope * std::abs(t - j));
    for (int j = 0; j < L; ++j)
      if (mask_allows(mask, window, t, j))
        sum += probs(t, j) = std::exp(s(t, j) - slope * std::abs(t - j) - mx);
    probs.row(t) /= sum;
  }
  out = probs * v.cast<double>();
}

TEST(BlockedSoftmax, MatchesDoubleDefinitionForEveryMask) {
  const int L = 150, dh = 8;  // L not a multiple of the 64-row blocks
  const Matrix q = random_u(L, dh, 7), k = random_u(L, dh, 8), v = random_u(L, dh, 9);
  for (MaskKind mask : {MaskKind::Causal, MaskKind::None, MaskKind::Window})
    for (double slope : {0.0, 0.25}) {
      Matrix scores, probs, out;
      softmax_attention(q, k, v, mask, 20, 1.0, slope, scores, probs, out);
      Eigen::MatrixXd p_ref, out_ref;
      reference_softmax(q, k, v, mask, 20, slope, p_ref, out_ref);
      EXPECT_LE(max_error_over_scale(probs.cast<double>(), p_ref), 1e-6);
      EXPECT_LE(max_error_over_scale(out.cast<double>(), out_ref), 1e-6);
      for (int t = 0; t < L; ++t)
        for (int s = 0; s < L; ++s)
          if (!mask_allows(mask, 20, t, s)) {
            ASSERT_EQ(probs(t, s), 0.0f);
            ASSERT_EQ(scores(t, s), -std::numeric_limits<float>::infinity());
          }
    }
}

TEST(Parallel, EveryIndexOnce) {
  for (int64_t n : {0, 1, 7, 1000, 4097}) {
    std::vector<std::atomic<int>> seen(static_cast<size_t>(n));
    parallel_for(n, 1, [&](int64_t b, int64_t e, int) {
      for (int64_t i = b; i < e; ++i) seen[static_cast<size_t>(i)]++;
    });
    parallel_strided(n, 1, [&](int64_t i, int) { seen[static_cast<size_t>(i)]++; });
    for (const auto& s : seen) EXPECT_EQ(s.load(), 2);
  }
}

// An exception thrown on a pool thread (bad_alloc in thread-local scratch, say) reaches the
// thread that started the region, after every worker has returned; it used to end the process.
TEST(Parallel, ExceptionOnAPoolThreadIsRethrownOnTheCaller) {
  std::atomic<int> finished{0};
  const auto throw_on_pool = [&](int64_t w) {
    if (w == 1) throw std::bad_alloc();
    finished++;
  };
  EXPECT_THROW(run_workers(2, throw_on_pool), std::bad_alloc);
  EXPECT_EQ(finished.load(), 1);
  EXPECT_THROW(run_workers(4, [](int64_t w) {
                 if (w == 3) throw std::runtime_error("from worker 3");
               }),
               std::runtime_error);
  // The pool still works afterwards.
  std::atomic<int> calls{0};
  run_workers(4, [&](int64_t) { calls++; });
  EXPECT_EQ(calls.load(), 4);
}

// A set cancellation flag: a parallel region stops handing out items and throws Cancelled on the
// thread that started it; a whole backend run throws before it returns any Results.
TEST(Parallel, CancelledRegionsStopAndThrow) {
  std::atomic<bool> flag{false};
  const CancelScope scope(&flag);
  std::atomic<int> calls{0};
  EXPECT_THROW(parallel_strided(1000, 1,
                                [&](int64_t i, int) {
                                  calls++;
                                  if (i == 3) flag.store(true);
                                }),
               Cancelled);
  EXPECT_LT(calls.load(), 1000);
  EXPECT_THROW(parallel_for(10, 1, [](int64_t, int64_t, int) {}), Cancelled);
  Session session;
  EXPECT_THROW(run_eigen(session, make_inputs(session)), Cancelled);
  flag.store(false);
  EXPECT_NO_THROW(parallel_for(10, 1, [](int64_t, int64_t, int) {}));
  EXPECT_GT(run_eigen(session, make_inputs(session)).inputs.length(), 0);
}

// The Vulkan rows' costs: the scan adds its three materialized complex [L, D, N] tensors to
// the y-only scan, attention is the full-map softmax, and ops without a model have none.
TEST(Bench, SweepSessionOpCosts) {
  const int L = 2048, D = 64, N = 16;
  const auto scan = sweep_session_op_cost("ssm_scan", L);
  ASSERT_TRUE(scan.has_value());
  EXPECT_DOUBLE_EQ(scan->bytes, selective_scan_cost(L, D, N).bytes + 24.0 * L * D * N);
  EXPECT_DOUBLE_EQ(scan->flops, selective_scan_cost(L, D, N).flops);
  const auto attention = sweep_session_op_cost("attention", L);
  ASSERT_TRUE(attention.has_value());
  EXPECT_DOUBLE_EQ(attention->bytes, 4.0 * (4.0 * L * 64 + 2.0 * L * double(L)));
  EXPECT_DOUBLE_EQ(attention->flops, 0.5 * L * (L + 1.0) * (4.0 * 64 + 5.0 + kExpFlops));
  EXPECT_TRUE(sweep_session_op_cost("hidden_attention", L).has_value());
  EXPECT_FALSE(sweep_session_op_cost("total", L).has_value());
  EXPECT_FALSE(sweep_session_op_cost("kernel", L).has_value());
}

TEST(Bench, SlopeAndBound) {
  std::vector<double> x, y;
  for (double L = 256; L <= 65536; L *= 2) {
    x.push_back(L);
    y.push_back(L < 1024 ? 1.0 : 3e-6 * L * L);  // points below 1024 are ignored
  }
  EXPECT_NEAR(loglog_slope(x, y, 1024.0), 2.0, 1e-9);
  EXPECT_TRUE(std::isnan(loglog_slope({2048.0}, {1.0}, 1024.0)));
  BenchResult r;
  r.ms = 4.0, r.bytes = 1e9, r.flops = 1e9;
  apply_bound(r, MachineLimits{10.0, 100.0, 2, "cpu"});  // 100 ms for the bytes, 10 for the flops
  EXPECT_DOUBLE_EQ(r.bound_ms, 100.0);
  EXPECT_DOUBLE_EQ(r.fraction_of_bound, 25.0);
}

// The Cost panel's sweep: every point timed in plan order, the slopes fitted over L >= 1024,
// progress after each point, and a cancel that stops before the next one (no slopes then).
TEST(CostSweep, TimesEveryPointFitsSlopesAndCancels) {
  SweepPlan plan;
  plan.ssm_lengths = {256, 512, 1024, 2048, 4096};
  plan.attention_lengths = {256, 1024, 4096};
  std::vector<std::pair<SweepOp, int>> calls;
  const SweepTimer timer = [&calls](SweepOp op, int L) {
    calls.emplace_back(op, L);
    return op == SweepOp::Ssm ? (L < 1024 ? 0.5 : 1e-3 * L) : 1e-6 * L * double(L);
  };
  int last_done = 0, last_total = 0;
  const CostSweep sweep =
      run_cost_sweep(plan, timer, [&](int done, int total) { last_done = done, last_total = total; });
  ASSERT_EQ(calls.size(), 8u);
  EXPECT_EQ(calls[4], std::make_pair(SweepOp::Ssm, 4096));
  EXPECT_EQ(calls[5], std::make_pair(SweepOp::Attention, 256));
  EXPECT_EQ(last_done, 8);
  EXPECT_EQ(last_total, 8);
  ASSERT_EQ(sweep.ssm.size(), 5u);
  EXPECT_EQ(sweep.attention[2].L, 4096);
  EXPECT_NEAR(sweep.slope_ssm, 1.0, 1e-9);  // the flat points below 1024 are not fitted
  EXPECT_NEAR(sweep.slope_attention, 2.0, 1e-9);
  EXPECT_FALSE(sweep.cancelled);

  std::atomic<bool> cancel{false};
  calls.clear();
  const CostSweep stopped = run_cost_sweep(
      plan, timer, [&](int done, int) { cancel = done == 2; }, &cancel);
  EXPECT_EQ(calls.size(), 2u);
  EXPECT_TRUE(stopped.cancelled);
  EXPECT_TRUE(std::isnan(stopped.slope_ssm));
}

// The Eigen timer on short lengths (no timing is asserted, only that every L gets a finite,
// positive time).
TEST(CostSweep, EigenTimerGivesAFinitePositiveTimeForEveryLength) {
  SweepPlan plan;
  plan.ssm_lengths = {256, 512};
  plan.attention_lengths = {256, 512};
  const CostSweep sweep = run_cost_sweep(plan, eigen_sweep_timer());
  ASSERT_EQ(sweep.ssm.size() + sweep.attention.size(), 4u);
  for (const auto* points : {&sweep.ssm, &sweep.attention})
    for (const SweepPoint& p : *points) {
      EXPECT_TRUE(std::isfinite(p.ms)) << p.L;
      EXPECT_GT(p.ms, 0.0) << p.L;
    }
  const SweepPlan quick = quick_sweep_plan();  // at least three points in each fit
  for (const std::vector<int>* lengths : {&quick.ssm_lengths, &quick.attention_lengths})
    EXPECT_GE(std::count_if(lengths->begin(), lengths->end(), [](int L) { return L >= kSweepFitMinLength; }),
              3);
}

}  // namespace
}  // namespace seqscope::compute
