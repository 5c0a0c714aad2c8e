// Colormap tables built once by linear interpolation between published anchor colors
// (matplotlib's viridis at tenths; ColorBrewer's 11-class RdBu, reversed so red is positive).
#include "viz/widgets/colormap.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace seqscope::viz {
namespace {

constexpr uint32_t k_viridis_anchors[] = {0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c,
                                          0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725};
constexpr uint32_t k_diverging_anchors[] = {0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7,
                                            0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b, 0x67001f};

Rgba from_hex(uint32_t hex) {
  return {((hex >> 16) & 0xff) / 255.0f, ((hex >> 8) & 0xff) / 255.0f, (hex & 0xff) / 255.0f, 1.0f};
}

void fill_table(std::span<const uint32_t> anchors, Rgba* out) {
  const float segments = static_cast<float>(anchors.size() - 1);
  for (uint32_t i = 0; i < k_colormap_size; ++i) {
    const float x = static_cast<float>(i) / (k_colormap_size - 1) * segments;
    const size_t lo = std::min(static_cast<size_t>(x), anchors.size() - 2);
    const float f = x - static_cast<float>(lo);
    const Rgba a = from_hex(anchors[lo]), b = from_hex(anchors[lo + 1]);
    out[i] = {a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f, a.b + (b.b - a.b) * f, 1.0f};
  }
}

const std::vector<Rgba>& tables() {
  static const std::vector<Rgba> all = [] {
    std::vector<Rgba> t(k_colormap_count * k_colormap_size);
    fill_table(k_viridis_anchors, t.data());
    fill_table(k_diverging_anchors, t.data() + k_colormap_size);
    return t;
  }();
  return all;
}

}  // namespace

Rgba colormap_color(Colormap map, uint32_t i) {
  return tables()[static_cast<uint32_t>(map) * k_colormap_size + std::min(i, k_colormap_size - 1)];
}

Rgba colormap_at(Colormap map, float t) {
  const float clamped = std::isfinite(t) ? std::clamp(t, 0.0f, 1.0f) : 0.5f;
  return colormap_color(map, static_cast<uint32_t>(clamped * 255.0f + 0.5f));
}

uint32_t colormap_u32(Colormap map, float t) {
  const Rgba c = colormap_at(map, t);
  auto byte = [](float v) { return static_cast<uint32_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); };
  return (byte(c.a) << 24) | (byte(c.b) << 16) | (byte(c.g) << 8) | byte(c.r);
}

std::span<const Rgba> colormap_tables() { return tables(); }

}  // namespace seqscope::viz
