// GIF quantization and writing: images with at most 256 colors survive exactly, gradients stay
// close, an abandoned writer leaves no file, a finished one is a GIF89a with its frames.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <algorithm>

#include "core/types.h"
#include "viz/render/gif_writer.h"

namespace seqscope {
namespace {

viz::Image gradient(uint32_t width, uint32_t height) {
  viz::Image image{width, height, std::vector<uint8_t>(static_cast<size_t>(width) * height * 4)};
  for (uint32_t y = 0; y < height; ++y)
    for (uint32_t x = 0; x < width; ++x) {
      uint8_t* p = &image.rgba[(static_cast<size_t>(y) * width + x) * 4];
      p[0] = static_cast<uint8_t>(x * 255 / (width - 1));
      p[1] = static_cast<uint8_t>(y * 255 / (height - 1));
      p[2] = static_cast<uint8_t>((x + y) % 7 == 0 ? 200 : 40);
      p[3] = 255;
    }
  return image;
}

TEST(GifWriter, FewColorsAreExact) {
  viz::Image image{16, 16, std::vector<uint8_t>(16 * 16 * 4)};
  const uint8_t colors[3][3] = {{24, 24, 28}, {240, 240, 240}, {200, 80, 40}};
  for (size_t i = 0; i < 256; ++i)
    for (int c = 0; c < 3; ++c) image.rgba[i * 4 + static_cast<size_t>(c)] = colors[i % 3][c];
  const viz::IndexedImage indexed = viz::quantize(image);
  ASSERT_LE(indexed.palette.size(), 256u * 3);
  for (size_t i = 0; i < 256; ++i)
    for (int c = 0; c < 3; ++c)
      EXPECT_EQ(indexed.palette[indexed.indices[i] * 3u + static_cast<size_t>(c)], colors[i % 3][c]) << i;
}

TEST(GifWriter, GradientsStayClose) {
  const viz::Image image = gradient(256, 128);
  const viz::IndexedImage indexed = viz::quantize(image);
  EXPECT_GT(indexed.palette.size() / 3, 128u);  // the palette is used, not a handful of colors
  double error = 0.0;
  for (size_t i = 0; i < indexed.indices.size(); ++i)
    for (size_t c = 0; c < 3; ++c)
      error += std::abs(static_cast<int>(indexed.palette[indexed.indices[i] * 3u + c]) - static_cast<int>(image.rgba[i * 4 + c]));
  EXPECT_LT(error / static_cast<double>(indexed.indices.size() * 3), 6.0);
}

TEST(GifWriter, FinishedFileHasTheFramesAndAnAbandonedOneLeavesNothing) {
  const auto dir = std::filesystem::temp_directory_path() / "seqscope_gif_writer";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    viz::GifWriter abandoned(dir / "abandoned.gif", 64, 32, 10);
    abandoned.add_frame(gradient(64, 32));
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir)) << "no temporary or partial file";
  viz::GifWriter gif(dir / "done.gif", 64, 32, 10);
  gif.add_frame(gradient(64, 32));
  gif.add_frame(gradient(64, 32));
  EXPECT_THROW(gif.add_frame(gradient(32, 32)), compute::UserError);
  gif.finish();
  std::ifstream in(dir / "done.gif", std::ios::binary | std::ios::ate);
  std::string bytes(static_cast<size_t>(std::max<std::streamoff>(0, in.tellg())), '\0');
  in.seekg(0);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_GT(bytes.size(), 13u);
  EXPECT_EQ(bytes.substr(0, 6), "GIF89a");
  EXPECT_EQ(bytes.back(), '\x3b');
  EXPECT_EQ(gif.frames(), 2);
}

TEST(GifWriter, UnwritablePathAndBadRateAreUserErrors) {
  EXPECT_THROW(viz::GifWriter("/no/such/dir/x.gif", 8, 8, 10), compute::UserError);
  EXPECT_THROW(viz::GifWriter("/tmp/seqscope_rate.gif", 8, 8, 0), compute::UserError);
}

}  // namespace
}  // namespace seqscope
