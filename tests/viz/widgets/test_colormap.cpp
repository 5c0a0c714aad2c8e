// Colormaps: anchors hit exactly, diverging map is white at its center and symmetric in
// lightness, viridis gets brighter monotonically (what makes it readable in grayscale).
#include <gtest/gtest.h>

#include <cmath>

#include "viz/widgets/colormap.h"

namespace seqscope::viz {
namespace {

float luminance(Rgba c) { return 0.2126f * c.r + 0.7152f * c.g + 0.0722f * c.b; }

TEST(Colormap, ViridisEndpointsAreThePublishedColors) {
  const Rgba first = colormap_color(Colormap::Viridis, 0), last = colormap_color(Colormap::Viridis, 255);
  EXPECT_NEAR(first.r, 0x44 / 255.0f, 1e-6f);
  EXPECT_NEAR(first.g, 0x01 / 255.0f, 1e-6f);
  EXPECT_NEAR(first.b, 0x54 / 255.0f, 1e-6f);
  EXPECT_NEAR(last.r, 0xfd / 255.0f, 1e-6f);
  EXPECT_NEAR(last.g, 0xe7 / 255.0f, 1e-6f);
  EXPECT_NEAR(last.b, 0x25 / 255.0f, 1e-6f);
}

TEST(Colormap, ViridisLuminanceIncreases) {
  for (uint32_t i = 1; i < 256; ++i)
    EXPECT_GE(luminance(colormap_color(Colormap::Viridis, i)) + 1e-3f,
              luminance(colormap_color(Colormap::Viridis, i - 1)))
        << i;
}

TEST(Colormap, DivergingIsWhiteAtZeroBlueBelowRedAbove) {
  const Rgba mid = colormap_at(Colormap::Diverging, 0.5f);
  EXPECT_GT(mid.r, 0.95f);
  EXPECT_GT(mid.g, 0.95f);
  EXPECT_GT(mid.b, 0.95f);
  const Rgba low = colormap_at(Colormap::Diverging, 0.0f), high = colormap_at(Colormap::Diverging, 1.0f);
  EXPECT_GT(low.b, low.r);
  EXPECT_GT(high.r, high.b);
}

TEST(Colormap, AtClampsAndHandlesNan) {
  EXPECT_EQ(colormap_u32(Colormap::Viridis, -3.0f), colormap_u32(Colormap::Viridis, 0.0f));
  EXPECT_EQ(colormap_u32(Colormap::Viridis, 7.0f), colormap_u32(Colormap::Viridis, 1.0f));
  EXPECT_EQ(colormap_u32(Colormap::Viridis, std::nanf("")), colormap_u32(Colormap::Viridis, 0.5f));
  EXPECT_EQ(colormap_tables().size(), k_colormap_count * k_colormap_size);
}

}  // namespace
}  // namespace seqscope::viz
