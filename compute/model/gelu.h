// GELU, tanh approximation, as PyTorch's gelu(x, approximate='tanh'): the MLP's activation
// (up_proj -> gelu -> down_proj, built from linear + gelu).
//   y = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
#pragma once
#include "compute/model/op_types.h"

namespace seqscope::compute::model {

// x: [L, d] -> y: [L, d]
template <typename T>
Mat<T> gelu_forward(const Mat<T>& x);

// dy: [L, d], x: [L, d] (the forward's input) -> dx: [L, d]
template <typename T>
Mat<T> gelu_backward(const Mat<T>& dy, const Mat<T>& x);

}  // namespace seqscope::compute::model
