// Scale measurement (not a test): opens a model folder, runs one forward pass of L tokens and
// prints the open time, the forward time, the peak resident memory and its ratio to the file.
// scripts/bench_checkpoint.sh makes a mamba-130m-shaped folder with random weights and runs it.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "compute/checkpoint/model.h"

namespace ckpt = seqscope::compute::checkpoint;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_checkpoint DIR [L] [layer]\n");
    return 2;
  }
  const int L = argc > 2 ? std::stoi(argv[2]) : 256;
  const int layer = argc > 3 ? std::stoi(argv[3]) : 0;
  using clock = std::chrono::steady_clock;
  auto ms = [](clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  try {
    const auto t0 = clock::now();
    const auto model = ckpt::Model::open(argv[1]);
    const auto t1 = clock::now();
    std::mt19937 rng(1);
    std::vector<int> tokens(static_cast<size_t>(L));
    for (int& id : tokens) id = static_cast<int>(rng() % static_cast<unsigned>(model->vocab_size()));
    ckpt::RunOptions options;
    options.layer = layer;
    options.eigenvalues = false;  // as `seqscope export --model`
    float logit0 = 0.0f;
    {
      const auto run = model->run(tokens, options);
      logit0 = run.logits(0, 0);
    }
    const auto t2 = clock::now();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);  // peak of the first run: the file's pages + one run's tensors
    // As the dashboard: logits of the last row only (its top-5), eigenvalues for the panels.
    options.all_logits = false;
    options.eigenvalues = true;
    (void)model->run(tokens, options);
    const auto t3 = clock::now();
    rusage usage_gui{};
    getrusage(RUSAGE_SELF, &usage_gui);
    const double file_mb = static_cast<double>(std::filesystem::file_size(std::filesystem::path(argv[1]) / "model.safetensors")) / 1e6;
    const double rss_mb = static_cast<double>(usage.ru_maxrss) * 1024.0 / 1e6;
    std::printf("%s\n", model->describe().c_str());
    const double rss_gui_mb = static_cast<double>(usage_gui.ru_maxrss) * 1024.0 / 1e6;
    std::printf("open_ms=%.0f\n", ms(t1 - t0));
    std::printf("export-like forward (L=%d, all logits, layer %d tensors): %.0f ms, peak_rss %.0f MB = %.2f x file\n", L,
                layer, ms(t2 - t1), rss_mb, rss_mb / file_mb);
    std::printf("dashboard-like forward (last-row logits, + eigenvalues): %.0f ms, peak_rss %.0f MB = %.2f x file\n",
                ms(t3 - t2), rss_gui_mb, rss_gui_mb / file_mb);
    std::printf("file %.0f MB, logit[0,0] = %.4f\n", file_mb, static_cast<double>(logit0));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_checkpoint: %s\n", e.what());
    return 2;
  }
  return 0;
}
