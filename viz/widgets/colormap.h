// Colormaps: 256-entry RGBA tables shared by the GPU heatmap shader (uploaded once) and the
// CPU widgets (colorbars, line colors), so a colorbar always matches the map it labels.
// Both are colorblind-safe: viridis (sequential) and ColorBrewer RdBu (diverging, blue < 0 < red).
#pragma once
#include <array>
#include <cstdint>
#include <span>

namespace seqscope::viz {

enum class Colormap : uint32_t { Viridis = 0, Diverging = 1 };
constexpr uint32_t k_colormap_count = 2;
constexpr uint32_t k_colormap_size = 256;

struct Rgba {
  float r, g, b, a;
};

// Entry i (0..255) of a colormap.
Rgba colormap_color(Colormap map, uint32_t i);
// Color at t in [0, 1] (clamped).
Rgba colormap_at(Colormap map, float t);
// ImGui packed color (ABGR) at t.
uint32_t colormap_u32(Colormap map, float t);
// All tables, [k_colormap_count * 256] RGBA floats, in Colormap order: what the GPU reads.
std::span<const Rgba> colormap_tables();

}  // namespace seqscope::viz
