#version 450
// Convolution kernel of an LTI model, K[d, k] = s * Re(sum_n C_n Abar_n^k Bbar_n) (s = 2 for
// complex models): one invocation per (channel, chunk of T taps). The power at the chunk
// start comes from square-and-multiply and then advances one tap at a time, all in complex
// double-float, so tap 4098 is as exact as tap 0 (the reference multiplies in double).
// Dense models use ssm_kernel_dense.comp.
#include "precise_math.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int T = 32;  // taps per invocation

layout(std430, binding = 0) readonly buffer AbarIn { vec2 Abar[]; };  // Abar: [D, N] (LTI)
layout(std430, binding = 1) readonly buffer BbarIn { vec2 Bbar[]; };  // Bbar: [D, N]
layout(std430, binding = 2) readonly buffer CC { vec2 C[]; };         // C: [D, N]
layout(std430, binding = 3) buffer Acc { vec2 acc[]; };              // acc: [D, L] double-float scratch
layout(std430, binding = 4) writeonly buffer K { float kernel[]; };   // kernel: [D, L]

layout(push_constant) uniform Push {
  int L;
  int D;
  int N;
  float re_scale;
};

vec4 cdf(vec2 z) { return vec4(z.x, 0.0, z.y, 0.0); }

vec4 cdf_pow(vec2 base, int k) {
  vec4 result = vec4(1.0, 0.0, 0.0, 0.0);
  vec4 b = cdf(base);
  while (k > 0) {
    if ((k & 1) != 0) result = cdf_mul(result, b);
    k >>= 1;
    if (k > 0) b = cdf_mul(b, b);
  }
  return result;
}

void main() {
  const int chunks = (L + T - 1) / T;
  const int id = int(gl_GlobalInvocationID.x);
  if (id >= D * chunks) return;
  const int d = id / chunks;
  const int k0 = (id % chunks) * T;
  const int k1 = min(L, k0 + T);
  for (int k = k0; k < k1; ++k) acc[d * L + k] = vec2(0.0);
  for (int n = 0; n < N; ++n) {
    const vec2 a = Abar[d * N + n];
    const vec2 c = C[d * N + n];
    const vec2 b = Bbar[d * N + n];
    // C_n Bbar_n exactly, as the reference forms it in double.
    const vec4 cb = vec4(df_add(df_two_prod(c.x, b.x), -df_two_prod(c.y, b.y)),
                         df_add(df_two_prod(c.x, b.y), df_two_prod(c.y, b.x)));
    vec4 power = cdf_mul(cb, cdf_pow(a, k0));
    for (int k = k0; k < k1; ++k) {
      acc[d * L + k] = df_add(acc[d * L + k], power.xy);
      power = cdf_mul_c(power, a);
    }
  }
  for (int k = k0; k < k1; ++k) kernel[d * L + k] = re_scale * df_to_float(acc[d * L + k]);
}
