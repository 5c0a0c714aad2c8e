#include "tests/support/golden.h"

#include <algorithm>
#include <cstdlib>

namespace seqscope::testing {
namespace {

std::filesystem::path golden_dir() { return SEQSCOPE_GOLDEN_DIR; }
std::filesystem::path output_dir() {
  std::filesystem::path dir = SEQSCOPE_GOLDEN_OUT;
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

GoldenResult compare_with_golden(const viz::Image& actual, const std::string& name, int channel_tolerance,
                                 double max_differing_fraction) {
  const auto golden_path = golden_dir() / (name + ".png");
  const auto actual_path = output_dir() / (name + ".actual.png");
  const auto diff_path = output_dir() / (name + ".diff.png");
  std::filesystem::remove(actual_path);
  std::filesystem::remove(diff_path);
  auto fail = [&](const std::string& why) {
    viz::write_png(actual_path, actual);
    return GoldenResult{false, why + "; actual image: " + actual_path.string() +
                                   " (approve with scripts/approve_goldens.sh)"};
  };
  if (!std::filesystem::exists(golden_path)) return fail("no golden image " + golden_path.string());
  const viz::Image golden = viz::read_png(golden_path);
  if (golden.width != actual.width || golden.height != actual.height)
    return fail("size " + std::to_string(actual.width) + "x" + std::to_string(actual.height) + " differs from golden " +
                std::to_string(golden.width) + "x" + std::to_string(golden.height));
  viz::Image diff{actual.width, actual.height, std::vector<uint8_t>(actual.rgba.size(), 0)};
  size_t differing = 0;
  for (size_t i = 0; i < actual.rgba.size(); i += 4) {
    int worst = 0;
    for (int c = 0; c < 3; ++c) worst = std::max(worst, std::abs(int{actual.rgba[i + c]} - int{golden.rgba[i + c]}));
    const bool differs = worst > channel_tolerance;
    differing += differs;
    // Diff image: differing pixels red, others a dim copy of the golden.
    diff.rgba[i + 0] = differs ? 255 : golden.rgba[i] / 4;
    diff.rgba[i + 1] = differs ? 0 : golden.rgba[i + 1] / 4;
    diff.rgba[i + 2] = differs ? 0 : golden.rgba[i + 2] / 4;
    diff.rgba[i + 3] = 255;
  }
  const double fraction = static_cast<double>(differing) / (actual.rgba.size() / 4);
  if (fraction <= max_differing_fraction) return {true, ""};
  viz::write_png(diff_path, diff);
  return fail(std::to_string(differing) + " pixels (" + std::to_string(fraction * 100.0) +
              "%) differ by more than " + std::to_string(channel_tolerance) + "; diff image: " + diff_path.string());
}

}  // namespace seqscope::testing
