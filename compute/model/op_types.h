// Tensor aliases of the model ops. Every op is a template on its scalar T, instantiated for
// float (training, inference) and double (the finite-difference tests) in its .cpp. Matrices
// are row-major like core/types.h's, one row per position: x: [L, d] is x(t, c).
#pragma once
#include <Eigen/Core>

namespace seqscope::compute::model {

template <typename T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;

}  // namespace seqscope::compute::model
