// Cross-entropy over the positions that have a target: the training loss. A target of -1
// means "no loss here" (prompt positions, noise); loss and accuracy count only the others.
//   loss = (1 / count) sum_{t: target_t >= 0} (logsumexp(logits_t) - logits_t[target_t])
#pragma once
#include <span>

#include "compute/model/op_types.h"

namespace seqscope::compute::model {

template <typename T>
struct CrossEntropyAct {
  Mat<T> probs;   // [L, V] = softmax(logits) per row
  int count = 0;  // positions with a target
};

struct CrossEntropyResult {
  double loss = 0.0;  // mean over the targeted positions (0 when there are none)
  int count = 0;      // targeted positions
  int correct = 0;    // of which argmax(logits_t) == target_t (the first maximum on a tie)
  double accuracy() const { return count > 0 ? static_cast<double>(correct) / count : 0.0; }
};

// logits: [L, V], targets: [L] in [0, V) or -1 -> the mean loss, the count and the hits.
// A target outside that range throws UserError.
template <typename T>
CrossEntropyResult cross_entropy_forward(const Mat<T>& logits, std::span<const int> targets,
                                         CrossEntropyAct<T>& act);

// targets: [L] -> dlogits: [L, V] = dloss (probs_t - onehot(target_t)) / count on targeted
// rows, 0 on the others. A batch whose loss is the mean over all its sequences' targets passes
// dloss = count / (total count).
template <typename T>
Mat<T> cross_entropy_backward(std::span<const int> targets, const CrossEntropyAct<T>& act, T dloss = T(1));

}  // namespace seqscope::compute::model
