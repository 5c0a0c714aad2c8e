// Google Benchmark versions of the `seqscope bench` ops (compute/bench/benchmark.h defines their
// byte and flop counts; docs/performance.md the shapes): the fused selective scan, the
// blocked softmax attention with its full maps, and one channel's hidden attention.
#include <benchmark/benchmark.h>

#include <random>

#include "compute/attention/attention.h"
#include "compute/ssm/hidden_attention.h"
#include "compute/ssm/scan_fused.h"

namespace {

using namespace seqscope::compute;

Matrix normal(std::mt19937& rng, Eigen::Index rows, Eigen::Index cols) {
  std::normal_distribution<float> dist(0.0f, 1.0f);
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = dist(rng);
  return m;
}

// args: L, D; N = 16.
void selective_scan(benchmark::State& state) {
  const int L = static_cast<int>(state.range(0)), D = static_cast<int>(state.range(1)), N = 16;
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
BENCHMARK(selective_scan)->Args({1024, 1536})->Args({4096, 64})->Args({65536, 64})->Unit(benchmark::kMillisecond)->UseRealTime();

// args: L; one causal head, dh = 64.
void softmax_attention_full_map(benchmark::State& state) {
  const int L = static_cast<int>(state.range(0)), dh = 64;
  std::mt19937 rng(17);
  const Matrix q = normal(rng, L, dh), k = normal(rng, L, dh), v = normal(rng, L, dh);
  Matrix scores(L, L), probs(L, L), out(L, dh);
  for (auto _ : state) {
    softmax_attention(q, k, v, MaskKind::Causal, 0, 1.0, 0.0, scores, probs, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * int64_t{L} * (L + 1) / 2);
}
BENCHMARK(softmax_attention_full_map)->RangeMultiplier(4)->Range(256, 4096)->Unit(benchmark::kMillisecond)->UseRealTime();

// args: L; one selective channel, N = 16.
void hidden_attention_one_channel(benchmark::State& state) {
  const int L = static_cast<int>(state.range(0)), N = 16;
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
BENCHMARK(hidden_attention_one_channel)->RangeMultiplier(4)->Range(256, 4096)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
