#version 450
// Chunked diagonal scan, pass 3 of 3: h_t += (prod of Abar from the chunk start to t) *
// carry, for every chunk after the first. One invocation per (mode, chunk, direction); the
// running product is rebuilt from the Abar that pass 1 wrote.
#include "precise_math.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int T = 64;  // chunk length

layout(std430, binding = 0) readonly buffer AbarIn { vec2 Abar[]; };  // Abar: [L, D, N]
layout(std430, binding = 1) readonly buffer Carry { vec2 carry[]; };  // carry: [dirs, chunks, D, N]
layout(std430, binding = 2) buffer H { vec2 h[]; };                   // h: [L, D, N]
layout(std430, binding = 3) buffer HBwd { vec2 h_bwd[]; };            // h_bwd: [L, D, N] or [1]

layout(push_constant) uniform Push {
  int L;
  int D;
  int N;
  int num_chunks;
};

void main() {
  const int mode = int(gl_GlobalInvocationID.x);
  const int chunk = int(gl_GlobalInvocationID.y) + 1;
  const int dir = int(gl_GlobalInvocationID.z);
  if (mode >= D * N || chunk >= num_chunks) return;
  const vec2 c = carry[(dir * num_chunks + chunk) * D * N + mode];
  if (c == vec2(0.0)) return;
  const int d = mode / N;
  const int n = mode % N;
  vec2 prod = vec2(1.0, 0.0);
  const int end = min(L, chunk * T + T);
  for (int i = chunk * T; i < end; ++i) {
    const int t = dir == 0 ? i : L - 1 - i;
    const int idx = (t * D + d) * N + n;
    prod = cmul(Abar[idx], prod);
    if (dir == 0)
      h[idx] += cmul(prod, c);
    else
      h_bwd[idx] += cmul(prod, c);
  }
}
