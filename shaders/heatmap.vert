#version 450
// One quad (two triangles, no vertex buffer) covering the heatmap's rectangle; uv runs over
// the matrix, (0,0) at its first row and column.
#include "heatmap_push.glsl"

layout(location = 0) out vec2 out_uv;

const vec2 k_corners[6] = vec2[](vec2(0, 0), vec2(1, 0), vec2(1, 1), vec2(0, 0), vec2(1, 1), vec2(0, 1));

void main() {
  vec2 corner = k_corners[gl_VertexIndex];
  out_uv = corner;
  gl_Position = vec4(mix(pc.rect.xy, pc.rect.zw, corner), 0.0, 1.0);
}
