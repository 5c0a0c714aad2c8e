// RGBA images read back from the renderer, written as PNG (atomically: temp file, rename),
// with optional tEXt metadata chunks (the session that made a figure travels inside it).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace seqscope::viz {

struct Image {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> rgba;  // [height, width, 4]
};

using PngText = std::vector<std::pair<std::string, std::string>>;  // keyword, text

// Throws compute::UserError with one line naming the path when it cannot be written.
void write_png(const std::filesystem::path& path, const Image& image, const PngText& text = {});
// Reads a PNG as RGBA (tests, golden images); throws UserError on a bad file.
Image read_png(const std::filesystem::path& path);
// The tEXt chunks of a PNG file (keyword -> text); empty when none or not a PNG.
PngText read_png_text(const std::filesystem::path& path);

}  // namespace seqscope::viz
