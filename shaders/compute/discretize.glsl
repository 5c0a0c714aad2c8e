// Diagonal discretization of one mode in float, the GPU twin of compute/ssm/discretize.cpp
// (which works in double and rounds once): delta * a is formed exactly as a double-float so
// that exp(delta a) keeps its digits for large |delta a| and the phase of a complex mode is
// reduced exactly. Methods in the order of compute::Discretization.
#ifndef SEQSCOPE_DISCRETIZE_GLSL
#define SEQSCOPE_DISCRETIZE_GLSL
#include "precise_math.glsl"

const int kZoh = 0;
const int kMamba = 1;
const int kBilinear = 2;
const int kEuler = 3;
const int kBackwardEuler = 4;

struct Mode {
  vec2 Abar;        // complex
  vec2 bbar_scale;  // Bbar = bbar_scale * B
};

// exp(x) for x = hi + lo.
float exp_df(vec2 x) { return exp_acc(x.x) * (1.0 + x.y); }

Mode discretize(vec2 a, float delta, int method) {
  vec2 dre = df_two_prod(delta, a.x);
  vec2 dim = df_two_prod(delta, a.y);
  vec2 dA = vec2(dre.x + dre.y, dim.x + dim.y);
  Mode m;
  if (method == kZoh || method == kMamba) {
    float mag = exp_df(dre);
    m.Abar = a.y == 0.0 ? vec2(mag, 0.0) : mag * cis_df(dim);
    if (method == kMamba) {
      m.bbar_scale = vec2(delta, 0.0);
    } else if (a.x == 0.0 && a.y == 0.0) {
      m.bbar_scale = vec2(delta, 0.0);  // the limit of (exp(delta a) - 1) / a
    } else {
      // expm1 of a complex argument: expm1(x) cos y - 2 sin^2(y/2) + i exp(x) sin y.
      float em1 = expm1_acc(dre.x) + (1.0 + expm1_acc(dre.x)) * dre.y;
      vec2 num;
      if (a.y == 0.0) {
        num = vec2(em1, 0.0);
      } else {
        vec2 half_phase = cis_df(0.5 * dim);
        vec2 full = cis_df(dim);
        num = vec2(em1 * full.x - 2.0 * half_phase.y * half_phase.y, mag * full.y);
      }
      m.bbar_scale = a.y == 0.0 ? vec2(num.x / a.x, 0.0) : cdiv(num, a);
    }
  } else if (method == kBilinear) {
    vec2 den = vec2(1.0 - 0.5 * dA.x, -0.5 * dA.y);
    m.Abar = cdiv(vec2(1.0 + 0.5 * dA.x, 0.5 * dA.y), den);
    m.bbar_scale = cdiv(vec2(delta, 0.0), den);
  } else if (method == kEuler) {
    m.Abar = vec2(1.0 + dA.x, dA.y);
    m.bbar_scale = vec2(delta, 0.0);
  } else {
    vec2 den = vec2(1.0 - dA.x, -dA.y);
    m.Abar = cdiv(vec2(1.0, 0.0), den);
    m.bbar_scale = cdiv(vec2(delta, 0.0), den);
  }
  return m;
}

#endif
