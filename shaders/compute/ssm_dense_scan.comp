#version 450
// Dense LTI scan (the Dense variant and the shift register): h_t = Abar h_{t-1} + Bbar u_t
// with Abar [N, N] per channel. One workgroup per (channel, direction); the state sits in
// shared memory (ping-pong, one barrier per step) and invocation r computes rows r, r+WG, ...
// The row sums are double-floats (the state is rounded once per step, as the reference does).
#include "precise_math.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int kMaxN = 256;

layout(std430, binding = 0) readonly buffer U { float u[]; };        // u: [L, D]
layout(std430, binding = 1) readonly buffer AbarIn { float Abar[]; };  // Abar: [D, N, N]
layout(std430, binding = 2) readonly buffer BbarIn { float Bbar[]; };  // Bbar: [D, N]
layout(std430, binding = 3) writeonly buffer H { vec2 h[]; };          // h: [L, D, N] (imag 0)
layout(std430, binding = 4) writeonly buffer HBwd { vec2 h_bwd[]; };   // h_bwd: [L, D, N] or [1]

layout(push_constant) uniform Push {
  int L;
  int D;
  int N;
};

shared float state[2][kMaxN];

void main() {
  const int d = int(gl_WorkGroupID.x);
  const int dir = int(gl_WorkGroupID.y);
  const int lid = int(gl_LocalInvocationID.x);
  const int wg = int(gl_WorkGroupSize.x);
  for (int r = lid; r < N; r += wg) state[0][r] = 0.0;
  barrier();
  for (int i = 0; i < L; ++i) {
    const int t = dir == 0 ? i : L - 1 - i;
    const int cur = i & 1;
    const float ut = u[t * D + d];
    for (int r = lid; r < N; r += wg) {
      vec2 acc = vec2(0.0);
      const int row = (d * N + r) * N;
      for (int j = 0; j < N; ++j) acc = df_add(acc, df_two_prod(Abar[row + j], state[cur][j]));
      const float value = df_to_float(acc) + Bbar[d * N + r] * ut;
      state[1 - cur][r] = value;
      if (dir == 0)
        h[(t * D + d) * N + r] = vec2(value, 0.0);
      else
        h_bwd[(t * D + d) * N + r] = vec2(value, 0.0);
    }
    barrier();
  }
}
