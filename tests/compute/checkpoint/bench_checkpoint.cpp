// Scale measurement (not a test): opens a model folder, runs one forward pass of L tokens as
// `seqscope export --model` or as the dashboard does, and prints the open time, the forward
// time, the peak resident memory and its ratio to the file. One scenario per process, so each
// peak is its own. scripts/bench_checkpoint.sh makes a mamba-130m-shaped folder with random
// weights and runs both.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "compute/checkpoint/model.h"

namespace ckpt = seqscope::compute::checkpoint;

namespace {

// export (app/cmd_model.cpp) and dashboard (compute/checkpoint/adapter.cpp) both ask for every
// row's logits [L, V] and the layer's tensors; the scenario names the measurement only.
ckpt::RunOptions options_for(const std::string& /*scenario*/, int layer) {
  ckpt::RunOptions options;
  options.layer = layer;
  options.all_logits = true;
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_checkpoint DIR [L] [layer] [export|dashboard]\n");
    return 2;
  }
  const int L = argc > 2 ? std::stoi(argv[2]) : 256;
  const int layer = argc > 3 ? std::stoi(argv[3]) : 0;
  const std::string scenario = argc > 4 ? argv[4] : "export";
  if (scenario != "export" && scenario != "dashboard") {
    std::fprintf(stderr, "bench_checkpoint: the scenario is export or dashboard, not '%s'\n", scenario.c_str());
    return 2;
  }
  using clock = std::chrono::steady_clock;
  auto ms = [](clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  try {
    const auto t0 = clock::now();
    const auto model = ckpt::Model::open(argv[1]);
    const auto t1 = clock::now();
    std::mt19937 rng(1);
    std::vector<int> tokens(static_cast<size_t>(L));
    for (int& id : tokens) id = static_cast<int>(rng() % static_cast<unsigned>(model->vocab_size()));
    const ckpt::ModelRun run = model->run(tokens, options_for(scenario, layer));
    const auto t2 = clock::now();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);  // the file's pages + one run's tensors
    const double file_mb =
        static_cast<double>(std::filesystem::file_size(std::filesystem::path(argv[1]) / "model.safetensors")) / 1e6;
    const double rss_mb = static_cast<double>(usage.ru_maxrss) * 1024.0 / 1e6;
    std::printf("%s\n", model->describe().c_str());
    std::printf("open_ms=%.0f\n", ms(t1 - t0));
    std::printf("%s-like forward (L=%d, layer %d): %.0f ms, peak_rss %.0f MB = %.2f x file (file %.0f MB)\n",
                scenario.c_str(), L, layer, ms(t2 - t1), rss_mb, rss_mb / file_mb, file_mb);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_checkpoint: %s\n", e.what());
    return 2;
  }
  return 0;
}
