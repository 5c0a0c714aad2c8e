// Attention on the Eigen reference (see attention.h).
// Sums over keys accumulate in double: a softmax row or a linear-attention normalizer adds up
// to L terms, and the Vulkan backend is held to 1e-5 relative against these numbers.
//
// Index (each part starts at a "// [SECTION] name" line):
//   positional schemes
//   masks
//   softmax attention
//   probability rows on demand
//   linear attention (parallel, recurrent)
//   the layer: projections, heads, pooling, run_attention
#include "compute/attention/attention.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "compute/attention/row_kernels.h"
#include "compute/session/cost_model.h"
#include "core/progress.h"
#include "compute/session/map_overview.h"
#include "core/parallel.h"
#include "core/param_rng.h"

namespace seqscope::compute {

// [SECTION] positional schemes

Matrix sinusoidal_positions(int L, int D) {
  Matrix pe(L, D);
  for (int t = 0; t < L; ++t)
    for (int j = 0; j < D; ++j) {
      const int i2 = j - j % 2;  // 2i
      const double angle = t / std::pow(10000.0, static_cast<double>(i2) / D);
      pe(t, j) = static_cast<float>(j % 2 == 0 ? std::sin(angle) : std::cos(angle));
    }
  return pe;
}

void apply_rope(Matrix& x, double base) {
  const Eigen::Index dh = x.cols();
  for (Eigen::Index t = 0; t < x.rows(); ++t)
    for (Eigen::Index i = 0; 2 * i + 1 < dh; ++i) {
      const double theta = static_cast<double>(t) * std::pow(base, -2.0 * static_cast<double>(i) / static_cast<double>(dh));
      const double c = std::cos(theta), s = std::sin(theta);
      const double a = x(t, 2 * i), b = x(t, 2 * i + 1);
      x(t, 2 * i) = static_cast<float>(a * c - b * s);
      x(t, 2 * i + 1) = static_cast<float>(a * s + b * c);
    }
}

std::vector<double> alibi_slopes(int H) {
  const auto power_of_2 = [](int n) {
    std::vector<double> slopes;
    const double start = std::pow(2.0, -8.0 / n);
    for (int i = 0; i < n; ++i) slopes.push_back(std::pow(start, i + 1));
    return slopes;
  };
  if (H < 1) return {};
  const int closest = 1 << static_cast<int>(std::floor(std::log2(H)));
  std::vector<double> slopes = power_of_2(closest);
  if (closest == H) return slopes;
  // The ALiBi reference: every other slope of the next power of two fills the rest.
  const std::vector<double> extra = alibi_slopes(2 * closest);
  for (int i = 0; static_cast<int>(slopes.size()) < H; i += 2) slopes.push_back(extra[static_cast<size_t>(i)]);
  return slopes;
}

// [SECTION] masks

bool mask_allows(MaskKind mask, int window, int t, int s) {
  switch (mask) {
    case MaskKind::Causal: return s <= t;
    case MaskKind::None: return true;
    case MaskKind::Window: return s <= t && s > t - window;
  }
  return false;
}

// [SECTION] softmax attention

void softmax_attention(const Matrix& q, const Matrix& k, const Matrix& v, MaskKind mask, int window,
                       double temperature, double alibi_slope, Matrix& scores, Matrix& probs, Matrix& out) {
  const Eigen::Index L = q.rows();
  scores.resize(L, L);
  probs.resize(L, L);
  softmax_attention_into(q, k, v, mask, window, temperature, alibi_slope, scores.data(), probs.data(), out);
}

namespace {

// Keys [lo, hi) that query t may see under the mask.
std::pair<int, int> allowed_keys(MaskKind mask, int window, int t, int L) {
  switch (mask) {
    case MaskKind::Causal: return {0, t + 1};
    case MaskKind::None: return {0, L};
    case MaskKind::Window: return {std::max(0, t - window + 1), t + 1};
  }
  return {0, 0};
}

// Row t of the maps, whose columns [0, L) hold q_t . k_s from the block product: scale, bias,
// -inf / exact 0 where masked, and exp(score - max) over the allowed keys [lo, hi) into probs;
// returns 1 / their sum, the factor that makes probs the softmax (row_kernels.h).
float softmax_row_unnormalized(float* scores, float* probs, int L, int t, int lo, int hi, float scale,
                               double alibi_slope) {
  const float neg_inf = -std::numeric_limits<float>::infinity();
  std::fill(scores, scores + lo, neg_inf);
  std::fill(scores + hi, scores + L, neg_inf);
  std::fill(probs, probs + lo, 0.0f);
  std::fill(probs + hi, probs + L, 0.0f);
  // Subtracting the row max keeps exp() finite.
  const float row_max = scale_bias_max(scores + lo, hi - lo, scale, alibi_slope, t, lo);
  return exp_minus_max(scores + lo, probs + lo, hi - lo, row_max);
}

// Scratch of at least n floats owned by the calling thread: reused, so that blocks of varying
// width neither allocate nor touch fresh pages.
float* thread_scratch(int slot, int64_t n) {
  thread_local std::vector<float> slots[2];
  std::vector<float>& s = slots[slot];
  if (static_cast<int64_t>(s.size()) < n) s.resize(static_cast<size_t>(n));
  return s.data();
}

}  // namespace

void softmax_attention_into(const Matrix& q, const Matrix& k, const Matrix& v, MaskKind mask, int window,
                            double temperature, double alibi_slope, float* scores_out, float* probs_out, Matrix& out) {
  const int L = static_cast<int>(q.rows());
  const float scale = static_cast<float>(1.0 / (std::sqrt(static_cast<double>(q.cols())) * temperature));
  Eigen::Map<Matrix> scores(scores_out, L, L), probs(probs_out, L, L);
  out.resize(L, v.cols());
  // Blocks of query rows on worker threads. A block's allowed columns [c0, c1) are computed in
  // a per-thread scratch slab that stays in cache between the q k^T product, the softmax and
  // the p v product; then its rows go to the full maps with streamed stores, which write the
  // maps once without first reading them into the cache. The probabilities are normalized on
  // the way out: out rows and the streamed probs rows are scaled by 1 / sum.
  constexpr int kRows = 64;
  const int blocks = (L + kRows - 1) / kRows;
  const int64_t min_blocks = std::max<int64_t>(1, kMinWorkPerThread / (int64_t{kRows} * L * q.cols()));
  parallel_strided(blocks, min_blocks, [&](int64_t b, int) {
    const int r0 = static_cast<int>(b) * kRows, n = std::min(kRows, L - r0), r1 = r0 + n;
    const int c0 = allowed_keys(mask, window, r0, L).first, c1 = allowed_keys(mask, window, r1 - 1, L).second;
    const int w = c1 - c0;
    Eigen::Map<Matrix> block_scores(thread_scratch(0, int64_t{kRows} * L), n, w),
        block_probs(thread_scratch(1, int64_t{kRows} * L), n, w);  // [n, w]
    block_scores.noalias() = q.middleRows(r0, n) * k.middleRows(c0, w).transpose();
    std::array<float, kRows> inv_sum{};
    for (int t = r0; t < r1; ++t) {
      const auto [lo, hi] = allowed_keys(mask, window, t, L);  // distances t - s are kept with t - c0
      inv_sum[t - r0] = softmax_row_unnormalized(&block_scores(t - r0, 0), &block_probs(t - r0, 0), w, t - c0,
                                                 lo - c0, hi - c0, scale, alibi_slope);
    }
    out.middleRows(r0, n).noalias() = block_probs * v.middleRows(c0, w);
    const float neg_inf = -std::numeric_limits<float>::infinity();
    for (int t = r0; t < r1; ++t) {
      out.row(t) *= inv_sum[t - r0];
      stream_row(scores.row(t).data(), L, &block_scores(t - r0, 0), c0, c1, neg_inf, 1.0f);
      stream_row(probs.row(t).data(), L, &block_probs(t - r0, 0), c0, c1, 0.0f, inv_sum[t - r0]);
    }
  });
}

namespace {

// [SECTION] probability rows on demand

// Rows t0 .. t1 - 1 of head h's probability map into rows [t1 - t0, L], in the columns
// [*c0, *c1) that any of these rows may see (exact zeros where a row's own mask removes a
// key); the columns outside are left as they were.
void probs_rows_in_window(const AttentionResults& a, const AttentionConfig& cfg, int h, int t0, int t1, Matrix& rows,
                          int* c0, int* c1) {
  const int L = a.L, n = t1 - t0, dh = a.dh;
  const Eigen::Map<const Matrix> q(a.q.data.data() + int64_t{h} * L * dh, L, dh);
  const Eigen::Map<const Matrix> k(a.k.data.data() + int64_t{h} * L * dh, L, dh);
  rows.resize(n, L);
  if (cfg.kind != AttentionKind::Softmax) {
    *c0 = 0, *c1 = L;
    rows.setZero();
  }
  if (cfg.kind == AttentionKind::Lag) {
    for (int t = t0; t < t1; ++t) rows(t - t0, lag_source(t, cfg.lag)) = 1.0f;
    return;
  }
  if (cfg.kind == AttentionKind::Linear) {
    const Matrix phi_q = feature_map(q.middleRows(t0, n), cfg.feature_map), phi_k = feature_map(k, cfg.feature_map);
    const Eigen::MatrixXd sim = phi_q.cast<double>() * phi_k.cast<double>().transpose();  // [n, L]
    for (int t = t0; t < t1; ++t) {
      const auto [lo, hi] = allowed_keys(cfg.mask, cfg.window, t, L);
      const double den = kLinearEps + sim.row(t - t0).segment(lo, hi - lo).sum();
      rows.row(t - t0).segment(lo, hi - lo) = (sim.row(t - t0).segment(lo, hi - lo) / den).cast<float>();
    }
    return;
  }
  // Softmax: the block product and row softmax of softmax_attention_into, for these rows only.
  const float scale = static_cast<float>(1.0 / (std::sqrt(static_cast<double>(dh)) * cfg.temperature));
  const double slope = cfg.positional == Positional::Alibi ? alibi_slopes(a.H)[static_cast<size_t>(h)] : 0.0;
  *c0 = allowed_keys(cfg.mask, cfg.window, t0, L).first, *c1 = allowed_keys(cfg.mask, cfg.window, t1 - 1, L).second;
  const int w = *c1 - *c0;
  Eigen::Map<Matrix> scores(thread_scratch(0, int64_t{n} * w), n, w);  // reused: the overview path calls this per group
  scores.noalias() = q.middleRows(t0, n) * k.middleRows(*c0, w).transpose();
  for (int t = t0; t < t1; ++t) {
    const auto [lo, hi] = allowed_keys(cfg.mask, cfg.window, t, L);  // distances t - s are kept with t - c0
    float* p = &rows(t - t0, *c0);
    const float inv_sum = softmax_row_unnormalized(&scores(t - t0, 0), p, w, t - *c0, lo - *c0, hi - *c0, scale, slope);
    Eigen::Map<Eigen::ArrayXf>(p + (lo - *c0), hi - lo) *= inv_sum;
  }
}

}  // namespace

void attention_probs_rows(const AttentionResults& a, const AttentionConfig& cfg, int h, int t0, int t1, Matrix& rows) {
  int c0 = 0, c1 = 0;
  probs_rows_in_window(a, cfg, h, t0, t1, rows, &c0, &c1);
  rows.leftCols(c0).setZero();
  rows.rightCols(a.L - c1).setZero();
}

std::vector<float> attention_probs_row(const AttentionResults& a, const AttentionConfig& cfg, int h, int t) {
  Matrix row;
  attention_probs_rows(a, cfg, h, t, t + 1, row);
  return std::vector<float>(row.data(), row.data() + row.size());
}

// [SECTION] linear attention (parallel, recurrent)

Matrix feature_map(const Matrix& x, FeatureMap map) {
  if (map == FeatureMap::Identity) return x;
  return x.unaryExpr([](float a) { return a > 0.0f ? a + 1.0f : std::exp(a); });  // elu(a) + 1
}

Matrix linear_attention_parallel(const Matrix& phi_q, const Matrix& phi_k, const Matrix& v, MaskKind mask,
                                 int window, Matrix* weights) {
  const int L = static_cast<int>(phi_q.rows());
  const Eigen::MatrixXd sim = phi_q.cast<double>() * phi_k.cast<double>().transpose();  // [L, L]
  Eigen::MatrixXd w = Eigen::MatrixXd::Zero(L, L);
  for (int t = 0; t < L; ++t) {
    double den = kLinearEps;
    for (int s = 0; s < L; ++s)
      if (mask_allows(mask, window, t, s)) den += sim(t, s);
    for (int s = 0; s < L; ++s)
      if (mask_allows(mask, window, t, s)) w(t, s) = sim(t, s) / den;
  }
  if (weights) *weights = w.cast<float>();
  return (w * v.cast<double>()).cast<float>();
}

Matrix linear_attention_recurrent(const Matrix& phi_q, const Matrix& phi_k, const Matrix& v,
                                  std::vector<Matrix>* states) {
  const Eigen::Index L = phi_q.rows();
  Eigen::MatrixXd S = Eigen::MatrixXd::Zero(phi_k.cols(), v.cols());  // [dh, dv]
  Eigen::VectorXd z = Eigen::VectorXd::Zero(phi_k.cols());            // [dh]
  Matrix out(L, v.cols());
  if (states) states->clear();
  for (Eigen::Index t = 0; t < L; ++t) {
    const Eigen::VectorXd kt = phi_k.row(t).transpose().cast<double>();
    const Eigen::VectorXd qt = phi_q.row(t).transpose().cast<double>();
    S += kt * v.row(t).cast<double>();
    z += kt;
    out.row(t) = (qt.transpose() * S / (qt.dot(z) + kLinearEps)).cast<float>();
    if (states) states->push_back(S.cast<float>());
  }
  return out;
}

int lag_source(int t, int lag) { return t >= lag ? t - lag : t; }

namespace {

// [SECTION] the layer: projections, heads, pooling, run_attention

void check_config(const AttentionConfig& c) {
  const auto positive = [](int value, const char* key) {
    if (value < 1) throw UserError(std::string("attention.") + key + " must be >= 1 (got " + std::to_string(value) + ")");
  };
  positive(c.heads, "heads");
  positive(c.head_dim, "head_dim");
  positive(c.window, "window");
  if (c.lag < 0) throw UserError("attention.lag must be >= 0 (got " + std::to_string(c.lag) + ")");
  if (!(c.temperature > 0.0)) throw UserError("attention.temperature must be > 0");
}

Matrix normal_weights(uint64_t seed, const char* name, int rows, int cols) {
  ParamRng rng(seed, name);
  Matrix w(rows, cols);
  const double scale = 1.0 / std::sqrt(static_cast<double>(rows));
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) w(i, j) = static_cast<float>(scale * rng.normal());
  return w;
}

// x: [L, dh] into head h of a [H, L, dh] tensor (or [H, L, L]).
void put_head(Tensor& t, int h, const Matrix& x) {
  std::copy(x.data(), x.data() + x.size(), t.data.begin() + static_cast<int64_t>(h) * x.size());
}

// Overview path for head h: query bins on worker threads, each computing its rows of the map,
// pooling them into its row of the overview and multiplying them by v for out.
void pool_attention_head(const AttentionConfig& cfg, int h, AttentionResults& r) {
  const int L = r.L, P = r.probs_overview.P, dh = r.dh;
  const Eigen::Map<const Matrix> v(r.v.data.data() + int64_t{h} * L * dh, L, dh);
  Eigen::Map<Matrix> out(r.out.data.data() + int64_t{h} * L * dh, L, dh);
  // Query bins in groups of about kRowsPerProduct rows: one q k^T product per group, so that k
  // is packed once per group, not once per bin (L = 16384: 16 rows a bin).
  constexpr int64_t kRowsPerProduct = 64;
  const int64_t rows_per_bin = (L + P - 1) / P;
  const int64_t bins_per_group = std::max<int64_t>(1, kRowsPerProduct / rows_per_bin);
  const int64_t groups = (P + bins_per_group - 1) / bins_per_group;
  const int64_t work_per_group = bins_per_group * rows_per_bin * L * dh;
  parallel_strided(groups, std::max<int64_t>(1, kMinWorkPerThread / work_per_group), [&](int64_t g, int) {
    const int b0 = static_cast<int>(g * bins_per_group), b1 = static_cast<int>(std::min<int64_t>(P, b0 + bins_per_group));
    const int t0 = bin_begin(b0, L, P), t1 = bin_begin(b1, L, P);
    thread_local Matrix rows;  // [rows of the group, L], reused: no allocation per group
    int c0 = 0, c1 = 0;        // the group's allowed keys: the other columns of rows are not written
    probs_rows_in_window(r, cfg, h, t0, t1, rows, &c0, &c1);
    for (int b = b0; b < b1; ++b) {
      const int s0 = bin_begin(b, L, P), s1 = bin_begin(b + 1, L, P);
      PooledLine line(L, P);
      // Entries outside the mask are exact zeros, which pool to nothing.
      const int lo = cfg.kind == AttentionKind::Softmax ? allowed_keys(cfg.mask, cfg.window, s0, L).first : 0;
      const int hi = cfg.kind == AttentionKind::Softmax ? allowed_keys(cfg.mask, cfg.window, s1 - 1, L).second : L;
      for (int t = s0; t < s1; ++t) line.add(rows.row(t - t0).data() + lo, lo, hi - lo);
      line.store_row(r.probs_overview, h, b);
    }
    out.middleRows(t0, t1 - t0).noalias() = rows.middleCols(c0, c1 - c0) * v.middleRows(c0, c1 - c0);
  });
}

}  // namespace

