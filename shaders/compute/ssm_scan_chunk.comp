#version 450
// Chunked diagonal scan, pass 1 of 3: discretize and scan each chunk of T steps from a zero
// state. One invocation per (mode d*N+n, chunk, direction); the state lives in registers and
// the chunk's aggregate (product of Abar, final local state) goes to `agg` for pass 2
// (ssm_scan_carry), and pass 3 (ssm_scan_fixup) adds the carried-in state. Direction 1 is the
// backward scan of a bidirectional model: step i reads position L-1-i and writes h_bwd there.
#include "discretize.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int T = 64;  // chunk length

layout(std430, binding = 0) readonly buffer U { float u[]; };          // u: [L, D]
layout(std430, binding = 1) readonly buffer Delta { float delta[]; };  // delta: [L, D] (selective)
layout(std430, binding = 2) readonly buffer AC { vec2 A[]; };          // A: [D, N] complex
layout(std430, binding = 3) readonly buffer BS { float B[]; };         // B: [L, N] (selective)
layout(std430, binding = 4) readonly buffer AbarLti { vec2 abar_lti[]; };  // Abar: [D, N] (LTI)
layout(std430, binding = 5) readonly buffer BbarLti { vec2 bbar_lti[]; };  // Bbar: [D, N] (LTI)
layout(std430, binding = 6) writeonly buffer AbarOut { vec2 Abar[]; };     // Abar: [L, D, N]
layout(std430, binding = 7) writeonly buffer BbarOut { vec2 Bbar[]; };     // Bbar: [L, D, N]
layout(std430, binding = 8) writeonly buffer H { vec2 h[]; };              // h: [L, D, N]
layout(std430, binding = 9) writeonly buffer HBwd { vec2 h_bwd[]; };       // h_bwd: [L, D, N] or [1]
layout(std430, binding = 10) writeonly buffer Agg { vec4 agg[]; };  // agg: [dirs, chunks, D, N] (prod Abar, h_end)

layout(push_constant) uniform Push {
  int L;
  int D;
  int N;
  int num_chunks;
  int selective;  // 1: discretize delta, B per step here; 0: LTI, Abar/Bbar from binding 4/5
  int method;     // compute::Discretization
};

void main() {
  const int mode = int(gl_GlobalInvocationID.x);
  const int chunk = int(gl_GlobalInvocationID.y);
  const int dir = int(gl_GlobalInvocationID.z);
  if (mode >= D * N) return;
  const int d = mode / N;
  const int n = mode % N;
  const vec2 a = A[mode];
  vec2 state = vec2(0.0);
  vec2 prod = vec2(1.0, 0.0);
  const int begin = chunk * T;
  const int end = min(L, begin + T);
  for (int i = begin; i < end; ++i) {
    const int t = dir == 0 ? i : L - 1 - i;
    vec2 abar, bbar;
    if (selective != 0) {
      Mode m = discretize(a, delta[t * D + d], method);
      abar = m.Abar;
      bbar = m.bbar_scale * B[t * N + n];
    } else {
      abar = abar_lti[mode];
      bbar = bbar_lti[mode];
    }
    const int idx = (t * D + d) * N + n;
    if (dir == 0) {
      Abar[idx] = abar;
      Bbar[idx] = bbar;
    }
    state = cmul(abar, state) + bbar * u[t * D + d];
    prod = cmul(abar, prod);
    if (dir == 0)
      h[idx] = state;
    else
      h_bwd[idx] = state;
  }
  agg[(dir * num_chunks + chunk) * D * N + mode] = vec4(prod, state);
}
