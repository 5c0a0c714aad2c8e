// Push constants of the heatmap pipeline (64 bytes); mirrored by HeatmapPush in viz/render/heatmap.h.
layout(push_constant) uniform HeatmapPush {
  vec4 rect;    // quad corners in normalized device coordinates: x0, y0, x1, y1
  uvec4 dims;   // rows, cols, offset (elements), row_stride (elements)
  vec4 range;   // lo, hi (log10 units when log scale), unused, unused
  uvec4 style;  // colormap index, log scale (0/1), col_stride (elements), unused
} pc;
