// PNG writing: pixels and tEXt metadata round-trip; failures are one-line errors and leave no
// file behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/types.h"
#include "viz/render/image_export.h"

namespace seqscope::viz {
namespace {

std::filesystem::path temp_dir() {
  auto dir = std::filesystem::temp_directory_path() / ("seqscope_png_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::create_directories(dir);
  return dir;
}

Image gradient(uint32_t w, uint32_t h) {
  Image image{w, h, std::vector<uint8_t>(size_t{w} * h * 4)};
  for (uint32_t y = 0; y < h; ++y)
    for (uint32_t x = 0; x < w; ++x) {
      uint8_t* p = &image.rgba[(size_t{y} * w + x) * 4];
      p[0] = static_cast<uint8_t>(x * 255 / (w - 1));
      p[1] = static_cast<uint8_t>(y * 255 / (h - 1));
      p[2] = static_cast<uint8_t>((x + y) % 256);
      p[3] = 255;
    }
  return image;
}

TEST(Png, PixelsRoundTrip) {
  const auto path = temp_dir() / "gradient.png";
  const Image image = gradient(37, 21);
  write_png(path, image);
  const Image back = read_png(path);
  EXPECT_EQ(back.width, 37u);
  EXPECT_EQ(back.height, 21u);
  EXPECT_EQ(back.rgba, image.rgba);
}

TEST(Png, TextChunksRoundTripAndKeepTheImageReadable) {
  const auto path = temp_dir() / "with_text.png";
  const std::string session = R"({"version":1,"seed":7,"input":{"text":"a\nb"}})";
  write_png(path, gradient(8, 8), {{"seqscope.session", session}, {"Software", "seqscope"}});
  const PngText text = read_png_text(path);
  ASSERT_EQ(text.size(), 2u);
  EXPECT_EQ(text[0].first, "seqscope.session");
  EXPECT_EQ(text[0].second, session);
  EXPECT_EQ(text[1].second, "seqscope");
  EXPECT_EQ(read_png(path).rgba, gradient(8, 8).rgba);  // a decoder still accepts it (CRCs right)
}

TEST(Png, UnwritablePathIsAOneLineErrorAndLeavesNothing) {
  const auto dir = temp_dir() / "missing_dir";
  try {
    write_png(dir / "x.png", gradient(4, 4));
    FAIL() << "expected an error";
  } catch (const compute::UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("x.png"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(Png, NotAPngIsAnError) {
  const auto path = temp_dir() / "not.png";
  { std::ofstream(path) << "hello"; }
  EXPECT_THROW(read_png(path), compute::UserError);
  EXPECT_TRUE(read_png_text(path).empty());
}

}  // namespace
}  // namespace seqscope::viz
