// SiLU (swish), x * sigmoid(x): the activation after Mamba's conv1d and the gate silu(z) on
// the scan's output. Scalar helpers for the ops that fuse it, and an elementwise op pair.
#pragma once
#include <cmath>

#include "compute/model/op_types.h"

namespace seqscope::compute::model {

template <typename T>
inline T sigmoid(T x) {
  return T(1) / (T(1) + std::exp(-x));
}
template <typename T>
inline T silu(T x) {
  return x * sigmoid(x);
}
// d silu / dx = s + x s (1 - s), s = sigmoid(x)
template <typename T>
inline T silu_grad(T x) {
  const T s = sigmoid(x);
  return s * (T(1) + x * (T(1) - s));
}

// x: [L, d] -> y: [L, d] = silu(x)
template <typename T>
Mat<T> silu_forward(const Mat<T>& x);

// dy: [L, d], x: [L, d] (the forward's input) -> dx: [L, d]
template <typename T>
Mat<T> silu_backward(const Mat<T>& dy, const Mat<T>& x);

}  // namespace seqscope::compute::model
