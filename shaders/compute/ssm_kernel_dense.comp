#version 450
// Convolution kernel of a dense LTI model, K[d, k] = C Abar^k Bbar: one workgroup per
// channel; v = Abar^k Bbar is a double-float vector in shared memory (ping-pong, one barrier
// per tap), rows split over the invocations; invocation 0 also reads out the tap.
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

void main() {
  const int d = int(gl_WorkGroupID.x);
  const int lid = int(gl_LocalInvocationID.x);
  const int wg = int(gl_WorkGroupSize.x);
  for (int r = lid; r < N; r += wg) v[0][r] = vec2(Bbar[d * N + r], 0.0);
  barrier();
  for (int k = 0; k < L; ++k) {
    const int cur = k & 1;
    if (lid == 0) {
      // One invocation reads the tap out while the others already advance v.
      vec2 total = vec2(0.0);
      for (int r = 0; r < N; ++r) total = df_add(total, df_mul_f(v[cur][r], C[d * N + r].x));
      kernel[d * L + k] = df_to_float(total);
    }
    for (int r = lid; r < N; r += wg) {
      vec2 next = vec2(0.0);
      const int row = (d * N + r) * N;
      for (int j = 0; j < N; ++j) next = df_add(next, df_mul_f(v[cur][j], Abar[row + j]));
      v[1 - cur][r] = next;
    }
    barrier();
  }
}
