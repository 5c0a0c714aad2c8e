// SiLU (swish), x * sigmoid(x): the activation after Mamba's conv1d and the gate silu(z) on
// the scan's output. Elementwise over a whole matrix, with Eigen's vectorized exp (a scalar
// std::exp per element was a fifth of a training step).
#pragma once
#include "compute/model/op_types.h"

namespace seqscope::compute::model {

// x: [L, d] -> [L, d] = 1 / (1 + exp(-x))
template <typename T>
Mat<T> sigmoid_of(const Mat<T>& x);

// x: [L, d] -> y: [L, d] = silu(x)
template <typename T>
Mat<T> silu_forward(const Mat<T>& x);

// dy: [L, d], x: [L, d] (the forward's input) -> dx: [L, d]. d silu / dx = s + x s (1 - s),
// s = sigmoid(x).
template <typename T>
Mat<T> silu_backward(const Mat<T>& dy, const Mat<T>& x);

}  // namespace seqscope::compute::model
