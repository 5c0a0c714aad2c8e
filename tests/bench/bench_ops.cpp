// Google Benchmark versions of the `seqscope bench` ops (compute/bench/benchmark.h defines their
// byte and flop counts): the fused selective scan, the blocked softmax attention with its full
// maps, and one channel's hidden attention, at the bench rows the case table marks `profiled`
// (compute/bench/cases.h).
//
// Index (each part starts at a "// [SECTION] name" line):
//   inputs
//   the three benchmarks
//   registration and main
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "compute/attention/attention.h"
#include "compute/bench/cases.h"
#include "compute/ssm/hidden_attention.h"
#include "compute/ssm/scan_fused.h"

namespace {

using namespace seqscope::compute;

// [SECTION] inputs

Matrix normal(std::mt19937& rng, Eigen::Index rows, Eigen::Index cols) {
  std::normal_distribution<float> dist(0.0f, 1.0f);
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = dist(rng);
  return m;
}

// [SECTION] the three benchmarks

// u [L, D], state size N.
void selective_scan(benchmark::State& state, const BenchShape& shape) {
  const int L = shape.L, D = shape.D, N = shape.N;
  std::mt19937 rng(7);
  const Matrix u = normal(rng, L, D), B = normal(rng, L, N), C = normal(rng, L, N);
  const Matrix delta = Matrix::Constant(L, D, 0.01f);
  Matrix A(D, N), y(L, D);
  for (int d = 0; d < D; ++d)
    for (int n = 0; n < N; ++n) A(d, n) = -static_cast<float>(n + 1);
  const Vector Dskip = Vector::Ones(D);
  RealScanArgs a;
  a.L = L, a.D = D, a.N = N, a.u = u.data(), a.delta = delta.data(), a.A = A.data(), a.B = B.data(), a.C = C.data();
  a.Dskip = Dskip.data(), a.y = y.data();
  for (auto _ : state) {
    scan_real_fused(a);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(state.iterations() * int64_t{L} * D * N);
}

// One causal head of width dh over L tokens.
void softmax_attention_full_map(benchmark::State& state, const BenchShape& shape) {
  const int L = shape.L, dh = shape.dh;
  std::mt19937 rng(17);
  const Matrix q = normal(rng, L, dh), k = normal(rng, L, dh), v = normal(rng, L, dh);
  Matrix scores(L, L), probs(L, L), out(L, dh);
  for (auto _ : state) {
    softmax_attention(q, k, v, MaskKind::Causal, 0, 1.0, 0.0, scores, probs, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * int64_t{L} * (L + 1) / 2);
}

// One selective channel's alpha [L, L], state size N.
void hidden_attention_one_channel(benchmark::State& state, const BenchShape& shape) {
  const int L = shape.L, N = shape.N;
  TensorC Abar({L, 1, N}), Bbar({L, 1, N});
  MatrixC C = MatrixC::Constant(L, N, Complex(1.0f, 0.0f)), A(1, N);
  const Matrix delta = Matrix::Constant(L, 1, 0.001f);
  for (int n = 0; n < N; ++n) A(0, n) = Complex(-static_cast<float>(n + 1), 0.0f);
  for (int t = 0; t < L; ++t)
    for (int n = 0; n < N; ++n) {
      Abar.at(t, 0, n) = std::exp(0.001f * A(0, n));
      Bbar.at(t, 0, n) = Complex(0.001f, 0.0f);
    }
  for (auto _ : state) {
    Matrix alpha = hidden_attention_diagonal(Abar, Bbar, C, RowsPer::Step, delta, A, 0, DecayMethod::Product, false);
    benchmark::DoNotOptimize(alpha.data());
  }
}

// [SECTION] registration and main

using BenchmarkFn = void (*)(benchmark::State&, const BenchShape&);

// The benchmark of a profiled row's op and its name, e.g. "selective_scan/1024/1536",
// "softmax_attention_full_map/256", "hidden_attention_one_channel/256"; nullptr for other ops.
BenchmarkFn benchmark_of(const BenchCase& c, std::string& name) {
  const std::string L = std::to_string(c.shape.L);
  switch (c.op) {
    case BenchOp::SelectiveScan:
      name = "selective_scan/" + L + "/" + std::to_string(c.shape.D);
      return selective_scan;
    case BenchOp::SoftmaxAttention:
      name = "softmax_attention_full_map/" + L;
      return softmax_attention_full_map;
    case BenchOp::HiddenAttention:
      name = "hidden_attention_one_channel/" + L;
      return hidden_attention_one_channel;
    default: return nullptr;
  }
}

// One benchmark per row of the case table marked profiled: selective scan, then softmax, then
// hidden attention (the order of the list before the table).
void register_profiled_rows() {
  for (BenchOp op : {BenchOp::SelectiveScan, BenchOp::SoftmaxAttention, BenchOp::HiddenAttention})
    for (const BenchCase& c : eigen_bench_cases(true)) {
      std::string name;
      const BenchmarkFn fn = c.op == op && c.profiled ? benchmark_of(c, name) : nullptr;
      if (!fn) continue;
      benchmark::RegisterBenchmark(name.c_str(), fn, c.shape)->Unit(benchmark::kMillisecond)->UseRealTime();
    }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  register_profiled_rows();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
