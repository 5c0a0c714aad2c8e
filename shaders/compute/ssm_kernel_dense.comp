#version 450
// Convolution kernel of a dense LTI model, K[d, k] = C Abar^k Bbar: one workgroup per
// channel; v = Abar^k Bbar is a double-float vector in shared memory (ping-pong, one barrier
// per tap), rows split over the invocations; invocation 0 also reads out the tap.
// One dispatch runs the taps [k_lo, k_hi) and hands v to the next through v_state (exact: the
// double-float pairs themselves): lavapipe ends an invocation's loops after 65535 iterations in
// all, so on a CPU device the host splits long kernels over dispatches (issue 19).
#include "precise_math.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int kMaxN = 256;

layout(std430, binding = 0) readonly buffer AbarIn { float Abar[]; };  // Abar: [D, N, N]
layout(std430, binding = 1) readonly buffer BbarIn { float Bbar[]; };  // Bbar: [D, N]
layout(std430, binding = 2) readonly buffer CC { vec2 C[]; };          // C: [D, N] (real)
layout(std430, binding = 3) writeonly buffer K { float kernel[]; };    // kernel: [D, L]
layout(std430, binding = 4) buffer VState { vec2 v_state[]; };        // v at k_hi: [D, N]

layout(push_constant) uniform Push {
  int L;
  int D;
  int N;
  int k_lo;  // the taps this dispatch runs: [k_lo, k_hi)
  int k_hi;
};

shared vec2 v[2][kMaxN];

void main() {
  const int d = int(gl_WorkGroupID.x);
  const int lid = int(gl_LocalInvocationID.x);
  const int wg = int(gl_WorkGroupSize.x);
  // v[k & 1] holds Abar^k Bbar at tap k.
  for (int r = lid; r < N; r += wg) v[k_lo & 1][r] = k_lo == 0 ? vec2(Bbar[d * N + r], 0.0) : v_state[d * N + r];
  barrier();
  for (int k = k_lo; k < k_hi; ++k) {
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
  if (k_hi < L)
    for (int r = lid; r < N; r += wg) v_state[d * N + r] = v[k_hi & 1][r];
}
