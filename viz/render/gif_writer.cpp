// GifWriter and quantize (see gif_writer.h).
//
// Index (each part starts at a "// [SECTION] name" line):
//   median cut
//   cgif plumbing
#include "viz/render/gif_writer.h"

#include <cgif.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "core/atomic_file.h"
#include "core/types.h"

namespace seqscope::viz {
namespace {

// [SECTION] median cut

constexpr int k_bits = 5;  // histogram bins per channel: 32^3
constexpr int k_levels = 1 << k_bits;

int bin_of(const uint8_t* rgba) {
  return ((rgba[0] >> (8 - k_bits)) << (2 * k_bits)) | ((rgba[1] >> (8 - k_bits)) << k_bits) | (rgba[2] >> (8 - k_bits));
}
int channel_of(int bin, int c) { return (bin >> (k_bits * (2 - c))) & (k_levels - 1); }

// A box of occupied histogram bins.
struct Box {
  std::vector<int> bins;
  int widest_channel = 0;
  int range = 0;
  uint64_t pixels = 0;
};

void measure(Box& box, const std::vector<uint32_t>& histogram) {
  std::array<int, 3> lo{k_levels, k_levels, k_levels}, hi{-1, -1, -1};
  box.pixels = 0;
  for (int bin : box.bins) {
    box.pixels += histogram[static_cast<size_t>(bin)];
    for (int c = 0; c < 3; ++c) {
      lo[c] = std::min(lo[c], channel_of(bin, c));
      hi[c] = std::max(hi[c], channel_of(bin, c));
    }
  }
  box.range = -1;
  for (int c = 0; c < 3; ++c)
    if (hi[c] - lo[c] > box.range) box.range = hi[c] - lo[c], box.widest_channel = c;
}

// Splits `box` at the pixel-weighted median of its widest channel; false when it is one bin.
bool split(Box& box, Box& other, const std::vector<uint32_t>& histogram) {
  if (box.bins.size() < 2) return false;
  const int c = box.widest_channel;
  std::sort(box.bins.begin(), box.bins.end(), [c](int a, int b) { return channel_of(a, c) < channel_of(b, c); });
  uint64_t seen = 0;
  size_t cut = 1;
  for (; cut < box.bins.size(); ++cut) {
    seen += histogram[static_cast<size_t>(box.bins[cut - 1])];
    if (seen * 2 >= box.pixels) break;
  }
  cut = std::min(cut, box.bins.size() - 1);
  other.bins.assign(box.bins.begin() + static_cast<std::ptrdiff_t>(cut), box.bins.end());
  box.bins.resize(cut);
  measure(box, histogram);
  measure(other, histogram);
  return true;
}

// [SECTION] cgif plumbing

int write_to_file(void* context, const uint8_t* data, size_t bytes) {
  try {
    static_cast<compute::AtomicFile*>(context)->write(data, bytes);
    return CGIF_OK;
  } catch (const compute::UserError&) {
    return CGIF_EWRITE;
  }
}

}  // namespace

IndexedImage quantize(const Image& image) {
  const size_t pixels = static_cast<size_t>(image.width) * image.height;
  std::vector<uint32_t> histogram(k_levels * k_levels * k_levels, 0);
  for (size_t i = 0; i < pixels; ++i) ++histogram[static_cast<size_t>(bin_of(&image.rgba[i * 4]))];
  std::vector<Box> boxes(1);
  for (int bin = 0; bin < static_cast<int>(histogram.size()); ++bin)
    if (histogram[static_cast<size_t>(bin)] > 0) boxes[0].bins.push_back(bin);
  measure(boxes[0], histogram);
  // Split the box with the most pixels x range until 256 boxes (UI images: a few large flat
  // areas plus gradients; weighting by range keeps the colormaps smooth).
  while (boxes.size() < 256) {
    auto best = std::max_element(boxes.begin(), boxes.end(), [](const Box& a, const Box& b) {
      return a.pixels * static_cast<uint64_t>(a.range) < b.pixels * static_cast<uint64_t>(b.range);
    });
    if (best->range <= 0) break;
    Box other;
    if (!split(*best, other, histogram)) break;
    boxes.push_back(std::move(other));
  }
  // Each box's color is the pixel-weighted mean of its bins; every bin maps to its box.
  IndexedImage out;
  std::vector<uint8_t> bin_index(histogram.size(), 0);
  std::vector<std::array<uint64_t, 3>> sums(boxes.size(), {0, 0, 0});
  for (size_t b = 0; b < boxes.size(); ++b)
    for (int bin : boxes[b].bins) bin_index[static_cast<size_t>(bin)] = static_cast<uint8_t>(b);
  for (size_t i = 0; i < pixels; ++i) {
    const uint8_t* p = &image.rgba[i * 4];
    auto& sum = sums[bin_index[static_cast<size_t>(bin_of(p))]];
    for (int c = 0; c < 3; ++c) sum[static_cast<size_t>(c)] += p[c];
  }
  for (size_t b = 0; b < boxes.size(); ++b)
    for (int c = 0; c < 3; ++c)
      out.palette.push_back(boxes[b].pixels ? static_cast<uint8_t>(std::lround(
                                                  static_cast<double>(sums[b][static_cast<size_t>(c)]) /
                                                  static_cast<double>(boxes[b].pixels)))
                                            : 0);
  out.indices.resize(pixels);
  for (size_t i = 0; i < pixels; ++i) out.indices[i] = bin_index[static_cast<size_t>(bin_of(&image.rgba[i * 4]))];
  return out;
}

struct GifWriter::State {
  compute::AtomicFile file;
  CGIF* gif = nullptr;
  explicit State(const std::filesystem::path& path) : file(path) {}
  ~State() {
    if (gif) cgif_close(gif);
  }
};

GifWriter::GifWriter(const std::filesystem::path& path, uint32_t width, uint32_t height, int fps)
    : width_(width), height_(height) {
  if (width == 0 || height == 0 || width > 65535 || height > 65535)
    throw compute::UserError("GIF size " + std::to_string(width) + "x" + std::to_string(height) + " is out of range");
  if (fps < 1 || fps > 100) throw compute::UserError("GIF frame rate " + std::to_string(fps) + " is out of range (1..100 fps)");
  delay_ = static_cast<uint16_t>(std::max(1L, std::lround(100.0 / fps)));
  state_ = std::make_unique<State>(path);
  CGIF_Config config{};
  config.attrFlags = CGIF_ATTR_IS_ANIMATED | CGIF_ATTR_NO_GLOBAL_TABLE;
  config.width = static_cast<uint16_t>(width);
  config.height = static_cast<uint16_t>(height);
  config.numLoops = CGIF_INFINITE_LOOP;
  config.pWriteFn = write_to_file;
  config.pContext = &state_->file;
  state_->gif = cgif_newgif(&config);
  if (!state_->gif) throw compute::UserError("cannot write GIF '" + path.string() + "'");
}

GifWriter::~GifWriter() = default;

void GifWriter::add_frame(const Image& frame) {
  if (frame.width != width_ || frame.height != height_) throw compute::UserError("GIF frames must all have one size");
  IndexedImage indexed = quantize(frame);
  CGIF_FrameConfig config{};
  config.attrFlags = CGIF_FRAME_ATTR_USE_LOCAL_TABLE;
  config.pLocalPalette = indexed.palette.data();
  config.numLocalPaletteEntries = static_cast<uint16_t>(indexed.palette.size() / 3);
  config.pImageData = indexed.indices.data();
  config.delay = delay_;
  if (cgif_addframe(state_->gif, &config) != CGIF_OK)
    throw compute::UserError("cannot write GIF '" + state_->file.target().string() + "'");
  ++frames_;
}

void GifWriter::finish() {
  CGIF* gif = state_->gif;
  state_->gif = nullptr;
  if (cgif_close(gif) != CGIF_OK) throw compute::UserError("cannot write GIF '" + state_->file.target().string() + "'");
  state_->file.commit();
}

}  // namespace seqscope::viz
