#version 450
// Linear attention (Katharopoulos et al. 2020) on the recurrent side, three entry modes:
//   mode 0, keysum: z_t = sum_{s<=t} phi(k_s) per (head, feature i), a double-float prefix;
//   mode 1, den:    den_t = eps + phi(q_t) . (z over the keys the mask allows) per (head, t);
//   mode 2, out:    the matrix state S_t = S_{t-1} + phi(k_t) v_t^T (minus the key leaving a
//                   window; for no mask the state after the last key), one invocation per
//                   (head, value column j) holding S[:, j] in double-float scratch, and
//                   out_t = phi(q_t)^T S_t / den_t.
// Modes 0 and 2 run the steps [t_lo, t_hi) and resume from what the previous dispatch left in z
// and S (for no mask, steps L..2L-1 write the outputs after the keys): lavapipe ends an
// invocation's loops after 65535 iterations in all, so on a CPU device the host splits long
// sequences over dispatches (issue 19).
#include "attention_common.glsl"

layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Q { float q[]; };    // q: [H, L, dh]
layout(std430, binding = 1) readonly buffer Kb { float k[]; };   // k: [H, L, dh]
layout(std430, binding = 2) readonly buffer V { float v[]; };    // v: [H, L, dh]
layout(std430, binding = 3) buffer Z { vec2 z[]; };              // z: [H, L, dh] double-float prefix
layout(std430, binding = 4) buffer Den { vec4 den[]; };          // den: [H, L] (hi, lo, 0, 0)
layout(std430, binding = 5) buffer State { vec2 state[]; };      // S: [H, dh, dh] double-float scratch
layout(std430, binding = 6) writeonly buffer Out { float out_[]; };  // out: [H, L, dh]

layout(push_constant) uniform Push {
  int L;
  int dh;
  int mask;
  int window;
  int H;
  int mode;
  int feature_map;  // 0 elu + 1, 1 identity
  float eps;
  int t_lo;  // modes 0 and 2: the steps this dispatch runs, [t_lo, t_hi)
  int t_hi;
};

float phi(float x) { return feature_map == 1 ? x : (x > 0.0 ? x + 1.0 : exp_acc(x)); }

void keysum(int h, int i) {
  vec2 acc = t_lo == 0 ? vec2(0.0) : z[(h * L + t_lo - 1) * dh + i];
  for (int t = t_lo; t < t_hi; ++t) {
    acc = df_add_f(acc, phi(k[(h * L + t) * dh + i]));
    z[(h * L + t) * dh + i] = acc;
  }
}

// Sum of phi(k_s)[i] over the keys query t may see.
vec2 visible_keysum(int h, int t, int i) {
  const ivec2 range = key_range(mask, window, L, t);
  vec2 total = z[(h * L + range.y) * dh + i];
  if (range.x > 0) total = df_add(total, -z[(h * L + range.x - 1) * dh + i]);
  return total;
}

void denominator(int h, int t) {
  vec2 acc = vec2(eps, 0.0);
  for (int i = 0; i < dh; ++i) acc = df_add(acc, df_mul_f(visible_keysum(h, t, i), phi(q[(h * L + t) * dh + i])));
  den[h * L + t] = vec4(acc, 0.0, 0.0);
}

void add_key(int h, int j, int s, float sign) {
  const float vj = v[(h * L + s) * dh + j];
  for (int i = 0; i < dh; ++i) {
    const int e = (h * dh + i) * dh + j;
    state[e] = df_add(state[e], sign * df_two_prod(phi(k[(h * L + s) * dh + i]), vj));
  }
}

void write_out(int h, int j, int t) {
  vec2 acc = vec2(0.0);
  for (int i = 0; i < dh; ++i)
    acc = df_add(acc, df_mul_f(state[(h * dh + i) * dh + j], phi(q[(h * L + t) * dh + i])));
  const vec2 d = den[h * L + t].xy;
  const float q0 = acc.x / d.x;
  out_[(h * L + t) * dh + j] = q0 + df_to_float(df_add(acc, -df_mul_f(d, q0))) / d.x;
}

void outputs(int h, int j) {
  if (t_lo == 0)
    for (int i = 0; i < dh; ++i) state[(h * dh + i) * dh + j] = vec2(0.0);
  if (mask == kMaskNone) {
    for (int s = t_lo; s < min(t_hi, L); ++s) add_key(h, j, s, 1.0);
    for (int t = max(t_lo, L); t < t_hi; ++t) write_out(h, j, t - L);
    return;
  }
  for (int t = t_lo; t < t_hi; ++t) {
    add_key(h, j, t, 1.0);
    if (mask == kMaskWindow && t - window >= 0) add_key(h, j, t - window, -1.0);
    write_out(h, j, t);
  }
}

void main() {
  const int id = int(gl_GlobalInvocationID.x);
  if (mode == 0) {
    if (id < H * dh) keysum(id / dh, id % dh);
  } else if (mode == 1) {
    if (id < H * L) denominator(id / L, id % L);
  } else {
    if (id < H * dh) outputs(id / dh, id % dh);
  }
}
