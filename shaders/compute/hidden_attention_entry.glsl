// One entry alpha_d[t, s] of the hidden attention, shared by hidden_attention.comp (the whole
// map) and hidden_attention_pool.comp (its pooled overview) so that both give the same values.
// The includer declares C_at, Bbar_at, prefix_at, kernel_at (element i of C, Bbar, prefix,
// kernel) and the push constants L, D, N,
// lti, bidirectional, complex_a, re_scale (see hidden_attention.comp).
#ifndef SEQSCOPE_HIDDEN_ATTENTION_ENTRY_GLSL
#define SEQSCOPE_HIDDEN_ATTENTION_ENTRY_GLSL
#include "precise_math.glsl"

vec4 lambda(int ch, int t, int n) { return t < 0 ? vec4(0.0) : prefix_at((ch * L + t) * N + n); }

// s * Re sum_n C[t, n] exp(Lambda_hi - Lambda_lo) Bbar[s, n], as a float.
float decayed_sum(int ch, int d, int t, int s, int hi, int lo) {
  vec2 acc = vec2(0.0);
  for (int n = 0; n < N; ++n) {
    const vec4 a = lambda(ch, hi, n);
    const vec4 b = lambda(ch, lo, n);
    const float span_re = df_to_float(df_add(a.xy, -b.xy));
    if (span_re < -104.0) continue;  // exp is a float zero (as the reference's early exit)
    vec2 decay = vec2(exp_acc(span_re), 0.0);
    if (complex_a != 0 || a.z != 0.0 || b.z != 0.0) decay = decay.x * cis_df(df_add(a.zw, -b.zw));
    const vec2 cdb = cmul(cmul(C_at(t * N + n), decay), Bbar_at((s * D + d) * N + n));
    acc = df_add_f(acc, cdb.x);
  }
  return re_scale * df_to_float(acc);
}

// Forward part for s <= t, backward part for s >= t (bidirectional); LTI from the kernel.
float alpha_entry(int ch, int d, int t, int s) {
  float value = 0.0;
  if (lti != 0) {
    if (s <= t) value = kernel_at(d * L + (t - s));
    if (bidirectional != 0 && s >= t) value += kernel_at(d * L + (s - t));
  } else {
    if (s <= t) value = decayed_sum(ch, d, t, s, t, s);
    if (bidirectional != 0 && s >= t) value += decayed_sum(ch, d, t, s, s - 1, t - 1);
  }
  return value;
}

#endif
