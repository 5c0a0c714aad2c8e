#version 450
// Colors one matrix cell per fragment straight from the GPU buffer holding the data:
// values: [.. offset + row*row_stride + col*col_stride ..], lut: [colormaps * 256] RGBA.
#include "heatmap_push.glsl"

layout(set = 0, binding = 0) readonly buffer Values { float values[]; };
layout(set = 0, binding = 1) readonly buffer Lut { vec4 lut[]; };

layout(location = 0) in vec2 in_uv;
layout(location = 0) out vec4 out_color;

void main() {
  uint rows = pc.dims.x, cols = pc.dims.y;
  uint col = min(uint(in_uv.x * float(cols)), cols - 1u);
  uint row = min(uint(in_uv.y * float(rows)), rows - 1u);
  float v = values[pc.dims.z + row * pc.dims.w + col * pc.style.z];
  if (isnan(v) || isinf(v)) {
    out_color = vec4(0.5, 0.5, 0.5, 1.0);  // non-finite cells are gray, never a color of the scale
    return;
  }
  if (pc.style.y != 0u) v = log(max(abs(v), 1e-30)) / log(10.0);
  float span = pc.range.y - pc.range.x;
  float t = span > 0.0 ? clamp((v - pc.range.x) / span, 0.0, 1.0) : 0.5;
  out_color = lut[pc.style.x * 256u + uint(t * 255.0 + 0.5)];
}
