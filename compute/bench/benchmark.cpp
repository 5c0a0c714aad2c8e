// Benchmarks (benchmark.h): the ops with their byte and flop counts (docs/performance.md defines
// each) and the dispatch of a case-table row (cases.h) to its op.
//
// Index (each part starts at a "// [SECTION] name" line):
//   machine limits
//   timing and fitting
//   op inputs
//   the ops
//   op costs
//   the Eigen run
//   the Cost panel's sweep
//   output
#include "compute/bench/benchmark.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

#include "compute/attention/attention.h"
#include "compute/backend/eigen_backend.h"
#include "compute/session/cost_model.h"
#include "compute/session/inputs.h"
#include "compute/session/map_overview.h"
#include "compute/ssm/hidden_attention.h"
#include "compute/ssm/scan_fused.h"
#include "core/parallel.h"

namespace seqscope::compute {

// [SECTION] machine limits

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point start) { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); }

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  return "unknown CPU";
}

// Independent FMA chains at the SIMD width Eigen compiles for; 12 chains hide the latency
// of two FMA ports. Returns a value derived from the chains so nothing is optimized away.
float fma_chains(int64_t iterations) {
  using Packet = Eigen::internal::packet_traits<float>::type;
  constexpr int kChains = 12;
  Packet acc[kChains];
  for (int j = 0; j < kChains; ++j) acc[j] = Eigen::internal::pset1<Packet>(1.0f + 1e-3f * static_cast<float>(j));
  const Packet a = Eigen::internal::pset1<Packet>(0.9999999f), b = Eigen::internal::pset1<Packet>(1e-7f);
  for (int64_t i = 0; i < iterations; ++i) {
#pragma GCC unroll 12
    for (int j = 0; j < kChains; ++j) acc[j] = Eigen::internal::pmadd(acc[j], a, b);
  }
  Packet sum = acc[0];
  for (int j = 1; j < kChains; ++j) sum = Eigen::internal::padd(sum, acc[j]);
  return Eigen::internal::predux(sum);
}

}  // namespace

double measure_fma_gflops(int threads, bool quick) {
  constexpr int kLanes = sizeof(Eigen::internal::packet_traits<float>::type) / sizeof(float);
  const int64_t iterations = quick ? 8'000'000 : 30'000'000;
  double best = 0.0;
  for (int rep = 0; rep < 3; ++rep) {
    std::vector<float> sink(static_cast<size_t>(threads));
    const auto start = Clock::now();
    parallel_for(threads, 1, [&](int64_t w0, int64_t w1, int) {
      for (int64_t w = w0; w < w1; ++w) sink[static_cast<size_t>(w)] = fma_chains(iterations);
    });
    const double seconds = ms_since(start) / 1e3;
    if (sink[0] == 12345.0f) std::puts("");  // keeps the chains observable
    best = std::max(best, 2.0 * kLanes * 12.0 * static_cast<double>(iterations) * threads / seconds / 1e9);
  }
  return best;
}

double measure_copy_gbps(int threads, bool quick) {
  // Well beyond any cache: 2 x 128 MiB (quick: 2 x 64 MiB), first touched before timing.
  const size_t bytes = (quick ? 64u : 128u) << 20;
  std::vector<char> src(bytes, 1), dst(bytes, 0);
  double best = 0.0;
  for (int rep = 0; rep < (quick ? 4 : 8); ++rep) {
    const auto start = Clock::now();
    parallel_for(threads, 1, [&](int64_t w0, int64_t w1, int) {
      for (int64_t w = w0; w < w1; ++w) {
        const size_t chunk = bytes / static_cast<size_t>(threads), at = chunk * static_cast<size_t>(w);
        std::memcpy(dst.data() + at, src.data() + at, chunk);
      }
    });
    best = std::max(best, 2.0 * static_cast<double>(bytes) / (ms_since(start) / 1e3) / 1e9);  // read + write
  }
  return best;
}

