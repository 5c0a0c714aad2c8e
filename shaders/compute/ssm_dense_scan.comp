#version 450
// Dense LTI scan (the Dense variant and the shift register): h_t = Abar h_{t-1} + Bbar u_t
// with Abar [N, N] per channel. One workgroup per (channel, direction); the state sits in
// shared memory (ping-pong, one barrier per step) and invocation r computes rows r, r+WG, ...
// The row sums are double-floats (the state is rounded once per step, as the reference does).
// One dispatch runs the steps [i_lo, i_hi) of each direction and starts from the state the
// previous one wrote into h (exact: h holds the state itself): lavapipe ends an invocation's
// loops after 65535 iterations in all (gallivm's LP_MAX_TGSI_LOOP_ITERATIONS), so on a CPU
// device the host splits long sequences over dispatches (issue 19).
#include "precise_math.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int kMaxN = 256;

layout(std430, binding = 0) readonly buffer U { float u[]; };        // u: [L, D]
layout(std430, binding = 1) readonly buffer AbarIn { float Abar[]; };  // Abar: [D, N, N]
layout(std430, binding = 2) readonly buffer BbarIn { float Bbar[]; };  // Bbar: [D, N]
layout(std430, binding = 3) buffer H { vec2 h[]; };          // h: [L, D, N] (imag 0)
layout(std430, binding = 4) buffer HBwd { vec2 h_bwd[]; };   // h_bwd: [L, D, N] or [1]

layout(push_constant) uniform Push {
  int L;
  int D;
  int N;
  int i_lo;  // the steps this dispatch runs: [i_lo, i_hi)
  int i_hi;
};

shared float state[2][kMaxN];

void main() {
  const int d = int(gl_WorkGroupID.x);
  const int dir = int(gl_WorkGroupID.y);
  const int lid = int(gl_LocalInvocationID.x);
  const int wg = int(gl_WorkGroupSize.x);
  // state[i & 1] holds h at the step before step i.
  const int first = i_lo & 1;
  const int t_before = dir == 0 ? i_lo - 1 : L - i_lo;
  for (int r = lid; r < N; r += wg) {
    if (i_lo == 0)
      state[first][r] = 0.0;
    else
      state[first][r] = dir == 0 ? h[(t_before * D + d) * N + r].x : h_bwd[(t_before * D + d) * N + r].x;
  }
  barrier();
  for (int i = i_lo; i < i_hi; ++i) {
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
