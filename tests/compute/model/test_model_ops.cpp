// Finite-difference tests of the model ops (compute/model/). Each op's loss is a fixed random
// projection of its output, loss = sum(out .* R), so dL/dout = R. The backward's gradient for
// every input and parameter is compared with central differences in double, taken for every
// entry of the tensor,
//   fd_i = (loss(p + h e_i) - loss(p - h e_i)) / 2h,   h = 1e-6,
// by the relative error per tensor || grad - fd || / max(|| grad ||, || fd ||) <= 1e-6. The
// worst error of each check is printed after the run (the numbers the bound is set from).
//
// Index (each part starts at a "// [SECTION] name" line):
//   helpers
//   embedding and tied head
//   rmsnorm, linear, conv1d, activations
//   cross-entropy
//   selective scan (S6)
//   LTI scan (S4D, ZOH)
//   attention
//   float vs double
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "compute/model/attention.h"
#include "compute/model/conv1d.h"
#include "compute/model/cross_entropy.h"
#include "compute/model/embedding.h"
#include "compute/model/gelu.h"
#include "compute/model/linear.h"
#include "compute/model/lti_scan.h"
#include "compute/model/rmsnorm.h"
#include "compute/model/selective_scan.h"
#include "compute/model/silu.h"
#include "core/param_rng.h"
#include "core/types.h"

