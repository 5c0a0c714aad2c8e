// Animated GIF writer on libcgif. Frames arrive one at a time (so the app can show progress and
// cancel between them); each is quantized to its own 256-color palette by median cut on a
// 5-bit-per-channel histogram, then handed to cgif. Bytes go to an AtomicFile: the GIF appears
// under its name only after finish(); an abandoned writer (cancel, error) leaves nothing.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "viz/render/image_export.h"

namespace seqscope::viz {

// A palette (<= 256 RGB entries) and one index per pixel.
struct IndexedImage {
  std::vector<uint8_t> palette;  // [entries, 3]
  std::vector<uint8_t> indices;  // [height, width]
};
// Median-cut quantization of an RGBA image (alpha ignored).
IndexedImage quantize(const Image& image);

class GifWriter {
 public:
  // fps sets the delay between frames (GIF stores it in 1/100 s). Throws UserError with one line
  // naming the path when it cannot be created.
  GifWriter(const std::filesystem::path& path, uint32_t width, uint32_t height, int fps);
  ~GifWriter();
  GifWriter(const GifWriter&) = delete;
  GifWriter& operator=(const GifWriter&) = delete;

  void add_frame(const Image& frame);  // frame size must match
  void finish();                       // closes the GIF and renames it into place
  int frames() const { return frames_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  uint32_t width_, height_;
  uint16_t delay_;
  int frames_ = 0;
};

}  // namespace seqscope::viz
