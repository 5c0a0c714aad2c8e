// Golden-image comparison with a tolerance: on failure the actual image and a diff image are
// written next to the build's test outputs, and scripts/approve_goldens.sh copies accepted
// actual images over the committed goldens.
#pragma once
#include <filesystem>
#include <string>

#include "viz/render/image_export.h"

namespace seqscope::testing {

struct GoldenResult {
  bool matches = false;
  std::string message;  // why not, with the paths of the written actual/diff images
};

// A pixel differs when any channel differs by more than `channel_tolerance`; the images match
// when at most `max_differing_fraction` of the pixels differ (and the sizes are equal).
GoldenResult compare_with_golden(const viz::Image& actual, const std::string& name,
                                 int channel_tolerance = 3, double max_differing_fraction = 0.002);

}  // namespace seqscope::testing
