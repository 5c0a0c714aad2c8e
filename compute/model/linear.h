// Linear layer, weight stored as PyTorch stores it: W: [out, in], y = x W^T (+ b).
#pragma once
#include "compute/model/op_types.h"

namespace seqscope::compute::model {

// x: [L, in], W: [out, in] -> y: [L, out] = x W^T
template <typename T>
Mat<T> linear_forward(const Mat<T>& x, const Mat<T>& W);
// x: [L, in], W: [out, in], b: [out] -> y: [L, out] = x W^T + b
template <typename T>
Mat<T> linear_forward(const Mat<T>& x, const Mat<T>& W, const Vec<T>& b);

// dy: [L, out], x: [L, in], W: [out, in] -> dx: [L, in] = dy W; dW: [out, in] += dy^T x
template <typename T>
Mat<T> linear_backward(const Mat<T>& dy, const Mat<T>& x, const Mat<T>& W, Mat<T>& dW);
// ... and db: [out] += sum_t dy_t
template <typename T>
Mat<T> linear_backward(const Mat<T>& dy, const Mat<T>& x, const Mat<T>& W, Mat<T>& dW, Vec<T>& db);

}  // namespace seqscope::compute::model
