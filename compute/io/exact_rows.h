// Exact rows of the L x L maps for any L (`seqscope export --rows T0:T1 --channel C --head H`):
// rows t0..t1 of channel C's hidden attention α and of head H's attention probs, computed from
// the Results' factors (compute/ssm/hidden_attention.h, compute/attention/attention.h) the way
// the panels compute the exact row next to a pooled overview, so they exist past the full-map
// limit too; rows 0..L-1 are the whole map of one channel. Written as hidden_attn_rows.npy and
// probs_rows.npy [t1 - t0 + 1, L] float32 plus rows.json (channel, head, t0, t1, L).
#pragma once
#include <filesystem>

#include "compute/backend/results.h"

namespace seqscope::compute {

struct ExactRows {
  int channel = 0;  // SSM channel d of α
  int head = 0;     // attention head of probs
  int t0 = 0, t1 = 0;  // inclusive
};

// UserError (one line) for a channel, head or range outside the Results.
void check_exact_rows(const Results& r, const ExactRows& rows);
// Bytes the two row blocks take: 2 (t1 - t0 + 1) L float32.
double exact_rows_bytes(const Results& r, const ExactRows& rows);
// Checks, computes and writes both blocks and rows.json into dir (created if missing).
void write_exact_rows(const Results& r, const ExactRows& rows, const std::filesystem::path& dir);

}  // namespace seqscope::compute
