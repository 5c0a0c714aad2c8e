// Accurate float math for the compute shaders, the same on every driver. Vulkan allows exp,
// log, sin and cos errors of many ULP (absolute 2^-11 for sin), and the parity bound against
// the double-accumulating Eigen reference is 1e-5, so the kernels use these instead:
//   df_*       double-float: a value is hi + lo (x: hi, y: lo), about 44 significant bits;
//   exp_acc, expm1_acc, log_acc: range reduction + short polynomials, about 1-2 ULP;
//   cis_df     (cos, sin) of a double-float angle, reduced modulo pi/2 in double-float.
// Every error-free transformation is `precise`, so nothing is fused or reassociated.
#ifndef SEQSCOPE_PRECISE_MATH_GLSL
#define SEQSCOPE_PRECISE_MATH_GLSL

vec2 df_quick_two_sum(float a, float b) {
  precise float s = a + b;
  precise float e = b - (s - a);
  return vec2(s, e);
}

vec2 df_two_sum(float a, float b) {
  precise float s = a + b;
  precise float bb = s - a;
  precise float e = (a - (s - bb)) + (b - bb);
  return vec2(s, e);
}

// Veltkamp split: a = hi + lo with 12-bit halves, so hi*hi is exact.
vec2 df_split(float a) {
  precise float c = 4097.0 * a;
  precise float hi = c - (c - a);
  precise float lo = a - hi;
  return vec2(hi, lo);
}

// a * b exactly as hi + lo (Dekker), without relying on a fused fma.
vec2 df_two_prod(float a, float b) {
  precise float p = a * b;
  vec2 x = df_split(a);
  vec2 y = df_split(b);
  precise float e = ((x.x * y.x - p) + x.x * y.y + x.y * y.x) + x.y * y.y;
  return vec2(p, e);
}

vec2 df_add(vec2 a, vec2 b) {
  vec2 s = df_two_sum(a.x, b.x);
  vec2 t = df_two_sum(a.y, b.y);
  precise float lo = s.y + t.x;
  vec2 r = df_quick_two_sum(s.x, lo);
  precise float lo2 = r.y + t.y;
  return df_quick_two_sum(r.x, lo2);
}

vec2 df_add_f(vec2 a, float b) {
  vec2 s = df_two_sum(a.x, b);
  precise float lo = s.y + a.y;
  return df_quick_two_sum(s.x, lo);
}

vec2 df_mul(vec2 a, vec2 b) {
  vec2 p = df_two_prod(a.x, b.x);
  precise float lo = p.y + (a.x * b.y + a.y * b.x);
  return df_quick_two_sum(p.x, lo);
}

vec2 df_mul_f(vec2 a, float b) {
  vec2 p = df_two_prod(a.x, b);
  precise float lo = p.y + a.y * b;
  return df_quick_two_sum(p.x, lo);
}

float df_to_float(vec2 a) { return a.x + a.y; }

// Complex double-float: vec4(re.hi, re.lo, im.hi, im.lo).
vec4 cdf_mul(vec4 a, vec4 b) {
  vec2 re = df_add(df_mul(a.xy, b.xy), -df_mul(a.zw, b.zw));
  vec2 im = df_add(df_mul(a.xy, b.zw), df_mul(a.zw, b.xy));
  return vec4(re, im);
}

// Complex double-float times a complex float.
vec4 cdf_mul_c(vec4 a, vec2 b) {
  vec2 re = df_add(df_mul_f(a.xy, b.x), -df_mul_f(a.zw, b.y));
  vec2 im = df_add(df_mul_f(a.xy, b.y), df_mul_f(a.zw, b.x));
  return vec4(re, im);
}

const float kLn2Hi = 0.693145751953125;        // few mantissa bits: k * kLn2Hi is exact
const float kLn2Lo = 1.428606820309417232e-6;
const float kLog2e = 1.4426950408889634;

// exp(r) for |r| <= ln2/2: Taylor to r^7 (truncation 5e-9 relative).
float exp_poly(float r) {
  float p = 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  return p * r + 1.0;
}

float exp_acc(float x) {
  if (x < -104.0) return 0.0;  // below the smallest denormal
  if (x > 88.8) return uintBitsToFloat(0x7f800000u);
  precise float k = floor(x * kLog2e + 0.5);
  precise float r = (x - k * kLn2Hi) - k * kLn2Lo;
  const int e = int(k);  // in [-150, 128]: each half of the scale below is a normal power of two
  const int e1 = e / 2;
  // Two exact scalings keep the scale finite for results in the denormal range (where the second
  // rounds once, as ldexp would); powers of two built from their exponent bits cost two integer
  // operations each, where lavapipe's ldexp is a longer sequence (1 ms of 5 in the softmax map).
  precise float scaled = exp_poly(r) * intBitsToFloat((e1 + 127) << 23);
  precise float result = scaled * intBitsToFloat((e - e1 + 127) << 23);
  return result;
}

