// Discretization of continuous-time SSM dynamics (A, B, delta) into (Abar, Bbar).
//   zoh            Abar = exp(delta A),  Bbar = (delta A)^-1 (exp(delta A) - I) delta B
//   mamba          Abar = exp(delta A),  Bbar = delta B          (selective_scan_ref)
//   bilinear       Abar = (I - delta/2 A)^-1 (I + delta/2 A),  Bbar = (I - delta/2 A)^-1 delta B
//   euler          Abar = I + delta A,   Bbar = delta B
//   backward_euler Abar = (I - delta A)^-1,  Bbar = (I - delta A)^-1 delta B
// Two forms: one diagonal mode (a scalar, possibly complex) and a dense N x N matrix.
#pragma once
#include "compute/session/session.h"
#include "core/types.h"

namespace seqscope::compute {

// One diagonal mode: Abar and the factor that multiplies B (Bbar = bbar_scale * B).
struct DiscreteMode {
  Complex Abar;
  Complex bbar_scale;
};

// a: continuous eigenvalue (Re a < 0 for a stable mode), delta > 0 -> (Abar, Bbar / B)
DiscreteMode discretize_mode(Complex a, float delta, Discretization method);
// Same for a real a; the float path the scans use when A is real (bit-identical imaginary 0).
DiscreteMode discretize_mode_real(float a, float delta, Discretization method);

// A dense LTI system after discretization.
struct DenseDiscrete {
  Matrix Abar;  // [N, N]
  Vector Bbar;  // [N]
};

// A: [N, N], B: [N], delta > 0 -> Abar: [N, N], Bbar: [N]. Computed in double, rounded once.
DenseDiscrete discretize_dense(const Matrix& A, const Vector& B, float delta, Discretization method);

// Largest |eigenvalue| of a square matrix (the spectral radius; > 1 means the recurrence grows).
double spectral_radius(const Matrix& M);

// Method names as the session file spells them ("zoh", "mamba", ...), for messages and docs.
const char* discretization_name(Discretization method);

}  // namespace seqscope::compute
