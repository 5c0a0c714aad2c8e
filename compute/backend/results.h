// Results: everything one backend run computes for a Session, as plain CPU tensors. Panels
// read these (and the cursor t) and never recompute; compute/io/tensor_export.cpp writes them as
// .npy. The SSM and attention parts are defined beside their math (ssm/ssm_results.h,
// attention/attention_results.h).
#pragma once
#include <string>
#include <vector>

#include "compute/attention/attention_results.h"
#include "compute/session/inputs.h"
#include "compute/session/session.h"
#include "compute/ssm/ssm_results.h"
#include "core/types.h"

namespace seqscope::compute {

// Two real models whose tokenizers split the same text differently (a Mamba and a GPT-2
// folder): the attention panels read the second model's own tokens. The cursor t stays an index
// into Results::inputs and maps across by text offset: to the token that covers t's first byte.
struct TokenAlignment {
  Inputs other;                 // the attention panels' tokens (labels, ids, text_offsets; u = the layer input)
  std::vector<int> to_other;    // [L]  t -> the other's token covering t's first byte
  std::vector<int> from_other;  // [L2] s -> the token of `inputs` covering s's first byte
  bool active() const { return !to_other.empty(); }
  // The other's token shown at cursor t: `pick` (a token the user chose on that side) while it
  // still maps to t, else the one covering t's first byte.
  int other_at(int t, int pick) const {
    if (to_other.empty()) return t;
    t = t < 0 ? 0 : t >= static_cast<int>(to_other.size()) ? static_cast<int>(to_other.size()) - 1 : t;
    if (pick >= 0 && pick < static_cast<int>(from_other.size()) && from_other[static_cast<size_t>(pick)] == t) return pick;
    return to_other[static_cast<size_t>(t)];
  }
};

struct Results {
  Session session;
  Inputs inputs;
  TokenAlignment attention_tokens;  // active(): the attention panels have their own tokens
  Matrix logits;                    // [L, V] a real model's next-token logits (`export --model`); empty otherwise
  SsmResults ssm;
  AttentionResults attention;
  std::string backend;  // "eigen", "vulkan"
  Timings timings_ms;   // op -> milliseconds
};

}  // namespace seqscope::compute