// exp(x) - 1 without cancellation for small |x| (Taylor to x^9 below 0.5).
float expm1_acc(float x) {
  if (abs(x) >= 0.5) return exp_acc(x) - 1.0;
  float p = 1.0 / 362880.0;
  p = p * x + 1.0 / 40320.0;
  p = p * x + 1.0 / 5040.0;
  p = p * x + 1.0 / 720.0;
  p = p * x + 1.0 / 120.0;
  p = p * x + 1.0 / 24.0;
  p = p * x + 1.0 / 6.0;
  p = p * x + 0.5;
  p = p * x + 1.0;
  return p * x;
}

// log(x), x > 0: x = m 2^e with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh((m-1)/(m+1)).
float log_acc(float x) {
  if (x <= 0.0) return x == 0.0 ? uintBitsToFloat(0xff800000u) : uintBitsToFloat(0x7fc00000u);
  int e;
  float m = frexp(x, e);  // m in [0.5, 1)
  if (m < 0.70710678) {
    m *= 2.0;
    e -= 1;
  }
  precise float f = (m - 1.0) / (m + 1.0);  // m - 1 is exact (Sterbenz)
  float f2 = f * f;
  float p = 1.0 / 11.0;
  p = p * f2 + 1.0 / 9.0;
  p = p * f2 + 1.0 / 7.0;
  p = p * f2 + 1.0 / 5.0;
  p = p * f2 + 1.0 / 3.0;
  p = p * f2 + 1.0;
  precise float lm = 2.0 * f * p;
  precise float ef = float(e);
  return (ef * kLn2Hi + lm) + ef * kLn2Lo;
}

// softplus(x) = log(1 + exp(x)) with torch's threshold 20, as compute/ssm/ssm_scan.h.
float softplus_acc(float x) {
  if (x > 20.0) return x;
  float y = exp_acc(x);
  // log1p(y): log of the rounded 1 + y, corrected by y / ((1 + y) - 1) (Goldberg).
  precise float u = 1.0 + y;
  if (u == 1.0) return y;
  precise float d = u - 1.0;
  return log_acc(u) * (y / d);
}

// (cos r, sin r) for |r| <= pi/4: Taylor to r^10 / r^11.
vec2 cis_poly(float r) {
  float r2 = r * r;
  float c = -1.0 / 3628800.0;
  c = c * r2 + 1.0 / 40320.0;
  c = c * r2 - 1.0 / 720.0;
  c = c * r2 + 1.0 / 24.0;
  c = c * r2 - 0.5;
  c = c * r2 + 1.0;
  float s = -1.0 / 39916800.0;
  s = s * r2 + 1.0 / 362880.0;
  s = s * r2 - 1.0 / 5040.0;
  s = s * r2 + 1.0 / 120.0;
  s = s * r2 - 1.0 / 6.0;
  s = s * r2 + 1.0;
  return vec2(c, s * r);
}

// (cos phi, sin phi) of phi = hi + lo; the reduction by k pi/2 uses a three-part pi/2.
vec2 cis_df(vec2 phi) {
  const float kPio2_1 = 1.5707963705062866;
  const float kPio2_2 = -4.3711388286737929e-8;
  const float kPio2_3 = -1.7763568394002505e-15;
  float k = floor(phi.x * 0.63661977236758134 + 0.5);
  vec2 r = df_add(phi, -df_two_prod(k, kPio2_1));
  r = df_add(r, -df_two_prod(k, kPio2_2));
  r = df_add_f(r, -k * kPio2_3);
  vec2 cs = cis_poly(df_to_float(r));
  int q = int(mod(k, 4.0));
  if (q == 1) return vec2(-cs.y, cs.x);
  if (q == 2) return -cs;
  if (q == 3) return vec2(cs.y, -cs.x);
  return cs;
}

// exp(z) for z = (re, im) with the imaginary part as a double-float.
vec2 cexp_acc(float re, vec2 im) { return exp_acc(re) * cis_df(im); }

vec2 cmul(vec2 a, vec2 b) { return vec2(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }
vec2 cdiv(vec2 a, vec2 b) {
  float d = dot(b, b);
  return vec2(a.x * b.x + a.y * b.y, a.y * b.x - a.x * b.y) / d;
}

#endif
