// `seqscope bench`: the machine's limits, then every op of each backend at fixed shapes, as a
// table on the terminal and optionally JSON (compute/bench/benchmark.h, docs/performance.md).
// With --train, the training step's rows instead (compute/bench/train_bench.h).
#pragma once
#include <string>

namespace CLI {
class App;
}

namespace seqscope::app {

struct BenchOptions {
  bool quick = false;
  std::string backend = "eigen";  // eigen | vulkan | all
  std::string json;               // --json FILE
  bool train = false;             // --train: a training step of MM and *-*- instead of the ops
};

// Adds the subcommand to cli; returns it so the caller can test parsed().
CLI::App* add_bench_command(CLI::App& cli, BenchOptions& options);
int run_bench(const BenchOptions& options);

}  // namespace seqscope::app
