// export --rows (compute/io/exact_rows.h): the exact rows written for one channel and head equal
// the rows of the whole maps the backend computes below the full-map limit (a different path: the
// O(L^2) map, not the O(L N) row), for a selective and a time-invariant SSM; bad ranges are
// one-line errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include "compute/backend/eigen_backend.h"
#include "compute/io/exact_rows.h"
#include "compute/io/npy.h"
#include "compute/session/inputs.h"

namespace seqscope::compute {
namespace {

Results run(SsmVariant variant) {
  Session s;
  s.input.kind = InputKind::Signal;
  s.input.length = 96;
  s.d_model = 8;
  s.ssm.variant = variant;
  s.ssm.hidden_attention_channels = {0, 5};
  return run_eigen(s, make_inputs(s));
}

TEST(ExactRows, EqualTheRowsOfTheWholeMaps) {
  const auto dir = std::filesystem::temp_directory_path() / ("seqscope_rows_" + std::to_string(::getpid()));
  for (const SsmVariant variant : {SsmVariant::S6, SsmVariant::S4D}) {
    const Results r = run(variant);
    const ExactRows rows{5, 1, 10, 60};  // channel 5 is α's slot 1
    write_exact_rows(r, rows, dir);
    const NpyArray alpha_file = read_npy(dir / "hidden_attn_rows.npy");
    const NpyArray probs_file = read_npy(dir / "probs_rows.npy");
    ASSERT_EQ(alpha_file.shape, (std::vector<int64_t>{51, 96}));
    ASSERT_EQ(probs_file.shape, (std::vector<int64_t>{51, 96}));
    const std::vector<float> alpha = alpha_file.floats(), probs = probs_file.floats();
    double worst_alpha = 0.0, worst_probs = 0.0, scale = 0.0;
    for (int t = rows.t0; t <= rows.t1; ++t)
      for (int s = 0; s < 96; ++s) {
        const size_t i = static_cast<size_t>((t - rows.t0) * 96 + s);
        scale = std::max(scale, static_cast<double>(std::abs(r.ssm.hidden_attention.at(1, t, s))));
        worst_alpha = std::max(worst_alpha, static_cast<double>(std::abs(alpha[i] - r.ssm.hidden_attention.at(1, t, s))));
        worst_probs = std::max(worst_probs, static_cast<double>(std::abs(probs[i] - r.attention.probs.at(1, t, s))));
      }
    EXPECT_LT(worst_alpha, 1e-4 * scale) << "variant " << static_cast<int>(variant);
    EXPECT_LT(worst_probs, 1e-5) << "variant " << static_cast<int>(variant);
  }
  std::filesystem::remove_all(dir);
}

TEST(ExactRows, BadRangesChannelsAndHeadsAreOneLineErrors) {
  const Results r = run(SsmVariant::S6);
  auto message = [&](ExactRows rows) {
    try {
      check_exact_rows(r, rows);
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(message({0, 0, 0, 95}), "");
  EXPECT_EQ(message({0, 0, 5, 2}), "--rows 5:2 is not a range inside 0..95");
  EXPECT_EQ(message({0, 0, 0, 96}), "--rows 0:96 is not a range inside 0..95");
  EXPECT_EQ(message({8, 0, 0, 1}), "--channel 8 is out of range (0..7)");
  EXPECT_EQ(message({0, 2, 0, 1}), "--head 2 is out of range (0..1)");
}

}  // namespace
}  // namespace seqscope::compute