namespace seqscope::compute::model {
namespace {

// [SECTION] helpers

using Md = Mat<double>;
using Vd = Vec<double>;
using Mf = Mat<float>;
using Vf = Vec<float>;

constexpr double kStep = 1e-6;
constexpr double kTol = 1e-6;

// Entries ~ offset + scale * N(0, 1), seeded per name.
Md random_mat(Eigen::Index rows, Eigen::Index cols, const std::string& name, double scale = 1.0,
              double offset = 0.0) {
  ParamRng rng(17, name);
  Md m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = offset + scale * rng.normal();
  return m;
}
Vd random_vec(Eigen::Index n, const std::string& name, double scale = 1.0, double offset = 0.0) {
  return random_mat(n, 1, name, scale, offset).col(0);
}

std::map<std::string, double>& worst_errors() {
  static std::map<std::string, double> worst;
  return worst;
}

class PrintWorstErrors : public ::testing::Environment {
 public:
  void TearDown() override {
    std::printf("worst relative gradient error per check (bound %.0e):\n", kTol);
    for (const auto& [name, err] : worst_errors()) std::printf("  %-32s %.2e\n", name.c_str(), err);
  }
};
[[maybe_unused]] ::testing::Environment* const print_worst =
    ::testing::AddGlobalTestEnvironment(new PrintWorstErrors);

// Central differences of loss() with respect to every entry of `param` (changed in place and
// restored), compared with the backward's `grad`.
template <typename P, typename F>
void expect_grad(const std::string& name, P& param, const P& grad, F&& loss, double tol = kTol) {
  ASSERT_EQ(param.rows(), grad.rows()) << name;
  ASSERT_EQ(param.cols(), grad.cols()) << name;
  P fd(param.rows(), param.cols());
  for (Eigen::Index i = 0; i < param.size(); ++i) {
    const double keep = param.data()[i];
    param.data()[i] = keep + kStep;
    const double plus = loss();
    param.data()[i] = keep - kStep;
    const double minus = loss();
    param.data()[i] = keep;
    fd.data()[i] = (plus - minus) / (2.0 * kStep);
  }
  const double scale = std::max({grad.norm(), fd.norm(), 1e-300});
  const double err = (grad - fd).norm() / scale;
  double& worst = worst_errors()[name];
  worst = std::max(worst, err);
  EXPECT_LE(err, tol) << name << ": |grad| " << grad.norm() << ", |fd| " << fd.norm();
  // A zero gradient would pass against a zero difference: every checked one must be live.
  EXPECT_GT(grad.norm(), 1e-8) << name << " has a zero gradient";
}

// A gradient that must be exactly 0 (a parameter the output does not depend on here), and the
// finite difference agreeing.
template <typename P, typename F>
void expect_zero_grad(const std::string& name, P& param, const P& grad, F&& loss) {
  EXPECT_EQ(grad, P::Zero(grad.rows(), grad.cols())) << name;
  for (Eigen::Index i = 0; i < param.size(); ++i) {
    const double keep = param.data()[i];
    param.data()[i] = keep + kStep;
    const double plus = loss();
    param.data()[i] = keep - kStep;
    const double minus = loss();
    param.data()[i] = keep;
    EXPECT_EQ(plus, minus) << name << " entry " << i;
  }
}

// sum(out .* R): the projected loss whose dL/dout is R.
double project(const Md& out, const Md& R) {
  return out.cwiseProduct(R).sum();
}

// [SECTION] embedding and tied head

TEST(ModelOps, EmbeddingGathersAndScatters) {
  const std::vector<int> ids = {2, 0, 2, 4, 1, 2};  // 2 repeats: its row sums three positions
  Md W = random_mat(5, 3, "emb.W");
  const Md x = embedding_forward<double>(ids, W);
  for (size_t t = 0; t < ids.size(); ++t) EXPECT_EQ(x.row(static_cast<Eigen::Index>(t)), W.row(ids[t]));
  const Md R = random_mat(6, 3, "emb.R");
  Md dW = Md::Zero(5, 3);
  embedding_backward<double>(R, ids, dW);
  EXPECT_EQ(dW.row(3), Md::Zero(1, 3)) << "id 3 is not in the sequence";
  auto loss = [&] { return project(embedding_forward<double>(ids, W), R); };
  expect_grad("embedding.W", W, dW, loss);
}

TEST(ModelOps, EmbeddingRefusesAnIdOutsideTheVocabulary) {
  const Md W = random_mat(5, 3, "emb.W");
  const std::vector<int> too_big = {1, 5};
  const std::vector<int> negative = {-1};
  EXPECT_THROW(embedding_forward<double>(too_big, W), UserError);
  EXPECT_THROW(embedding_forward<double>(negative, W), UserError);
}

TEST(ModelOps, TiedHeadGradients) {
  Md x = random_mat(7, 4, "head.x");
  Md W = random_mat(6, 4, "head.W");
  const Md R = random_mat(7, 6, "head.R");
  Md dW = Md::Zero(6, 4);
  const Md dx = tied_head_backward<double>(R, x, W, dW);
  auto loss = [&] { return project(tied_head_forward<double>(x, W), R); };
  expect_grad("tied_head.x", x, dx, loss);
  expect_grad("tied_head.W", W, dW, loss);
}

// The tied weight collects its gradient from both the embedding and the head.
TEST(ModelOps, TiedEmbeddingAndHeadShareOneGradient) {
  const std::vector<int> ids = {3, 1, 3, 0, 5};
  Md W = random_mat(6, 4, "tied.W");
  const Md R = random_mat(5, 6, "tied.R");
  const Md x = embedding_forward<double>(ids, W);
  Md dW = Md::Zero(6, 4);
  const Md dx = tied_head_backward<double>(R, x, W, dW);
  embedding_backward<double>(dx, ids, dW);
  auto loss = [&] { return project(tied_head_forward<double>(embedding_forward<double>(ids, W), W), R); };
  expect_grad("tied_embedding_head.W", W, dW, loss);
}

// [SECTION] rmsnorm, linear, conv1d, activations

TEST(ModelOps, RmsNormGradients) {
  for (const int L : {1, 7}) {
    SCOPED_TRACE("L " + std::to_string(L));
    Md x = random_mat(L, 5, "rms.x");
    Vd w = random_vec(5, "rms.w", 0.3, 1.0);
    const Md R = random_mat(L, 5, "rms.R");
    RmsNormAct<double> act;
    const Md y = rmsnorm_forward(x, w, 1e-5, act);
    for (int t = 0; t < L; ++t) {
      const double rms = std::sqrt(x.row(t).squaredNorm() / 5.0 + 1e-5);
      EXPECT_NEAR((y.row(t) - x.row(t).cwiseProduct(w.transpose()) / rms).norm(), 0.0, 1e-14);
    }
    Vd dw = Vd::Zero(5);
    const Md dx = rmsnorm_backward(R, x, w, act, dw);
    auto loss = [&] {
      RmsNormAct<double> a;
      return project(rmsnorm_forward(x, w, 1e-5, a), R);
    };
    expect_grad("rmsnorm.x", x, dx, loss);
    expect_grad("rmsnorm.w", w, dw, loss);
  }
}

TEST(ModelOps, LinearGradients) {
  Md x = random_mat(6, 5, "lin.x");
  Md W = random_mat(4, 5, "lin.W", 0.5);
  Vd b = random_vec(4, "lin.b");
  const Md R = random_mat(6, 4, "lin.R");
  // With bias.
  Md dW = Md::Zero(4, 5);
  Vd db = Vd::Zero(4);
  Md dx = linear_backward(R, x, W, dW, db);
  auto loss_b = [&] { return project(linear_forward(x, W, b), R); };
  expect_grad("linear.x", x, dx, loss_b);
  expect_grad("linear.W", W, dW, loss_b);
  expect_grad("linear.b", b, db, loss_b);
  // Without bias; and the accumulation: a second backward adds the same again.
  Md dW2 = Md::Zero(4, 5);
  dx = linear_backward(R, x, W, dW2);
  auto loss = [&] { return project(linear_forward(x, W), R); };
  expect_grad("linear_nobias.x", x, dx, loss);
  expect_grad("linear_nobias.W", W, dW2, loss);
  linear_backward(R, x, W, dW2);
  EXPECT_LT((dW2 - 2.0 * dW).norm(), 1e-12 * dW.norm());
}

TEST(ModelOps, Conv1dSiluMatchesTheZeroPaddedConvolution) {
  const int L = 6, di = 3, k = 4;
  const Md x = random_mat(L, di, "conv.x");
  const Md w = random_mat(di, k, "conv.w", 0.5);
  const Vd b = random_vec(di, "conv.b", 0.3);
  // PyTorch's Conv1d(padding=k-1): pad k-1 zeros on both sides, keep the first L outputs.
  Md padded = Md::Zero(L + 2 * (k - 1), di);
  padded.middleRows(k - 1, L) = x;
  Conv1dAct<double> act;
  const Md y = conv1d_silu_forward(x, w, b, act);
  for (int t = 0; t < L; ++t)
    for (int c = 0; c < di; ++c) {
      double pre = b(c);
      for (int j = 0; j < k; ++j) pre += w(c, j) * padded(t + j, c);
      EXPECT_NEAR(y(t, c), pre / (1.0 + std::exp(-pre)), 1e-14);
    }
}

TEST(ModelOps, Conv1dSiluGradients) {
  for (const int L : {1, 3, 8}) {  // shorter than, and longer than, the k = 4 taps
    SCOPED_TRACE("L " + std::to_string(L));
    Md x = random_mat(L, 4, "conv.x");
    Md w = random_mat(4, 4, "conv.w", 0.5);
    Vd b = random_vec(4, "conv.b", 0.3);
    const Md R = random_mat(L, 4, "conv.R");
    Conv1dAct<double> act;
    conv1d_silu_forward(x, w, b, act);
    Md dw = Md::Zero(4, 4);
    Vd db = Vd::Zero(4);
    const Md dx = conv1d_silu_backward(R, x, w, act, dw, db);
    auto loss = [&] {
      Conv1dAct<double> a;
      return project(conv1d_silu_forward(x, w, b, a), R);
    };
    expect_grad("conv1d_silu.x", x, dx, loss);
    if (L == 1) {  // only tap k-1 sees data: the others' gradients are exactly 0
      EXPECT_EQ(dw.leftCols(3), Md::Zero(4, 3));
      Md w_last = w.rightCols(1);
      const Md dw_last = dw.rightCols(1);
      auto loss_last = [&] {
        Md w_full = w;
        w_full.rightCols(1) = w_last;
        Conv1dAct<double> a;
        return project(conv1d_silu_forward(x, w_full, b, a), R);
      };
      expect_grad("conv1d_silu.w", w_last, dw_last, loss_last);
    } else {
      expect_grad("conv1d_silu.w", w, dw, loss);
    }
    expect_grad("conv1d_silu.b", b, db, loss);
  }
}

TEST(ModelOps, GeluMatchesPyTorchsTanhFormula) {
  // Values of 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), the formula of torch's
  // gelu(approximate='tanh'), evaluated in double.
  Md x(1, 5);
  x << -3.0, -0.5, 0.0, 1.0, 2.5;
  const Md y = gelu_forward(x);
  const double expected[] = {-0.0036373920817729943, -0.15428599017485606, 0.0, 0.8411919906082768,
                             2.484915733910001};
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(y(0, i), expected[i], 1e-15);
}

TEST(ModelOps, GeluAndSiluGradients) {
  Md x = random_mat(6, 5, "act.x", 2.0);
  const Md R = random_mat(6, 5, "act.R");
  const Md dx_gelu = gelu_backward(R, x);
  expect_grad("gelu.x", x, dx_gelu, [&] { return project(gelu_forward(x), R); });
  const Md dx_silu = silu_backward(R, x);
  expect_grad("silu.x", x, dx_silu, [&] { return project(silu_forward(x), R); });
}

// [SECTION] cross-entropy

TEST(ModelOps, CrossEntropyLossCountAndAccuracy) {
  Md logits(4, 3);
  logits << 2.0, 0.0, -1.0,  //
      0.5, 0.5, 0.0,         // a tie: argmax is the first maximum, 0
      -1.0, 3.0, 1.0,        //
      0.0, 0.0, 9.0;
  const std::vector<int> targets = {0, 1, -1, 1};
  CrossEntropyAct<double> act;
  const CrossEntropyResult r = cross_entropy_forward(logits, targets, act);
  EXPECT_EQ(r.count, 3);
  EXPECT_EQ(r.correct, 1);  // row 0 only; row 2 has no target
  EXPECT_DOUBLE_EQ(r.accuracy(), 1.0 / 3.0);
  double expected = 0.0;
  for (const int t : {0, 1, 3}) {
    double sum = 0.0;  // std::exp, not Eigen's packet exp: GCC 12 bug 105593 warns inside it
    for (int v = 0; v < 3; ++v) sum += std::exp(logits(t, v));
    const double lse = std::log(sum);
    expected += lse - logits(t, targets[static_cast<size_t>(t)]);
  }
  EXPECT_NEAR(r.loss, expected / 3.0, 1e-14);
  const Md dlogits = cross_entropy_backward(targets, act);
  EXPECT_EQ(dlogits.row(2), Md::Zero(1, 3)) << "a position without target gets no gradient";
  EXPECT_NEAR(dlogits.sum(), 0.0, 1e-15);
}

TEST(ModelOps, CrossEntropyGradients) {
  Md logits = random_mat(7, 6, "ce.logits", 2.0);
  const std::vector<int> targets = {3, -1, 0, 5, -1, 5, 2};
  CrossEntropyAct<double> act;
  cross_entropy_forward(logits, targets, act);
  const Md dlogits = cross_entropy_backward(targets, act, 0.7);
  auto loss = [&] {
    CrossEntropyAct<double> a;
    return 0.7 * cross_entropy_forward(logits, targets, a).loss;
  };
  expect_grad("cross_entropy.logits", logits, dlogits, loss);
}

TEST(ModelOps, CrossEntropyWithoutTargets) {
  const Md logits = random_mat(3, 4, "ce.logits");
  const std::vector<int> none = {-1, -1, -1};
  CrossEntropyAct<double> act;
  const CrossEntropyResult r = cross_entropy_forward(logits, none, act);
  EXPECT_EQ(r.count, 0);
  EXPECT_EQ(r.loss, 0.0);
  EXPECT_EQ(r.accuracy(), 0.0);
  EXPECT_EQ(cross_entropy_backward(none, act), Md::Zero(3, 4));
  const std::vector<int> bad = {-1, 4, 0};
  const std::vector<int> below = {-2, 0, 0};
  EXPECT_THROW(cross_entropy_forward(logits, bad, act), UserError);
  EXPECT_THROW(cross_entropy_forward(logits, below, act), UserError);
}

// [SECTION] selective scan (S6)

double softplus_ref(double x) {
  return std::log1p(std::exp(x));
}
double silu_ref(double x) {
  return x / (1.0 + std::exp(-x));
}

struct S6Data {
  Md u, delta_raw, A_log, B, C, z;
  Vd delta_bias, D;
  SelectiveScanInputs<double> inputs() const { return {u, delta_raw, delta_bias, A_log, B, C, D, z}; }
};

// Mamba-like ranges: delta = softplus(~N(-1, 0.5)) about 0.1-0.6, A_log = log(1..N) + noise.
S6Data make_s6(int L, int di, int N) {
  S6Data s;
  s.u = random_mat(L, di, "s6.u");
  s.delta_raw = random_mat(L, di, "s6.delta_raw", 0.5, -1.0);
  s.delta_bias = random_vec(di, "s6.delta_bias", 0.3);
  s.A_log = random_mat(di, N, "s6.A_log", 0.2);
  for (int n = 0; n < N; ++n) s.A_log.col(n).array() += std::log(n + 1.0);
  s.B = random_mat(L, N, "s6.B");
  s.C = random_mat(L, N, "s6.C");
  s.D = random_vec(di, "s6.D", 0.3, 1.0);
  s.z = random_mat(L, di, "s6.z");
  return s;
}

// selective_scan_ref's loop, written out with every state kept.
Md selective_scan_reference(const S6Data& s) {
  const Eigen::Index L = s.u.rows(), di = s.u.cols(), N = s.A_log.cols();
  Md h = Md::Zero(di, N);
  Md out(L, di);
  for (Eigen::Index t = 0; t < L; ++t)
    for (Eigen::Index c = 0; c < di; ++c) {
      const double delta = softplus_ref(s.delta_raw(t, c) + s.delta_bias(c));
      double y = s.D(c) * s.u(t, c);
      for (Eigen::Index n = 0; n < N; ++n) {
        h(c, n) = std::exp(delta * -std::exp(s.A_log(c, n))) * h(c, n) + delta * s.B(t, n) * s.u(t, c);
        y += h(c, n) * s.C(t, n);
      }
      out(t, c) = y * silu_ref(s.z(t, c));
    }
  return out;
}

void check_selective_scan(int L, int chunk, int N = 3) {
  SCOPED_TRACE("L " + std::to_string(L) + ", chunk " + std::to_string(chunk) + ", N " + std::to_string(N));
  const int di = 4;
  S6Data s = make_s6(L, di, N);
  const Md R = random_mat(L, di, "s6.R");
  SelectiveScanAct<double> act;
  const Md out = selective_scan_forward(s.inputs(), chunk, act);
  EXPECT_EQ(act.h_start.size(), static_cast<size_t>((L + chunk - 1) / chunk));
  EXPECT_LT((out - selective_scan_reference(s)).norm(), 1e-13 * out.norm());
  Vd d_delta_bias = Vd::Zero(di);
  Md dA_log = Md::Zero(di, N);
  Vd dD = Vd::Zero(di);
  SelectiveScanGrads<double> g = selective_scan_backward(R, s.inputs(), act, {d_delta_bias, dA_log, dD});
  auto loss = [&] {
    SelectiveScanAct<double> a;
    return project(selective_scan_forward(s.inputs(), chunk, a), R);
  };
  expect_grad("selective_scan.u", s.u, g.u, loss);
  expect_grad("selective_scan.delta_raw", s.delta_raw, g.delta_raw, loss);
  expect_grad("selective_scan.delta_bias", s.delta_bias, d_delta_bias, loss);
  expect_grad("selective_scan.B", s.B, g.B, loss);
  expect_grad("selective_scan.C", s.C, g.C, loss);
  expect_grad("selective_scan.D", s.D, dD, loss);
  expect_grad("selective_scan.z", s.z, g.z, loss);
  if (L == 1)  // h_{-1} = 0: A never multiplies a state
    expect_zero_grad("selective_scan.A_log", s.A_log, dA_log, loss);
  else
    expect_grad("selective_scan.A_log", s.A_log, dA_log, loss);
}

TEST(ModelOps, SelectiveScanGradients) {
  check_selective_scan(7, 3);   // 3 chunks, the last one short
  check_selective_scan(6, 3);   // a whole number of chunks
  check_selective_scan(9, 64);  // one chunk longer than the sequence
  check_selective_scan(5, 1);   // a checkpoint at every step
  check_selective_scan(1, 3);
  // The state widths the scan compiles for (selective_scan.cpp's with_state_width); 3 above
  // is the run-time width.
  check_selective_scan(6, 4, 2);
  check_selective_scan(5, 3, 4);
  check_selective_scan(7, 3, 8);
  check_selective_scan(5, 2, 16);
  check_selective_scan(4, 3, 32);
  check_selective_scan(3, 2, 64);
}

// The checkpoints change what is stored, never the numbers: the recompute repeats the
// forward's arithmetic, so every chunk size gives the same gradients bit for bit.
TEST(ModelOps, SelectiveScanGradientsDoNotDependOnTheChunk) {
  const S6Data s = make_s6(8, 3, 4);
  const Md R = random_mat(8, 3, "s6.R");
  std::vector<Md> grads;
  for (const int chunk : {1, 3, 8, 64}) {
    SelectiveScanAct<double> act;
    selective_scan_forward(s.inputs(), chunk, act);
    Vd d_delta_bias = Vd::Zero(3);
    Md dA_log = Md::Zero(3, 4);
    Vd dD = Vd::Zero(3);
    const SelectiveScanGrads<double> g =
        selective_scan_backward(R, s.inputs(), act, {d_delta_bias, dA_log, dD});
    Md all(8, 3 * 5 + 4 * 2);  // every gradient side by side
    all << g.u, g.delta_raw, g.z, d_delta_bias.transpose().replicate(8, 1), dD.transpose().replicate(8, 1),
        g.B, g.C;
    grads.push_back(all);
    grads.push_back(dA_log);
  }
  for (size_t i = 2; i < grads.size(); ++i) EXPECT_EQ(grads[i], grads[i % 2]) << "chunk case " << i / 2;
}

// [SECTION] LTI scan (S4D, ZOH)

struct LtiData {
  Md u, A_log, B, C, z;
  Vd log_dt, D;
  LtiScanInputs<double> inputs() const { return {u, log_dt, A_log, B, C, D, z}; }
};

// S4D-like ranges: delta = exp(log_dt) about 0.1-0.4, A_log = log(0.5) + noise.
LtiData make_lti(int L, int di, int N) {
  LtiData s;
  s.u = random_mat(L, di, "lti.u");
  s.log_dt = random_vec(di, "lti.log_dt", 0.4, -1.6);
  s.A_log = random_mat(di, N, "lti.A_log", 0.5, std::log(0.5));
  s.B = random_mat(di, N, "lti.B");
  s.C = random_mat(di, N, "lti.C");
  s.D = random_vec(di, "lti.D", 0.3, 1.0);
  s.z = random_mat(L, di, "lti.z");
  return s;
}

// The convolution view, y = K * u + D u with K_k = sum_n C Abar^k Bbar (DESIGN.md), and
// Bbar = (exp(delta A) - 1) / A B written out as is.
Md lti_scan_reference(const LtiData& s) {
  const Eigen::Index L = s.u.rows(), di = s.u.cols(), N = s.A_log.cols();
  Md out(L, di);
  for (Eigen::Index c = 0; c < di; ++c) {
    std::vector<double> K(static_cast<size_t>(L), 0.0);
    for (Eigen::Index n = 0; n < N; ++n) {
      const double A = -std::exp(s.A_log(c, n));
      const double delta = std::exp(s.log_dt(c));
      const double Abar = std::exp(delta * A);
      const double Bbar = (Abar - 1.0) / A * s.B(c, n);
      for (Eigen::Index k = 0; k < L; ++k) K[static_cast<size_t>(k)] += s.C(c, n) * std::pow(Abar, k) * Bbar;
    }
    for (Eigen::Index t = 0; t < L; ++t) {
      double y = s.D(c) * s.u(t, c);
      for (Eigen::Index j = 0; j <= t; ++j) y += K[static_cast<size_t>(t - j)] * s.u(j, c);
      out(t, c) = y * silu_ref(s.z(t, c));
    }
  }
  return out;
}

void check_lti_scan(int L, int chunk) {
  SCOPED_TRACE("L " + std::to_string(L) + ", chunk " + std::to_string(chunk));
  const int di = 3, N = 4;
  LtiData s = make_lti(L, di, N);
  const Md R = random_mat(L, di, "lti.R");
  LtiScanAct<double> act;
  const Md out = lti_scan_forward(s.inputs(), chunk, act);
  EXPECT_LT((out - lti_scan_reference(s)).norm(), 1e-12 * out.norm());
  Vd dlog_dt = Vd::Zero(di);
  Md dA_log = Md::Zero(di, N);
  Md dB = Md::Zero(di, N);
  Md dC = Md::Zero(di, N);
  Vd dD = Vd::Zero(di);
  LtiScanGrads<double> g = lti_scan_backward(R, s.inputs(), act, {dlog_dt, dA_log, dB, dC, dD});
  auto loss = [&] {
    LtiScanAct<double> a;
    return project(lti_scan_forward(s.inputs(), chunk, a), R);
  };
  expect_grad("lti_scan.u", s.u, g.u, loss);
  expect_grad("lti_scan.log_dt", s.log_dt, dlog_dt, loss);
  expect_grad("lti_scan.A_log", s.A_log, dA_log, loss);
  expect_grad("lti_scan.B", s.B, dB, loss);
  expect_grad("lti_scan.C", s.C, dC, loss);
  expect_grad("lti_scan.D", s.D, dD, loss);
  expect_grad("lti_scan.z", s.z, g.z, loss);
}

TEST(ModelOps, LtiScanGradients) {
  check_lti_scan(7, 3);
  check_lti_scan(6, 3);
  check_lti_scan(9, 64);
  check_lti_scan(5, 1);
  check_lti_scan(1, 3);
}

TEST(ModelOps, LtiScanGradientsDoNotDependOnTheChunk) {
  const LtiData s = make_lti(8, 3, 2);
  const Md R = random_mat(8, 3, "lti.R");
  std::vector<Md> grads;
  for (const int chunk : {1, 3, 8, 64}) {
    LtiScanAct<double> act;
    lti_scan_forward(s.inputs(), chunk, act);
    Vd dlog_dt = Vd::Zero(3), dD = Vd::Zero(3);
    Md dA_log = Md::Zero(3, 2), dB = Md::Zero(3, 2), dC = Md::Zero(3, 2);
    const LtiScanGrads<double> g = lti_scan_backward(R, s.inputs(), act, {dlog_dt, dA_log, dB, dC, dD});
    Md all(8, 3 * 2);
    all << g.u, g.z;
    Md params(3, 2 * 3 + 2);
    params << dA_log, dB, dC, dlog_dt, dD;
    grads.push_back(all);
    grads.push_back(params);
  }
  for (size_t i = 2; i < grads.size(); ++i) EXPECT_EQ(grads[i], grads[i % 2]) << "chunk case " << i / 2;
}

// [SECTION] attention

// HF Llama's attention for one sequence, written as its code reads: cos, sin = cat(freqs,
// freqs), x * cos + rotate_half(x) * sin, rotate_half(x) = cat(-x2, x1), then per head a
// masked softmax over q k^T / sqrt(dh).
Md attention_reference(const Md& q, const Md& k, const Md& v, int H, double theta) {
  const Eigen::Index L = q.rows(), d = q.cols(), dh = d / H, half = dh / 2;
  Md out(L, d);
  for (int h = 0; h < H; ++h) {
    Md qh = q.middleCols(h * dh, dh), kh = k.middleCols(h * dh, dh);
    if (theta > 0.0) {
      Md cos(L, dh), sin(L, dh);
      for (Eigen::Index t = 0; t < L; ++t)
        for (Eigen::Index j = 0; j < dh; ++j) {
          const double inv_freq = 1.0 / std::pow(theta, 2.0 * static_cast<double>(j % half) / dh);
          const double freq = static_cast<double>(t) * inv_freq;
          cos(t, j) = std::cos(freq);
          sin(t, j) = std::sin(freq);
        }
      auto rotate_half = [&](const Md& x) {
        Md r(L, dh);
        r << -x.rightCols(half), x.leftCols(half);
        return r;
      };
      qh = (qh.cwiseProduct(cos) + rotate_half(qh).cwiseProduct(sin)).eval();
      kh = (kh.cwiseProduct(cos) + rotate_half(kh).cwiseProduct(sin)).eval();
    }
    Md scores = qh * kh.transpose() / std::sqrt(static_cast<double>(dh));
    for (Eigen::Index t = 0; t < L; ++t)
      for (Eigen::Index s = t + 1; s < L; ++s) scores(t, s) = -INFINITY;
    Md probs(L, L);
    for (Eigen::Index t = 0; t < L; ++t) {
      const double max = scores.row(t).maxCoeff();
      double sum = 0.0;
      for (Eigen::Index s = 0; s < L; ++s) sum += probs(t, s) = std::exp(scores(t, s) - max);
      probs.row(t) /= sum;
    }
    out.middleCols(h * dh, dh) = probs * v.middleCols(h * dh, dh);
  }
  return out;
}

void check_attention(int L, int d, int H, double theta) {
  SCOPED_TRACE("L " + std::to_string(L) + ", d " + std::to_string(d) + ", H " + std::to_string(H) +
               ", rope_theta " + std::to_string(theta));
  Md q = random_mat(L, d, "att.q"), k = random_mat(L, d, "att.k"), v = random_mat(L, d, "att.v");
  const Md R = random_mat(L, d, "att.R");
  AttentionAct<double> act;
  const Md out = attention_forward(q, k, v, H, theta, act);
  EXPECT_LT((out - attention_reference(q, k, v, H, theta)).norm(), 1e-13 * out.norm());
  for (const Md& probs : act.probs) {
    for (Eigen::Index t = 0; t < L; ++t) {
      EXPECT_NEAR(probs.row(t).sum(), 1.0, 1e-15);
      for (Eigen::Index s = t + 1; s < L; ++s) EXPECT_EQ(probs(t, s), 0.0) << "above the diagonal";
    }
  }
  const AttentionGrads<double> g = attention_backward(R, v, act);
  auto loss = [&] {
    AttentionAct<double> a;
    return project(attention_forward(q, k, v, H, theta, a), R);
  };
  expect_grad("attention.v", v, g.v, loss);
  if (L == 1) {  // one key: probs = 1 whatever q and k are
    expect_zero_grad("attention.q", q, g.q, loss);
    expect_zero_grad("attention.k", k, g.k, loss);
  } else {
    expect_grad(theta > 0.0 ? "attention_rope.q" : "attention.q", q, g.q, loss);
    expect_grad(theta > 0.0 ? "attention_rope.k" : "attention.k", k, g.k, loss);
  }
}

TEST(ModelOps, AttentionGradients) {
  for (const int L : {1, 6, 9}) {
    check_attention(L, 8, 2, 0.0);      // no RoPE
    check_attention(L, 8, 2, 10000.0);  // Llama's theta
    check_attention(L, 8, 2, 10.0);     // a small theta: every pair turns fast
    check_attention(L, 6, 2, 0.0);      // an odd head width, no RoPE
  }
}

// RoPE makes q'.k' a function of q, k and the distance t - s alone.
TEST(ModelOps, RopeScoresDependOnTheDistanceOnly) {
  const int L = 7, d = 8;
  const Md q = random_mat(1, d, "rope.q").replicate(L, 1);
  const Md k = random_mat(1, d, "rope.k").replicate(L, 1);
  const Md v = random_mat(L, d, "rope.v");
  AttentionAct<double> act;
  attention_forward(q, k, v, 2, 100.0, act);
  const Md scores = act.q.leftCols(4) * act.k.leftCols(4).transpose();
  for (int t = 1; t < L; ++t)
    for (int s = 1; s <= t; ++s) EXPECT_NEAR(scores(t, s), scores(t - s, 0), 1e-12);
  EXPECT_NEAR(act.q.row(5).norm(), q.row(5).norm(), 1e-12) << "a rotation keeps the norm";
  EXPECT_GT((act.q.row(5) - q.row(5)).norm(), 0.1) << "and does turn";
}

TEST(ModelOps, AttentionRefusesBadHeads) {
  const Md x = random_mat(3, 6, "att.x");
  AttentionAct<double> act;
  EXPECT_THROW(attention_forward(x, x, x, 4, 0.0, act), std::invalid_argument);      // 4 does not divide 6
  EXPECT_THROW(attention_forward(x, x, x, 2, 10000.0, act), std::invalid_argument);  // dh 3 is odd
}

// [SECTION] float vs double

// max |a - b| / max |b|
double error_over_scale(const Mf& a, const Md& b) {
  return (a.cast<double>() - b).cwiseAbs().maxCoeff() / std::max(1e-30, b.cwiseAbs().maxCoeff());
}

TEST(ModelOps, FloatForwardMatchesDouble) {
  const Md x = random_mat(8, 6, "fd.x");
  const Vd w = random_vec(6, "fd.w", 0.3, 1.0);
  const Md W = random_mat(5, 6, "fd.W", 0.5);
  const Vd b = random_vec(5, "fd.b");
  const Md cw = random_mat(6, 4, "fd.cw", 0.5);
  const Vd cb = random_vec(6, "fd.cb", 0.3);
  const Mf xf = x.cast<float>();
  const Mf Wf = W.cast<float>();
  const std::vector<int> ids = {0, 4, 2, 2, 1, 3, 0, 4};
  const std::vector<int> targets = {1, -1, 4, 0, 0, -1, 2, 3};

  RmsNormAct<double> rd;
  RmsNormAct<float> rf;
  EXPECT_LT(error_over_scale(rmsnorm_forward<float>(xf, w.cast<float>(), 1e-5f, rf),
                             rmsnorm_forward(x, w, 1e-5, rd)),
            1e-6);
  EXPECT_LT(error_over_scale(linear_forward<float>(xf, Wf, b.cast<float>()), linear_forward(x, W, b)), 1e-6);
  Conv1dAct<double> cd;
  Conv1dAct<float> cf;
  EXPECT_LT(error_over_scale(conv1d_silu_forward<float>(xf, cw.cast<float>(), cb.cast<float>(), cf),
                             conv1d_silu_forward(x, cw, cb, cd)),
            1e-6);
  EXPECT_LT(error_over_scale(gelu_forward<float>(xf), gelu_forward(x)), 1e-6);
  EXPECT_LT(error_over_scale(embedding_forward<float>(ids, Wf), embedding_forward<double>(ids, W)), 1e-7);
  const Md logits = tied_head_forward<double>(x, W);
  EXPECT_LT(error_over_scale(tied_head_forward<float>(xf, Wf), logits), 1e-6);
  CrossEntropyAct<double> ed;
  CrossEntropyAct<float> ef;
  const CrossEntropyResult rd_ce = cross_entropy_forward(logits, targets, ed);
  const CrossEntropyResult rf_ce = cross_entropy_forward<float>(logits.cast<float>(), targets, ef);
  EXPECT_NEAR(rf_ce.loss, rd_ce.loss, 1e-6 * rd_ce.loss);
  EXPECT_EQ(rf_ce.correct, rd_ce.correct);
}

TEST(ModelOps, ScansFloatForwardMatchesDouble) {
  const S6Data s = make_s6(40, 6, 4);
  const Mf u = s.u.cast<float>(), delta_raw = s.delta_raw.cast<float>(), A_log = s.A_log.cast<float>();
  const Mf B = s.B.cast<float>(), C = s.C.cast<float>(), z = s.z.cast<float>();
  const Vf delta_bias = s.delta_bias.cast<float>(), D = s.D.cast<float>();
  SelectiveScanAct<double> ad;
  SelectiveScanAct<float> af;
  const Mf out = selective_scan_forward<float>({u, delta_raw, delta_bias, A_log, B, C, D, z}, 16, af);
  EXPECT_LT(error_over_scale(out, selective_scan_forward(s.inputs(), 16, ad)), 1e-5);

  const LtiData l = make_lti(40, 6, 4);
  const Mf lu = l.u.cast<float>(), lA_log = l.A_log.cast<float>(), lB = l.B.cast<float>();
  const Mf lC = l.C.cast<float>(), lz = l.z.cast<float>();
  const Vf log_dt = l.log_dt.cast<float>(), lD = l.D.cast<float>();
  LtiScanAct<double> ld;
  LtiScanAct<float> lf;
  const Mf lout = lti_scan_forward<float>({lu, log_dt, lA_log, lB, lC, lD, lz}, 16, lf);
  EXPECT_LT(error_over_scale(lout, lti_scan_forward(l.inputs(), 16, ld)), 1e-5);
}

TEST(ModelOps, AttentionFloatForwardMatchesDouble) {
  const Md q = random_mat(24, 8, "fd.q"), k = random_mat(24, 8, "fd.k"), v = random_mat(24, 8, "fd.v");
  for (const double theta : {0.0, 10000.0}) {
    AttentionAct<double> ad;
    AttentionAct<float> af;
    const Mf out = attention_forward<float>(q.cast<float>(), k.cast<float>(), v.cast<float>(), 2, theta, af);
    EXPECT_LT(error_over_scale(out, attention_forward(q, k, v, 2, theta, ad)), 1e-5)
        << "rope_theta " << theta;
  }
}

}  // namespace
}  // namespace seqscope::compute::model
