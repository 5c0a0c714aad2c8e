#version 450
// Hidden attention, pass 1: the log of the running product of Abar per (channel, mode),
// Lambda_t = sum_{k<=t} log Abar_k, as a complex double-float. For zoh/mamba log Abar_k is
// delta_k a exactly, so Lambda_t - Lambda_s = a (S_t - S_s) as in the reference, with no
// product that could underflow; other methods take the log of the stored Abar (a zero Abar
// is clamped to e^-1e4, which every later difference still sends to 0). One invocation per
// (requested channel, mode), sequential over t.
#include "precise_math.glsl"

layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Delta { float delta[]; };  // delta: [L, D]
layout(std430, binding = 1) readonly buffer AC { vec2 A[]; };          // A: [D, N]
layout(std430, binding = 2) readonly buffer AbarIn { vec2 Abar[]; };   // Abar: [L, D, N]
layout(std430, binding = 3) readonly buffer Channels { int channels[]; };  // channels: [Ch]
layout(std430, binding = 4) writeonly buffer Prefix { vec4 prefix[]; };    // prefix: [Ch, L, N]

layout(push_constant) uniform Push {
  int L;
  int D;
  int N;
  int num_channels;
  int exp_decay;  // 1: zoh or mamba
};

const vec2 kPiDf = vec2(3.1415927410125732, -8.742278012618954e-8);

void main() {
  const int id = int(gl_GlobalInvocationID.x);
  if (id >= num_channels * N) return;
  const int ch = id / N;
  const int n = id % N;
  const int d = channels[ch];
  const vec2 a = A[d * N + n];
  vec2 re = vec2(0.0);
  vec2 im = vec2(0.0);
  for (int t = 0; t < L; ++t) {
    if (exp_decay != 0) {
      const float dt = delta[t * D + d];
      re = df_add(re, df_two_prod(dt, a.x));
      im = df_add(im, df_two_prod(dt, a.y));
    } else {
      const vec2 z = Abar[(t * D + d) * N + n];
      const float mag = z.y == 0.0 ? abs(z.x) : length(z);
      re = df_add_f(re, mag > 0.0 ? log_acc(mag) : -1.0e4);
      if (z.y != 0.0)
        im = df_add_f(im, atan(z.y, z.x));
      else if (z.x < 0.0)
        im = df_add(im, kPiDf);
    }
    prefix[(ch * L + t) * N + n] = vec4(re, im);
  }
}
