// The numeric checks behind each lesson's claim (lessons.h): each reads the Results of one
// lesson step (what is on screen) and says whether the claim holds, with the numbers. The
// Lesson panel shows them live; tests/compute/lessons/test_lessons.cpp requires every one to pass.
#pragma once
#include <string>
#include <vector>

#include "compute/backend/results.h"

namespace seqscope::compute {

struct ClaimResult {
  bool passed = false;
  std::string detail;  // one or two lines with the numbers, e.g. "fitted slopes: SSM 1.00, attention 1.98"
};

bool claim_check_exists(const std::string& check);
// Runs check `check` on `results`; a check that does not apply to the session (e.g. a grid
// check on text) fails with a detail saying so.
ClaimResult check_claim(const std::string& check, const Results& results);

// Distances in the sequence between 4-neighbour cells of a grid input (and, for video, the same
// cell in consecutive frames): |t(a) - t(b)| for every such pair, from inputs.scan_order.
struct NeighbourDistances {
  std::vector<int> distances;  // one per neighbour pair
  double mean = 0.0;
  double median = 0.0;
  int max = 0;
  double within3 = 0.0;  // fraction of pairs at most 3 steps apart
};
NeighbourDistances neighbour_distances(const std::vector<int>& scan_order, const GridConfig& grid);
// The same statistics for the session's grid flattened in `order` (its video order kept).
NeighbourDistances neighbour_distances_for(const Session& session, ScanOrder order);

// Recall of the token at lag k from the SSM state h_t (one-hot tokens): slot min(k, N-1) of
// every channel, argmax over channels; fraction of steps t >= k where it equals token[t-k].
double state_recall_accuracy(const Results& results, int lag);
// Recall by attention head h: the key its weights pick at row t (argmax), compared with token[t-lag].
double attention_recall_accuracy(const Results& results, int head, int lag);

// A trained model's attention lookup on a task sample: the head of the shown layer whose
// strongest key (argmax over s ≤ t) is most often the answer's token or the step before it, at
// the rows with a target. head -1 when there are no such rows.
struct LookupHead {
  int head = -1;
  double fraction = 0.0;
  int rows = 0;
};
LookupHead best_lookup_head(const Results& results);

}  // namespace seqscope::compute
