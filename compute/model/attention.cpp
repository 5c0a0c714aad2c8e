#include "compute/model/attention.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace seqscope::compute::model {

namespace {

// cos, sin: [L, dh / 2] of the angle t * theta^(-2i/dh).
template <typename T>
void rope_tables(Eigen::Index L, Eigen::Index dh, double theta, Mat<T>& cos, Mat<T>& sin) {
  const Eigen::Index half = dh / 2;
  cos.resize(L, half);
  sin.resize(L, half);
  for (Eigen::Index i = 0; i < half; ++i) {
    const double inv_freq = std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(dh));
    for (Eigen::Index t = 0; t < L; ++t) {
      const double angle = static_cast<double>(t) * inv_freq;
      cos(t, i) = static_cast<T>(std::cos(angle));
      sin(t, i) = static_cast<T>(std::sin(angle));
    }
  }
}

// x: [L, d] -> each head's pairs (i, i + dh/2) rotated by +angle (sign 1, RoPE) or by -angle
// (sign -1, the transpose: the gradient's way back).
template <typename T>
Mat<T> rotate(const Mat<T>& x, const Mat<T>& cos, const Mat<T>& sin, int n_heads, T sign) {
  const Eigen::Index dh = x.cols() / n_heads;
  const Eigen::Index half = dh / 2;
  Mat<T> out(x.rows(), x.cols());
  for (Eigen::Index t = 0; t < x.rows(); ++t)
    for (Eigen::Index h = 0; h < n_heads; ++h)
      for (Eigen::Index i = 0; i < half; ++i) {
        const Eigen::Index lo = h * dh + i;
        const Eigen::Index hi = lo + half;
        const T c = cos(t, i);
        const T s = sign * sin(t, i);
        out(t, lo) = x(t, lo) * c - x(t, hi) * s;
        out(t, hi) = x(t, hi) * c + x(t, lo) * s;
      }
  return out;
}

// scores: [L, L] -> probs: row t is the softmax of scores(t, 0..t), 0 after t.
template <typename T>
Mat<T> causal_softmax(const Mat<T>& scores) {
  const Eigen::Index L = scores.rows();
  Mat<T> probs = Mat<T>::Zero(L, L);
  for (Eigen::Index t = 0; t < L; ++t) {
    const T max = scores.row(t).head(t + 1).maxCoeff();
    auto row = probs.row(t).head(t + 1);
    row = (scores.row(t).head(t + 1).array() - max).exp().matrix();
    row /= row.sum();
  }
  return probs;
}

}  // namespace

template <typename T>
Mat<T> attention_forward(const Mat<T>& q, const Mat<T>& k, const Mat<T>& v, int n_heads, double rope_theta,
                         AttentionAct<T>& act) {
  const Eigen::Index L = q.rows();
  const Eigen::Index d = q.cols();
  if (n_heads < 1 || d % n_heads != 0)
    throw std::invalid_argument("attention: " + std::to_string(n_heads) + " heads do not divide d " +
                                std::to_string(d));
  const Eigen::Index dh = d / n_heads;
  if (rope_theta > 0.0 && dh % 2 != 0)
    throw std::invalid_argument("attention: RoPE needs an even head width, not " + std::to_string(dh));
  if (k.rows() != L || v.rows() != L || k.cols() != d || v.cols() != d)
    throw std::invalid_argument("attention: q, k, v of different shapes");
  act.n_heads = n_heads;
  if (rope_theta > 0.0) {
    rope_tables(L, dh, rope_theta, act.cos, act.sin);
    act.q = rotate(q, act.cos, act.sin, n_heads, T(1));
    act.k = rotate(k, act.cos, act.sin, n_heads, T(1));
  } else {
    act.cos.resize(0, 0);
    act.sin.resize(0, 0);
    act.q = q;
    act.k = k;
  }
  const T scale = T(1) / std::sqrt(static_cast<T>(dh));
  act.probs.resize(static_cast<size_t>(n_heads));
  Mat<T> out(L, d);
  for (int h = 0; h < n_heads; ++h) {
    const auto cols = [&](const Mat<T>& x) { return x.middleCols(h * dh, dh); };
    const Mat<T> scores = (cols(act.q) * cols(act.k).transpose()) * scale;
    Mat<T>& probs = act.probs[static_cast<size_t>(h)];
    probs = causal_softmax(scores);
    out.middleCols(h * dh, dh).noalias() = probs * cols(v);
  }
  return out;
}

template <typename T>
AttentionGrads<T> attention_backward(const Mat<T>& dout, const Mat<T>& v, const AttentionAct<T>& act) {
  const Eigen::Index L = dout.rows();
  const Eigen::Index d = dout.cols();
  const int n_heads = act.n_heads;
  const Eigen::Index dh = d / n_heads;
  const T scale = T(1) / std::sqrt(static_cast<T>(dh));
  AttentionGrads<T> g;
  g.q.resize(L, d);
  g.k.resize(L, d);
  g.v.resize(L, d);
  for (int h = 0; h < n_heads; ++h) {
    const auto cols = [&](const Mat<T>& x) { return x.middleCols(h * dh, dh); };
    const Mat<T>& probs = act.probs[static_cast<size_t>(h)];
    g.v.middleCols(h * dh, dh).noalias() = probs.transpose() * cols(dout);
    const Mat<T> dprobs = cols(dout) * cols(v).transpose();
    // softmax backward per row; probs is 0 above the diagonal, so are the masked dscores
    const Vec<T> dot = probs.cwiseProduct(dprobs).rowwise().sum();
    const Mat<T> dscores = probs.cwiseProduct(dprobs - dot.replicate(1, L)) * scale;
    g.q.middleCols(h * dh, dh).noalias() = dscores * cols(act.k);
    g.k.middleCols(h * dh, dh).noalias() = dscores.transpose() * cols(act.q);
  }
  if (act.cos.size() > 0) {
    g.q = rotate(g.q, act.cos, act.sin, n_heads, T(-1));
    g.k = rotate(g.k, act.cos, act.sin, n_heads, T(-1));
  }
  return g;
}

#define SEQSCOPE_INSTANTIATE(T)                                                                     \
  template Mat<T> attention_forward(const Mat<T>& q, const Mat<T>& k, const Mat<T>& v, int n_heads, \
                                    double rope_theta, AttentionAct<T>& act);                       \
  template AttentionGrads<T> attention_backward(const Mat<T>& dout, const Mat<T>& v,                \
                                                const AttentionAct<T>& act);
SEQSCOPE_INSTANTIATE(float)
SEQSCOPE_INSTANTIATE(double)
#undef SEQSCOPE_INSTANTIATE

}  // namespace seqscope::compute::model