AttentionResults attention_projections(const Session& session, const Matrix& u_in) {
  const AttentionConfig& cfg = session.attention;
  check_config(cfg);
  AttentionResults r;
  const int L = static_cast<int>(u_in.rows());
  const int D = static_cast<int>(u_in.cols());
  const int H = cfg.heads, dh = cfg.head_dim;
  r.L = L;
  r.H = H;
  r.dh = dh;
  r.W_q = normal_weights(session.seed, "attention.W_q", D, H * dh);
  r.W_k = normal_weights(session.seed, "attention.W_k", D, H * dh);
  r.W_v = normal_weights(session.seed, "attention.W_v", D, H * dh);
  const Matrix u = cfg.positional == Positional::Sinusoidal ? Matrix(u_in + sinusoidal_positions(L, D)) : u_in;
  const Matrix q_all = u * r.W_q, k_all = u * r.W_k, v_all = u * r.W_v;  // [L, H*dh]
  if (cfg.positional == Positional::Alibi) {
    const std::vector<double> slopes = alibi_slopes(H);
    r.alibi_slopes = Eigen::Map<const Eigen::VectorXd>(slopes.data(), H).cast<float>();
  }
  r.q = Tensor({H, L, dh});
  r.k = Tensor({H, L, dh});
  r.v = Tensor({H, L, dh});
  for (int h = 0; h < H; ++h) {
    Matrix q = q_all.middleCols(h * dh, dh), k = k_all.middleCols(h * dh, dh);
    if (cfg.positional == Positional::Rope) {
      apply_rope(q);
      apply_rope(k);
    }
    put_head(r.q, h, q);
    put_head(r.k, h, k);
    put_head(r.v, h, v_all.middleCols(h * dh, dh));
  }
  r.kv_cache_bytes.resize(static_cast<size_t>(L));
  for (int t = 0; t < L; ++t) r.kv_cache_bytes[static_cast<size_t>(t)] = kv_cache_bytes(cfg, t, L);
  return r;
}