MachineLimits measure_machine(bool quick) {
  MachineLimits m;
  m.cores = worker_count();
  m.device = cpu_model();
  m.copy_gbps = measure_copy_gbps(m.cores, quick);
  m.fma_gflops = measure_fma_gflops(m.cores, quick);
  return m;
}

// [SECTION] timing and fitting

void apply_bound(BenchResult& r, const MachineLimits& m) {
  r.bound_ms = std::max(r.bytes / (m.copy_gbps * 1e9), r.flops / (m.fma_gflops * 1e9)) * 1e3;
  r.fraction_of_bound = r.ms > 0.0 ? r.bound_ms / r.ms : 0.0;
}

double median_ms(const std::function<void()>& fn, int repeats) {
  fn();  // warm-up: first touch of outputs, caches
  std::vector<double> times;
  for (int i = 0; i < std::max(1, repeats); ++i) {
    const auto start = Clock::now();
    fn();
    times.push_back(ms_since(start));
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

double loglog_slope(const std::vector<double>& x, const std::vector<double>& y, double x_min) {
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
    if (x[i] < x_min || x[i] <= 0.0 || y[i] <= 0.0) continue;
    const double lx = std::log(x[i]), ly = std::log(y[i]);
    n += 1, sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
  }
  const double den = n * sxx - sx * sx;
  if (n < 2 || std::abs(den) < 1e-12) return std::numeric_limits<double>::quiet_NaN();
  return (n * sxy - sx * sy) / den;
}

// [SECTION] op inputs

namespace {

Matrix normal_matrix(std::mt19937& rng, Eigen::Index rows, Eigen::Index cols) {
  std::normal_distribution<float> dist(0.0f, 1.0f);
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = dist(rng);
  return m;
}

// Inputs of a diagonal scan at Mamba's initialization: A_n = -(n + 1) (S4D-real), a step per
// channel log-uniform in [0.001, 0.1] with a little per-token variation, B and C normal.
struct ScanInputs {
  Matrix u, delta, A, B, C, y;
  Vector Dskip;
};

ScanInputs scan_inputs(int L, int D, int N, bool selective) {
  std::mt19937 rng(7);
  ScanInputs s;
  s.u = normal_matrix(rng, L, D);
  std::uniform_real_distribution<float> log_dt(std::log(0.001f), std::log(0.1f)), jitter(0.8f, 1.2f);
  Vector dt(D);
  for (int d = 0; d < D; ++d) dt(d) = std::exp(log_dt(rng));
  s.delta.resize(L, D);
  for (int t = 0; t < L; ++t)
    for (int d = 0; d < D; ++d) s.delta(t, d) = dt(d) * (selective ? jitter(rng) : 1.0f);
  s.A.resize(D, N);
  for (int d = 0; d < D; ++d)
    for (int n = 0; n < N; ++n) s.A(d, n) = -static_cast<float>(n + 1);
  s.B = normal_matrix(rng, selective ? L : D, N);
  s.C = normal_matrix(rng, selective ? L : D, N);
  s.Dskip = Vector::Ones(D);
  s.y.resize(L, D);
  return s;
}

RealScanArgs scan_args(ScanInputs& s, bool selective) {
  RealScanArgs a;
  a.L = s.u.rows(), a.D = s.u.cols(), a.N = s.A.cols();
  a.u = s.u.data(), a.delta = s.delta.data(), a.A = s.A.data(), a.B = s.B.data(), a.C = s.C.data();
  a.Dskip = s.Dskip.data(), a.y = s.y.data();
  a.b_rows = a.c_rows = selective ? RowsPer::Step : RowsPer::Channel;
  a.method = selective ? Discretization::Mamba : Discretization::Zoh;
  a.lti = !selective;
  return a;
}

int repeats_for(double first_ms, bool quick) {
  const double budget = quick ? 250.0 : 1500.0;
  return static_cast<int>(std::clamp(budget / std::max(first_ms, 1e-3), 3.0, quick ? 9.0 : 21.0));
}

// Times fn: one probe run to size the repeats, then the median.
double time_op(const std::function<void()>& fn, bool quick) {
  const auto start = Clock::now();
  fn();
  return median_ms(fn, repeats_for(ms_since(start), quick));
}

// [SECTION] the ops

constexpr double kF32 = 4.0;

// A row of the bench: op and shape as the case table names them, backend "eigen".
BenchResult eigen_row(BenchOp op, const BenchShape& shape) {
  return {std::string(bench_op_name(op)), "eigen", shape};
}

// Fused selective scan [L, D], N, y only (what a model layer needs); counts: selective_scan_cost.
BenchResult selective_scan_op(const BenchShape& shape, bool quick) {
  ScanInputs s = scan_inputs(shape.L, shape.D, shape.N, true);
  const RealScanArgs args = scan_args(s, true);
  BenchResult r = eigen_row(BenchOp::SelectiveScan, shape);
  r.ms = time_op([&] { scan_real_fused(args); }, quick);
  const OpCost cost = selective_scan_cost(shape.L, shape.D, shape.N);
  r.bytes = cost.bytes, r.flops = cost.flops;
  return r;
}

// LTI scan (real S4D, zoh), the same fused entry point with delta, B, C per channel: Abar and
// Bbar once per mode (D N exps, negligible), then per (t, d, n) Abar h, +, Bbar u, C h, sum;
// reads u, writes y (delta's first row only).
BenchResult lti_scan_op(const BenchShape& shape, bool quick) {
  const int L = shape.L, D = shape.D, N = shape.N;
  ScanInputs s = scan_inputs(L, D, N, false);
  const RealScanArgs args = scan_args(s, false);
  BenchResult r = eigen_row(BenchOp::LtiScan, shape);
  r.ms = time_op([&] { scan_real_fused(args); }, quick);
  r.bytes = kF32 * (2.0 * L * D + 4.0 * D * N + 2.0 * D);
  r.flops = double(L) * D * N * 5.0 + 2.0 * L * D + D * N * (2.0 * kExpFlops + 4.0);
  return r;
}

// Convolution kernel K [D, L] of a diagonal LTI model: per (d, k, n) a complex multiply in
// double (6) and an add; writes K.
BenchResult lti_kernel_op(const BenchShape& shape, bool quick) {
  const int L = shape.L, D = shape.D, N = shape.N;
  std::mt19937 rng(11);
  MatrixC Abar(D, N), Bbar(D, N), C(D, N);
  std::uniform_real_distribution<float> decay(0.9f, 0.999f);
  for (int d = 0; d < D; ++d)
    for (int n = 0; n < N; ++n) {
      Abar(d, n) = Complex(decay(rng), 0.0f);
      Bbar(d, n) = Complex(0.01f * static_cast<float>(n + 1), 0.0f);
      C(d, n) = Complex(1.0f, 0.0f);
    }
  BenchResult r = eigen_row(BenchOp::LtiKernel, shape);
  Matrix K;
  r.ms = time_op([&] { K = kernel_diagonal_all(Abar, Bbar, C, L, false); }, quick);
  r.bytes = kF32 * D * L + 3.0 * 8.0 * D * N;
  r.flops = 7.0 * D * double(L) * N;
  return r;
}

// Hidden attention of one selective channel, alpha [L, L]: per (s, n, t >= s) prod *= Abar,
// C prod, + (3, in double); bytes: alpha written (4 L^2), the complex float inputs Abar, Bbar,
// C [L, N] read. Steps are small (delta = 0.001) so the decay never reaches the early exit and
// the whole triangle is computed.
BenchResult hidden_attention_op(const BenchShape& shape, bool quick) {
  const int L = shape.L, N = shape.N;
  std::mt19937 rng(13);
  TensorC Abar({L, 1, N}), Bbar({L, 1, N});
  MatrixC C(L, N), A(1, N);
  Matrix delta = Matrix::Constant(L, 1, 0.001f);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  for (int n = 0; n < N; ++n) A(0, n) = Complex(-static_cast<float>(n + 1), 0.0f);
  for (int t = 0; t < L; ++t)
    for (int n = 0; n < N; ++n) {
      Abar.at(t, 0, n) = std::exp(0.001f * A(0, n));
      Bbar.at(t, 0, n) = 0.001f * dist(rng);
      C(t, n) = dist(rng);
    }
  BenchResult r = eigen_row(BenchOp::HiddenAttention, shape);
  Matrix alpha;
  r.ms = time_op(
      [&] { alpha = hidden_attention_diagonal(Abar, Bbar, C, RowsPer::Step, delta, A, 0, DecayMethod::Product, false); },
      quick);
  const double pairs = 0.5 * L * (L + 1.0);
  r.bytes = kF32 * L * double(L) + 3.0 * 8.0 * L * N;
  r.flops = 3.0 * N * pairs;
  return r;
}

// Causal softmax attention, one head, with the full maps; counts: softmax_attention_cost.
BenchResult softmax_attention_op(const BenchShape& shape, bool quick) {
  const int L = shape.L, dh = shape.dh;
  std::mt19937 rng(17);
  const Matrix q = normal_matrix(rng, L, dh), k = normal_matrix(rng, L, dh), v = normal_matrix(rng, L, dh);
  Matrix scores(L, L), probs(L, L), out(L, dh);
  BenchResult r = eigen_row(BenchOp::SoftmaxAttention, shape);
  r.ms = time_op([&] { softmax_attention(q, k, v, MaskKind::Causal, 0, 1.0, 0.0, scores, probs, out); }, quick);
  const OpCost cost = softmax_attention_cost(L, dh);
  r.bytes = cost.bytes, r.flops = cost.flops;
  return r;
}

// The attention path past full_map_max_length, as the app runs it: run_attention of a one-head
// causal softmax session (d_model = dh) on random u. Projections q, k, v = u W [L, dh]; per
// query bin the exact probability rows (q k^T block, softmax), pooled into the P x P overview
// (max |x| and sum: 2 more flops per pair), and p v. Bytes: u and the weights read, q, k, v,
// out written, the two overview maps written; the [L, L] rows stay in cache.
BenchResult pooled_overview_op(const BenchShape& shape, bool quick) {
  const int L = shape.L, dh = shape.dh;
  Session session;
  session.d_model = dh;
  session.attention.kind = AttentionKind::Softmax;
  session.attention.heads = 1;
  session.attention.head_dim = dh;
  session.attention.mask = MaskKind::Causal;
  session.attention.positional = Positional::None;
  std::mt19937 rng(19);
  const Matrix u = normal_matrix(rng, L, dh);
  BenchResult r = eigen_row(BenchOp::SoftmaxAttentionPooled, shape);
  Timings timings;
  r.ms = time_op([&] { (void)run_attention(session, u, timings); }, quick);
  const double pairs = 0.5 * L * (L + 1.0), P = std::min(L, kOverviewMaxSize);
  r.bytes = kF32 * (double(L) * dh + 3.0 * dh * dh + 4.0 * L * dh + 2.0 * P * P);
  r.flops = pairs * (4.0 * dh + 7.0 + kExpFlops) + 3.0 * 2.0 * L * double(dh) * dh;
  return r;
}

BenchResult run_bench_case(const BenchCase& c, bool quick) {
  switch (c.op) {
    case BenchOp::SelectiveScan: return selective_scan_op(c.shape, quick);
    case BenchOp::LtiScan: return lti_scan_op(c.shape, quick);
    case BenchOp::LtiKernel: return lti_kernel_op(c.shape, quick);
    case BenchOp::HiddenAttention: return hidden_attention_op(c.shape, quick);
    case BenchOp::SoftmaxAttention: return softmax_attention_op(c.shape, quick);
    case BenchOp::SoftmaxAttentionPooled: return pooled_overview_op(c.shape, quick);
  }
  throw std::logic_error("unknown bench op");
}

double recompute_default_ms(bool quick) {
  const Session session;
  const auto recompute = [&session] {
    validate_session(session);
    const Inputs inputs = make_inputs(session);
    const Results results = run_eigen(session, inputs);
    if (results.ssm.y.size() == 0) throw std::runtime_error("empty results");
  };
  return median_ms(recompute, quick ? 9 : 31);
}

}  // namespace

// [SECTION] op costs

// Reads u, delta [L, D], B, C [L, N], A [D, N], D [D]; writes y [L, D]. Per (t, d, n): delta A,
// exp, delta B, x u, Abar h, +, C h, sum = 7 + exp; per (t, d): the skip's multiply-add.
OpCost selective_scan_cost(int L, int D, int N) {
  return {kF32 * (3.0 * L * D + 2.0 * L * N + D * N + D), double(L) * D * N * (7.0 + kExpFlops) + 2.0 * L * D};
}

// Reads q, k, v [L, dh], writes scores and probs [L, L] (each once) and out [L, dh]. Per
// allowed pair: q.k (2 dh), scale, max, subtract, exp, sum, normalize (5 + exp), p v (2 dh).
OpCost softmax_attention_cost(int L, int dh) {
  const double pairs = 0.5 * L * (L + 1.0);
  return {kF32 * (4.0 * L * dh + 2.0 * L * double(L)), pairs * (4.0 * dh + 5.0 + kExpFlops)};
}

std::optional<OpCost> session_op_cost(const Session& s, const std::string& op) {
  const int L = sequence_length(s), D = s.d_model, N = s.ssm.state_size;
  const bool unidirectional_s6 = s.ssm.variant == SsmVariant::S6 && !s.ssm.bidirectional && !ssm_is_complex(s.ssm);
  if (op == "ssm_scan" && unidirectional_s6) {
    OpCost cost = selective_scan_cost(L, D, N);
    cost.bytes += 3.0 * 8.0 * L * double(D) * N;  // Abar, Bbar, h as complex float
    return cost;
  }
  const bool full_maps = !maps_pooled(s, L);
  const AttentionConfig& a = s.attention;
  if (op == "attention" && a.kind == AttentionKind::Softmax && full_maps) {
    // Per allowed pair as softmax_attention_cost; q, k, v, out read or written once, both maps.
    const double pairs = double(attention_pairs(a.mask, a.window, L)) * a.heads;
    return OpCost{kF32 * a.heads * (4.0 * L * a.head_dim + 2.0 * L * double(L)),
                  pairs * (4.0 * a.head_dim + 5.0 + kExpFlops)};
  }
  const double channels = double(s.ssm.hidden_attention_channels.size());
  if (op == "hidden_attention" && unidirectional_s6 && full_maps && channels > 0) {
    // alpha [L, L] written once, Abar, Bbar, C [L, N] complex read; per pair and mode a
    // running product, C times it, a sum.
    const double pairs = 0.5 * L * (L + 1.0);
    return OpCost{channels * (kF32 * L * double(L) + 3.0 * 8.0 * L * N), channels * 3.0 * N * pairs};
  }
  return std::nullopt;
}

std::optional<OpCost> sweep_session_op_cost(const std::string& op, int L) {
  return session_op_cost(bench_sweep_session(L), op);
}

// [SECTION] the Eigen run

BenchReport run_eigen_bench(bool quick, const MachineLimits& machine,
                            const std::function<void(const BenchResult&)>& progress) {
  BenchReport report;
  report.machine = machine;
  const auto add = [&](BenchResult r) {
    if (r.available) apply_bound(r, machine);
    if (progress) progress(r);
    report.results.push_back(std::move(r));
  };
  for (const BenchCase& c : eigen_bench_cases(quick)) add(run_bench_case(c, quick));
  report.recompute_default_ms = recompute_default_ms(quick);
  fit_slopes(report);
  return report;
}

void fit_slopes(BenchReport& report) {
  const auto fit = [&report](const std::string& op, int D) {
    std::vector<double> L, ms;
    for (const BenchResult& r : report.results)
      if (r.op == op && r.backend == "eigen" && r.available && (D == 0 || r.shape.D == D)) {
        L.push_back(r.shape.L);
        ms.push_back(r.ms);
      }
    return loglog_slope(L, ms, 1024.0);
  };
  report.slope_ssm = fit("selective_scan", kSweepShape.D);
  report.slope_attention = fit("softmax_attention", 0);
}

// [SECTION] the Cost panel's sweep

SweepPlan quick_sweep_plan() {
  SweepPlan plan;
  for (int L = 256; L <= 65536; L *= 2) plan.ssm_lengths.push_back(L);
  for (int L = 256; L <= 4096; L *= 2) plan.attention_lengths.push_back(L);
  return plan;
}

SweepTimer eigen_sweep_timer() {
  return [](SweepOp op, int L) {
    BenchShape shape = kSweepShape;
    shape.L = L;
    return op == SweepOp::Ssm ? selective_scan_op(shape, true).ms : softmax_attention_op(shape, true).ms;
  };
}

Session bench_sweep_session(int L) {
  Session s;
  s.input.kind = InputKind::Signal;
  s.input.length = L;
  s.d_model = kSweepShape.D;
  s.ssm.state_size = kSweepShape.N;
  s.attention.heads = kSweepShape.H;
  s.attention.head_dim = kSweepShape.dh;
  return s;
}

CostSweep run_cost_sweep(const SweepPlan& plan, const SweepTimer& timer, const std::function<void(int, int)>& progress,
                         const std::atomic<bool>* cancel) {
  const auto start = Clock::now();
  CostSweep sweep;
  const int total = static_cast<int>(plan.ssm_lengths.size() + plan.attention_lengths.size());
  int done = 0;
  const auto measure = [&](SweepOp op, const std::vector<int>& lengths, std::vector<SweepPoint>& out) {
    for (int L : lengths) {
      if (cancel && cancel->load()) {
        sweep.cancelled = true;
        return;
      }
      out.push_back({L, timer(op, L)});
      if (progress) progress(++done, total);
    }
  };
  measure(SweepOp::Ssm, plan.ssm_lengths, sweep.ssm);
  measure(SweepOp::Attention, plan.attention_lengths, sweep.attention);
  const auto slope = [](const std::vector<SweepPoint>& points) {
    std::vector<double> L, ms;
    for (const SweepPoint& p : points) L.push_back(p.L), ms.push_back(p.ms);
    return loglog_slope(L, ms, kSweepFitMinLength);
  };
  if (!sweep.cancelled) {
    sweep.slope_ssm = slope(sweep.ssm);
    sweep.slope_attention = slope(sweep.attention);
  }
  sweep.wall_ms = ms_since(start);
  return sweep;
}

CostSweep run_eigen_sweep(const std::function<void(int, int)>& progress, const std::atomic<bool>* cancel) {
  CostSweep sweep = run_cost_sweep(quick_sweep_plan(), eigen_sweep_timer(), progress, cancel);
  sweep.backend = "eigen";
  sweep.device = cpu_model();
  sweep.ssm_op =
      "selective scan, D = " + std::to_string(kSweepShape.D) + ", N = " + std::to_string(kSweepShape.N);
  sweep.attention_op =
      "causal softmax, H = " + std::to_string(kSweepShape.H) + ", dh = " + std::to_string(kSweepShape.dh);
  return sweep;
}

// [SECTION] output

nlohmann::json bench_to_json(const BenchReport& report) {
  nlohmann::json results = nlohmann::json::array();
  const auto number = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
  for (const BenchResult& r : report.results) {
    nlohmann::json j = {{"op", r.op},           {"backend", r.backend}, {"L", r.shape.L},   {"D", r.shape.D},
                        {"N", r.shape.N},         {"H", r.shape.H},       {"dh", r.shape.dh}, {"available", r.available}};
    if (r.available) {
      j["ms"] = number(r.ms);
      j["bytes"] = r.bytes;
      j["flops"] = r.flops;
      const bool bounded = r.bound_ms > 0.0;
      j["bound_ms"] = bounded ? number(r.bound_ms) : nlohmann::json(nullptr);
      j["fraction_of_bound"] = bounded ? number(r.fraction_of_bound) : nlohmann::json(nullptr);
    }
    if (!r.pattern.empty()) {
      j["pattern"] = r.pattern;
      j["batch"] = r.batch;
      j["tokens_per_s"] = number(r.tokens_per_s);
      j["peak_memory_mb"] = number(r.peak_memory_mb);
    }
    if (!r.note.empty()) j["note"] = r.note;
    results.push_back(std::move(j));
  }
  return {
      {"machine",
       {{"copy_gbps", report.machine.copy_gbps},
        {"fma_gflops", report.machine.fma_gflops},
        {"cores", report.machine.cores},
        {"device", report.machine.device}}},
      {"device_limits", report.device_limits.copy_gbps > 0.0
                            ? nlohmann::json{{"copy_gbps", report.device_limits.copy_gbps},
                                             {"fma_gflops", report.device_limits.fma_gflops},
                                             {"device", report.device_limits.device}}
                            : nlohmann::json(nullptr)},
      {"results", results},
      {"slopes", {{"ssm", number(report.slope_ssm)}, {"attention", number(report.slope_attention)}}},
      {"recompute_default_ms", number(report.recompute_default_ms)},
      {"exp_flops", kExpFlops},
  };
}

std::string bench_table(const BenchReport& report) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "machine: %s, %d threads, copy %.1f GB/s, FMA peak %.1f GFLOP/s\n",
                report.machine.device.c_str(), report.machine.cores, report.machine.copy_gbps, report.machine.fma_gflops);
  out += line;
  if (report.device_limits.copy_gbps > 0.0) {
    std::snprintf(line, sizeof line, "vulkan device: %s, copy %.1f GB/s, FMA peak %.1f GFLOP/s\n",
                  report.device_limits.device.c_str(), report.device_limits.copy_gbps, report.device_limits.fma_gflops);
    out += line;
  }
  std::snprintf(line, sizeof line, "%-26s %-7s %6s %5s %3s %2s %3s %10s %10s %9s\n", "op", "backend", "L", "D", "N", "H",
                "dh", "ms", "bound_ms", "fraction");
  out += line;
  for (const BenchResult& r : report.results) {
    if (!r.available) {
      std::snprintf(line, sizeof line, "%-26s %-7s %6d %5d %3d %2d %3d  %s\n", r.op.c_str(), r.backend.c_str(), r.shape.L,
                    r.shape.D, r.shape.N, r.shape.H, r.shape.dh, r.note.c_str());
    } else if (r.bound_ms <= 0.0) {
      std::snprintf(line, sizeof line, "%-26s %-7s %6d %5d %3d %2d %3d %10.3f %10s %9s  %s\n", r.op.c_str(),
                    r.backend.c_str(), r.shape.L, r.shape.D, r.shape.N, r.shape.H, r.shape.dh, r.ms, "-", "-",
                    r.note.c_str());
    } else {
      std::snprintf(line, sizeof line, "%-26s %-7s %6d %5d %3d %2d %3d %10.3f %10.3f %9.2f%s%s\n", r.op.c_str(),
                    r.backend.c_str(), r.shape.L, r.shape.D, r.shape.N, r.shape.H, r.shape.dh, r.ms, r.bound_ms,
                    r.fraction_of_bound, r.note.empty() ? "" : "  ", r.note.c_str());
    }
    out += line;
  }
  const auto text = [](double x, const char* format) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, format, x);
    return std::isfinite(x) ? std::string(buffer) : std::string("n/a");
  };
  const bool training_only = !report.results.empty() && std::all_of(report.results.begin(), report.results.end(),
                                                                      [](const BenchResult& r) { return !r.pattern.empty(); });
  if (training_only) return out;  // `bench --train`: no op sweep, no recompute
  out += "slopes (log-log, L >= 1024): ssm " + text(report.slope_ssm, "%.2f") + ", attention " +
         text(report.slope_attention, "%.2f") + "\n";
  out += "recompute of the default session (eigen): " + text(report.recompute_default_ms, "%.2f ms") + "\n";
  return out;
}

}  // namespace seqscope::compute
