// Tensor aliases shared by every layer: row-major everywhere, so CPU tensors, GPU buffers and
// .npy files share one layout and nothing is transposed on the way.
#pragma once
#include <Eigen/Core>
#include <complex>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace seqscope::compute {

using Complex = std::complex<float>;
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixC = Eigen::Matrix<Complex, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXf;
using VectorC = Eigen::VectorXcf;

// A dense row-major tensor of any rank (used for [L, D, N] and [H, L, L] data).
// Storage aligned like Eigen's own (up to 64 bytes), so that vectorized kernels working on a
// tensor's rows peel the same elements in every run: results do not depend on where the heap
// happened to put the buffer, and a saved session reproduces its tensors byte for byte.
template <typename T>
using AlignedVector = std::vector<T, Eigen::aligned_allocator<T>>;

template <typename T>
struct TensorOf {
  std::vector<int64_t> shape;
  AlignedVector<T> data;

  TensorOf() = default;
  explicit TensorOf(std::vector<int64_t> dims) : shape(std::move(dims)) {
    int64_t count = 1;
    for (int64_t d : shape) count *= d;
    data.assign(static_cast<size_t>(count), T{});
  }
  int64_t size() const { return static_cast<int64_t>(data.size()); }
  int rank() const { return static_cast<int>(shape.size()); }
  // Element (i, j, k) of a rank-3 tensor.
  T& at(int64_t i, int64_t j, int64_t k) { return data[static_cast<size_t>((i * shape[1] + j) * shape[2] + k)]; }
  const T& at(int64_t i, int64_t j, int64_t k) const {
    return data[static_cast<size_t>((i * shape[1] + j) * shape[2] + k)];
  }
};
// op name -> milliseconds, as the backends report them
using Timings = std::map<std::string, double>;

using Tensor = TensorOf<float>;
using TensorC = TensorOf<Complex>;

// Thrown for a user's mistake (bad session value, bad file); the CLI prints what() as one line.
struct UserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace seqscope::compute
