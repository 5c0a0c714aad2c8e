#version 450
// Convolution kernel of a dense LTI model, K[d, k] = C Abar^k Bbar: one workgroup per
// channel; v = Abar^k Bbar is a double-float vector in shared memory (ping-pong), advanced
// one tap per step, rows split over the invocations.
#include "precise_math.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int kMaxN = 256;

layout(std430, binding = 0) readonly buffer AbarIn { float Abar[]; };  // Abar: [D, N, N]
layout(std430, binding = 1) readonly buffer BbarIn { float Bbar[]; };  // Bbar: [D, N]
layout(std430, binding = 2) readonly buffer CC { vec2 C[]; };          // C: [D, N] (real)
layout(std430, binding = 3) writeonly buffer K { float kernel[]; };    // kernel: [D, L]

layout(push_constant) uniform Push {
  int L;
  int D;
  int N;
};

shared vec2 v[2][kMaxN];
shared vec2 partial[gl_WorkGroupSize.x];

void main() {
  const int d = int(gl_WorkGroupID.x);
  const int lid = int(gl_LocalInvocationID.x);
  const int wg = int(gl_WorkGroupSize.x);
  for (int r = lid; r < N; r += wg) v[0][r] = vec2(Bbar[d * N + r], 0.0);
  barrier();
  for (int k = 0; k < L; ++k) {
    const int cur = k & 1;
    vec2 dot_part = vec2(0.0);
    for (int r = lid; r < N; r += wg) {
      dot_part = df_add(dot_part, df_mul_f(v[cur][r], C[d * N + r].x));
      vec2 next = vec2(0.0);
      const int row = (d * N + r) * N;
      for (int j = 0; j < N; ++j) next = df_add(next, df_mul_f(v[cur][j], Abar[row + j]));
      v[1 - cur][r] = next;
    }
    partial[lid] = dot_part;
    barrier();
    if (lid == 0) {
      vec2 total = vec2(0.0);
      for (int i = 0; i < wg; ++i) total = df_add(total, partial[i]);
      kernel[d * L + k] = df_to_float(total);
    }
    barrier();
  }
}
