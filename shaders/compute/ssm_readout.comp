#version 450
// Readout of every SSM variant: y_t = s * sum_n Re(C h_t) + D u_t (s = 2 for complex
// models), plus the same from h_bwd for a bidirectional model, then the gate
// y_gated = y * silu(z). One invocation per (t, d); the sum over n is a double-float, as the
// reference accumulates it in double.
#include "precise_math.glsl"

layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer U { float u[]; };        // u: [L, D]
layout(std430, binding = 1) readonly buffer CC { vec2 C[]; };        // C: [L, N] selective, [D, N] LTI
layout(std430, binding = 2) readonly buffer Skip { float Dskip[]; };  // Dskip: [D]
layout(std430, binding = 3) readonly buffer H { vec2 h[]; };         // h: [L, D, N]
layout(std430, binding = 4) readonly buffer HBwd { vec2 h_bwd[]; };  // h_bwd: [L, D, N] or [1]
layout(std430, binding = 5) readonly buffer Z { float z[]; };        // z: [L, D] (gated) or [1]
layout(std430, binding = 6) writeonly buffer Y { float y[]; };       // y: [L, D]
layout(std430, binding = 7) writeonly buffer YG { float y_gated[]; };  // y_gated: [L, D] or [1]

layout(push_constant) uniform Push {
  int L;
  int D;
  int N;
  int c_per_step;  // 1: C is [L, N]; 0: [D, N]
  int bidirectional;
  int gated;
  float re_scale;  // 2 for complex models
};

float read_out(int t, int d, bool backward) {
  vec2 acc = vec2(0.0);
  const int c_row = c_per_step != 0 ? t : d;
  for (int n = 0; n < N; ++n) {
    const vec2 c = C[c_row * N + n];
    const vec2 s = backward ? h_bwd[(t * D + d) * N + n] : h[(t * D + d) * N + n];
    acc = df_add(acc, df_two_prod(c.x, s.x));
    acc = df_add(acc, -df_two_prod(c.y, s.y));
  }
  return re_scale * df_to_float(acc) + Dskip[d] * u[t * D + d];
}

void main() {
  const int idx = int(gl_GlobalInvocationID.x);
  if (idx >= L * D) return;
  const int t = idx / D;
  const int d = idx % D;
  float value = read_out(t, d, false);
  if (bidirectional != 0) value += read_out(t, d, true);
  y[idx] = value;
  if (gated != 0) {
    const float g = z[idx];
    y_gated[idx] = value * (g / (1.0 + exp_acc(-g)));
  }
}
