// The estimate before a heavy headless run (app/run_estimate.h): its time extrapolation against
// a measured run, the one-line warning and the refusal over free memory.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "app/run_estimate.h"
#include "compute/backend/eigen_backend.h"
#include "compute/session/inputs.h"

namespace seqscope::app {
namespace {

std::string printed_by(const RunEstimate& estimate, double free_bytes, bool force) {
  std::FILE* out = std::tmpfile();
  check_run_size(estimate, free_bytes, force, out);
  std::rewind(out);
  char line[512] = {};
  const size_t n = std::fread(line, 1, sizeof line - 1, out);
  std::fclose(out);
  return std::string(line, n);
}

TEST(RunEstimate, TimeExtrapolatedFromShortRunsIsNearAMeasuredRun) {
  compute::Session session;
  session.backend = compute::BackendChoice::Eigen;
  session.input.kind = compute::InputKind::Signal;
  session.input.length = kEstimateFromLength;
  const RunEstimate estimate = estimate_run(session, true);
  ASSERT_GT(estimate.seconds, 0.0);
  EXPECT_DOUBLE_EQ(estimate.bytes, compute::estimate_result_bytes(session, session.input.length));
  const auto start = std::chrono::steady_clock::now();
  compute::run_eigen(session, compute::make_inputs(session));
  const double measured = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Four and eight times the probes' lengths: within a factor of three either way.
  EXPECT_GT(estimate.seconds, measured / 3.0) << "measured " << measured << " s";
  EXPECT_LT(estimate.seconds, measured * 3.0) << "measured " << measured << " s";
}

TEST(RunEstimate, ShortRunsAreNotTimedBeforehand) {
  compute::Session session;
  EXPECT_LT(estimate_run(session, true).seconds, 0.0);
  session.input.kind = compute::InputKind::Signal;
  session.input.length = 2 * kEstimateFromLength;
  EXPECT_LT(estimate_run(session, false).seconds, 0.0);  // not the Eigen backend
}

TEST(RunEstimate, ALargeOrLongRunSaysSoInOneLine) {
  EXPECT_EQ(printed_by({1e8, 5.0}, 16e9, false), "");
  const std::string large = printed_by({5e9, -1.0}, 16e9, false);
  EXPECT_NE(large.find("about 5.0 GB of results"), std::string::npos) << large;
  const std::string slow = printed_by({1e8, 300.0}, 16e9, false);
  EXPECT_NE(slow.find("about 300 s"), std::string::npos) << slow;
  EXPECT_EQ(slow.find('\n'), slow.size() - 1) << "one line: " << slow;
}

TEST(RunEstimate, MoreThanTheFreeMemoryIsRefusedUnlessForced) {
  try {
    printed_by({10e9, -1.0}, 8e9, false);
    ADD_FAILURE() << "a run over the free memory was not refused";
  } catch (const compute::UserError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("about 10.0 GB"), std::string::npos) << message;
    EXPECT_NE(message.find("8.0 GB are free"), std::string::npos) << message;
    EXPECT_NE(message.find("--force"), std::string::npos) << message;
  }
  EXPECT_NE(printed_by({10e9, -1.0}, 8e9, true).find("10.0 GB"), std::string::npos);  // forced: warned, run
  EXPECT_EQ(printed_by({1e9, -1.0}, 0.0, false), "");  // free memory unknown: no refusal
  EXPECT_GT(available_memory_bytes(), 0.0);            // Linux has /proc/meminfo
}

}  // namespace
}  // namespace seqscope::app
