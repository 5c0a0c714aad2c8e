// RMSNorm, per row: y = x / sqrt(mean(x^2) + eps) * w (Mamba's and Llama's norm: no mean
// subtraction, no bias).
#pragma once
#include "compute/model/op_types.h"

namespace seqscope::compute::model {

template <typename T>
struct RmsNormAct {
  Vec<T> rstd;  // [L] = 1 / sqrt(mean(x_t^2) + eps)
};

// x: [L, d], w: [d] -> y: [L, d]
template <typename T>
Mat<T> rmsnorm_forward(const Mat<T>& x, const Vec<T>& w, T eps, RmsNormAct<T>& act);

// dy: [L, d], x: [L, d], w: [d] -> dx: [L, d]; dw: [d] += sum_t dy_t * x_t * rstd_t
// With g = dy * w and r = rstd: dx = r g - (r^3 / d) (g . x) x.
template <typename T>
Mat<T> rmsnorm_backward(const Mat<T>& dy, const Mat<T>& x, const Vec<T>& w, const RmsNormAct<T>& act,
                        Vec<T>& dw);

}  // namespace seqscope::compute::model
