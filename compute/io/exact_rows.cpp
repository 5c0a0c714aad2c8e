#include "compute/io/exact_rows.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "compute/attention/attention.h"
#include "compute/io/npy.h"
#include "compute/io/tensor_export.h"
#include "compute/ssm/hidden_attention.h"
#include "core/atomic_file.h"
#include "core/parallel.h"

namespace seqscope::compute {
namespace {

// Rows t0..t1 of channel d's α: [rows, L], one row per work item.
std::vector<float> alpha_rows(const SsmResults& ssm, const ExactRows& rows) {
  const int64_t count = rows.t1 - rows.t0 + 1, L = ssm.L;
  std::vector<float> out(static_cast<size_t>(count * L));
  parallel_for(count, 4, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) {
      const std::vector<float> row = hidden_attention_row(ssm, rows.channel, rows.t0 + static_cast<int>(i));
      std::copy(row.begin(), row.end(), out.begin() + i * L);
    }
  });
  return out;
}

// Rows t0..t1 of head h's probs: [rows, L], in blocks of 256 queries.
std::vector<float> probs_rows(const Results& r, const ExactRows& rows) {
  const AttentionResults& a = r.attention;
  const int64_t count = rows.t1 - rows.t0 + 1, L = a.L;
  std::vector<float> out(static_cast<size_t>(count * L));
  constexpr int k_block = 256;
  Matrix block;
  for (int t = rows.t0; t <= rows.t1; t += k_block) {
    const int end = std::min(rows.t1 + 1, t + k_block);
    attention_probs_rows(a, r.session.attention, rows.head, t, end, block);
    for (int q = t; q < end; ++q)
      for (int64_t s = 0; s < L; ++s) out[static_cast<size_t>((q - rows.t0) * L + s)] = block(q - t, s);
  }
  return out;
}

}  // namespace

void check_exact_rows(const Results& r, const ExactRows& rows) {
  const int L = r.inputs.length();
  if (rows.channel < 0 || rows.channel >= r.ssm.D)
    throw UserError("--channel " + std::to_string(rows.channel) + " is out of range (0.." + std::to_string(r.ssm.D - 1) + ")");
  if (rows.head < 0 || rows.head >= r.attention.H)
    throw UserError("--head " + std::to_string(rows.head) + " is out of range (0.." + std::to_string(r.attention.H - 1) + ")");
  if (rows.t0 < 0 || rows.t1 >= L || rows.t0 > rows.t1)
    throw UserError("--rows " + std::to_string(rows.t0) + ":" + std::to_string(rows.t1) + " is not a range inside 0.." +
                    std::to_string(L - 1));
}

double exact_rows_bytes(const Results& r, const ExactRows& rows) {
  return 2.0 * 4.0 * (rows.t1 - rows.t0 + 1.0) * r.inputs.length();
}

void write_exact_rows(const Results& r, const ExactRows& rows, const std::filesystem::path& dir) {
  check_exact_rows(r, rows);
  ensure_export_dir(dir);
  const int64_t count = rows.t1 - rows.t0 + 1, L = r.inputs.length();
  write_npy(dir / "hidden_attn_rows.npy", alpha_rows(r.ssm, rows), {count, L});
  write_npy(dir / "probs_rows.npy", probs_rows(r, rows), {count, L});
  const nlohmann::json info = {{"channel", rows.channel}, {"head", rows.head}, {"t0", rows.t0}, {"t1", rows.t1},
                               {"L", L}, {"files", {"hidden_attn_rows.npy", "probs_rows.npy"}}};
  write_file_atomic(dir / "rows.json", info.dump(2) + "\n");
}

}  // namespace seqscope::compute
