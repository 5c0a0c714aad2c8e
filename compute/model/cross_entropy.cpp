#include "compute/model/cross_entropy.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "core/types.h"

namespace seqscope::compute::model {

template <typename T>
CrossEntropyResult cross_entropy_forward(const Mat<T>& logits, std::span<const int> targets,
                                         CrossEntropyAct<T>& act) {
  const Eigen::Index L = logits.rows();
  const Eigen::Index V = logits.cols();
  if (static_cast<Eigen::Index>(targets.size()) != L)
    throw std::invalid_argument("cross_entropy_forward: " + std::to_string(targets.size()) + " targets for " +
                                std::to_string(L) + " positions");
  act.probs.resize(L, V);
  CrossEntropyResult result;
  double loss_sum = 0.0;
  for (Eigen::Index t = 0; t < L; ++t) {
    Eigen::Index argmax = 0;
    const T max = logits.row(t).maxCoeff(&argmax);
    act.probs.row(t) = (logits.row(t).array() - max).exp();
    const T sum = act.probs.row(t).sum();
    act.probs.row(t) /= sum;
    const int target = targets[static_cast<size_t>(t)];
    if (target == -1) continue;
    if (target < -1 || target >= V)
      throw UserError("target " + std::to_string(target) + " at position " + std::to_string(t) +
                      " is outside the vocabulary [0, " + std::to_string(V) + ") (-1 = no target)");
    // logsumexp - logit = log(sum) + max - logit
    loss_sum += static_cast<double>(std::log(sum) + max - logits(t, target));
    result.count += 1;
    result.correct += argmax == target ? 1 : 0;
  }
  act.count = result.count;
  result.loss = result.count > 0 ? loss_sum / result.count : 0.0;
  return result;
}

template <typename T>
Mat<T> cross_entropy_backward(std::span<const int> targets, const CrossEntropyAct<T>& act, T dloss) {
  Mat<T> dlogits = Mat<T>::Zero(act.probs.rows(), act.probs.cols());
  if (act.count == 0) return dlogits;
  const T scale = dloss / static_cast<T>(act.count);
  for (Eigen::Index t = 0; t < act.probs.rows(); ++t) {
    const int target = targets[static_cast<size_t>(t)];
    if (target < 0) continue;
    dlogits.row(t) = scale * act.probs.row(t);
    dlogits(t, target) -= scale;
  }
  return dlogits;
}

#define SEQSCOPE_INSTANTIATE(T)                                                                         \
  template CrossEntropyResult cross_entropy_forward(const Mat<T>& logits, std::span<const int> targets, \
                                                    CrossEntropyAct<T>& act);                           \
  template Mat<T> cross_entropy_backward(std::span<const int> targets, const CrossEntropyAct<T>& act,   \
                                         T dloss);
SEQSCOPE_INSTANTIATE(float)
SEQSCOPE_INSTANTIATE(double)
#undef SEQSCOPE_INSTANTIATE

}  // namespace seqscope::compute::model