Matrix attention_head(const Tensor& x, int h) {
  const int L = static_cast<int>(x.shape[1]), dh = static_cast<int>(x.shape[2]);
  return Eigen::Map<const Matrix>(x.data.data() + static_cast<int64_t>(h) * L * dh, L, dh);
}

AttentionResults run_attention(const Session& session, const Matrix& u_in, Timings& timings) {
  const AttentionConfig& cfg = session.attention;
  const auto start = std::chrono::steady_clock::now();
  AttentionResults r = attention_projections(session, u_in);
  const int L = r.L, H = r.H, dh = r.dh;
  const std::vector<double> slopes = alibi_slopes(H);
  r.out = Tensor({H, L, dh});
  if (maps_pooled(session, L)) {
    r.probs_overview = make_overview(H, L);
    for (int h = 0; h < H; ++h) pool_attention_head(cfg, h, r);
    timings["attention"] += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    report_stage("attention");
    return r;
  }
  r.scores = Tensor({H, L, L});
  r.probs = Tensor({H, L, L});
  for (int h = 0; h < H; ++h) {
    const Matrix q = attention_head(r.q, h), k = attention_head(r.k, h), v = attention_head(r.v, h);
    Matrix scores, probs, out;
    switch (cfg.kind) {
      case AttentionKind::Softmax: {
        // Straight into the result tensors: each [L, L] map is written once.
        const double slope = cfg.positional == Positional::Alibi ? slopes[static_cast<size_t>(h)] : 0.0;
        const int64_t at = static_cast<int64_t>(h) * L * L;
        softmax_attention_into(q, k, v, cfg.mask, cfg.window, cfg.temperature, slope, r.scores.data.data() + at,
                               r.probs.data.data() + at, out);
        put_head(r.out, h, out);
        continue;
      }
      case AttentionKind::Linear: {
        out = linear_attention_parallel(feature_map(q, cfg.feature_map), feature_map(k, cfg.feature_map), v, cfg.mask,
                                        cfg.window, &probs);
        // No logits in linear attention: the scores view shows the unnormalized phi(q) . phi(k).
        scores = feature_map(q, cfg.feature_map) * feature_map(k, cfg.feature_map).transpose();
        break;
      }
      case AttentionKind::Lag: {
        // A hard-max head: score 0 at its source, -inf elsewhere; out copies v exactly.
        scores = Matrix::Constant(L, L, -std::numeric_limits<float>::infinity());
        probs = Matrix::Zero(L, L);
        out = Matrix(L, dh);
        for (int t = 0; t < L; ++t) {
          const int src = lag_source(t, cfg.lag);
          scores(t, src) = 0.0f;
          probs(t, src) = 1.0f;
          out.row(t) = v.row(src);
        }
        break;
      }
    }
    put_head(r.scores, h, scores);
    put_head(r.probs, h, probs);
    put_head(r.out, h, out);
  }
  timings["attention"] += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  report_stage("attention");
  return r;
}

}  // namespace seqscope::compute
