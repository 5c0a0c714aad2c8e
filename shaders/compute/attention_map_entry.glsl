// One entry (t, s) of head h's attention map, shared by attention_probs.comp (the whole map)
// and attention_pool.comp (its pooled overview) so that both give bit-identical values.
// The includer declares q_at(i) and k_at(i) (the i-th float of q and k), the buffers slopes, stats and the push constants L, dh, mask,
// window, scale, kind, feature_map, lag (see attention_probs.comp).
#ifndef SEQSCOPE_ATTENTION_MAP_ENTRY_GLSL
#define SEQSCOPE_ATTENTION_MAP_ENTRY_GLSL
#include "attention_common.glsl"

#define kNegInf uintBitsToFloat(0xff800000u)

float phi(float x) { return feature_map == 1 ? x : (x > 0.0 ? x + 1.0 : exp_acc(x)); }

// probs[h, t, s]; score receives scores[h, t, s].
float map_entry(int h, int t, int s, out float score) {
  if (kind == 2) {  // lag: one-hot at the source
    const int src = t >= lag ? t - lag : t;
    score = s == src ? 0.0 : kNegInf;
    return s == src ? 1.0 : 0.0;
  }
  const int qrow = (h * L + t) * dh, krow = (h * L + s) * dh;
  const bool allowed = mask_allows(mask, window, t, s);
  if (kind == 0) {
    if (!allowed) {
      score = kNegInf;
      return 0.0;
    }
    float dot_qk = 0.0;
    for (int j = 0; j < dh; ++j) dot_qk += q_at(qrow + j) * k_at(krow + j);
    score = logit(dot_qk, scale, slopes[h], t, s);
    const vec4 st = stats[h * L + t];
    return exp_acc(score - st.x) / df_to_float(st.yz);
  }
  // Linear: the similarity as a double-float (the reference forms it in double).
  vec2 sim = vec2(0.0);
  for (int j = 0; j < dh; ++j) sim = df_add(sim, df_two_prod(phi(q_at(qrow + j)), phi(k_at(krow + j))));
  score = df_to_float(sim);
  if (!allowed) return 0.0;
  const vec2 den = stats[h * L + t].xy;
  // sim / den in double-float: one Newton step on the float quotient.
  const float q0 = sim.x / den.x;
  const vec2 r = df_add(sim, -df_mul_f(den, q0));
  return q0 + df_to_float(r) / den.x;
}

#endif
