// Causal depthwise conv1d + SiLU, exactly mamba_simple's `conv1d` (Conv1d(di, di, k,
// groups=di, padding=k-1), output cut to the first L steps) followed by SiLU:
//   pre[t, c] = b[c] + sum_{j=0..k-1} w[c, j] * x[t - (k-1) + j, c]   (x = 0 before t = 0)
//   y[t, c] = silu(pre[t, c])
// so tap k-1 multiplies x_t and tap 0 reaches k-1 steps back.
#pragma once
#include "compute/model/op_types.h"

namespace seqscope::compute::model {

template <typename T>
struct Conv1dAct {
  Mat<T> pre;  // [L, di], before the SiLU
};

// x: [L, di], w: [di, k] (PyTorch's [di, 1, k] flattened), b: [di] -> y: [L, di]
template <typename T>
Mat<T> conv1d_silu_forward(const Mat<T>& x, const Mat<T>& w, const Vec<T>& b, Conv1dAct<T>& act);

// dy: [L, di], x: [L, di], w: [di, k] -> dx: [L, di]; dw: [di, k] +=, db: [di] +=
template <typename T>
Mat<T> conv1d_silu_backward(const Mat<T>& dy, const Mat<T>& x, const Mat<T>& w, const Conv1dAct<T>& act,
                            Mat<T>& dw, Vec<T>& db);

}  // namespace seqscope::compute::model
