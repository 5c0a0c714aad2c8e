// Token embedding and the head tied to it: the first and last op of every model. The head's
// weight is the embedding's own W, so W's gradient collects from both ends.
#pragma once
#include <span>

#include "compute/model/op_types.h"

namespace seqscope::compute::model {

// ids: [L] in [0, V), W: [V, d] -> x: [L, d], x[t] = W[ids[t]]. An id outside [0, V) throws
// UserError (ids can come from a user's command line).
template <typename T>
Mat<T> embedding_forward(std::span<const int> ids, const Mat<T>& W);

// dx: [L, d], ids: [L] -> dW: [V, d] += dx[t] scattered into row ids[t] (a repeated id sums).
template <typename T>
void embedding_backward(const Mat<T>& dx, std::span<const int> ids, Mat<T>& dW);

// x: [L, d], W: [V, d] -> logits: [L, V] = x W^T
template <typename T>
Mat<T> tied_head_forward(const Mat<T>& x, const Mat<T>& W);

// dlogits: [L, V], x: [L, d], W: [V, d] -> dx: [L, d] = dlogits W; dW: [V, d] += dlogits^T x
template <typename T>
Mat<T> tied_head_backward(const Mat<T>& dlogits, const Mat<T>& x, const Mat<T>& W, Mat<T>& dW);

}  // namespace seqscope::compute::model
