// Shared by the attention kernels: the mask and the softmax logit, so that the flash pass
// and the probs pass compute bit-identical scores.
#ifndef SEQSCOPE_ATTENTION_COMMON_GLSL
#define SEQSCOPE_ATTENTION_COMMON_GLSL
#include "precise_math.glsl"
#include "workgroup_order.glsl"

const int kMaskCausal = 0;  // compute::MaskKind order
const int kMaskNone = 1;
const int kMaskWindow = 2;

bool mask_allows(int mask, int window, int t, int s) {
  if (mask == kMaskNone) return true;
  if (mask == kMaskCausal) return s <= t;
  return s <= t && s > t - window;
}

// Allowed keys of query t: [first, last].
ivec2 key_range(int mask, int window, int L, int t) {
  if (mask == kMaskNone) return ivec2(0, L - 1);
  if (mask == kMaskCausal) return ivec2(0, t);
  return ivec2(max(0, t - window + 1), t);
}

// q . k * scale - slope |t - s|; the ALiBi term is rounded once from slope (hi + lo) * |t - s|,
// as the reference rounds its double product.
float logit(float dot_qk, float scale, vec2 slope, int t, int s) {
  const float dist = float(abs(t - s));
  vec2 bias = df_mul_f(slope, dist);
  return dot_qk * scale - df_to_float(bias);
}

#endif
