// Display computations for the dynamics panel, with no ImGui: eigenvalues of Abar for a
// hypothetical Δ (closed forms of compute/ssm/discretize.h applied to the continuous eigenvalues:
// exp, the Cayley map and both Euler steps are functions of A, so they map eigenvalues to
// eigenvalues), and the discretization formulas written out with the numbers of one channel,
// mode and step taken from the Results.
#pragma once
#include <complex>
#include <span>
#include <string>
#include <vector>

#include "compute/backend/results.h"

namespace seqscope::viz {

// Discrete eigenvalues for step `delta`: z = Abar(λ, Δ) for each continuous λ.
std::vector<std::complex<float>> discrete_eigenvalues(std::span<const std::complex<float>> continuous, float delta,
                                                      compute::Discretization method);

// Number of z with |z| > 1 (+ a little slack for rounding): modes that grow.
int count_unstable(std::span<const std::complex<float>> points);

// Eigenvalues of channel d: continuous [N] (empty for the shift register) and discrete at t [N].
std::vector<std::complex<float>> continuous_eigenvalues(const compute::SsmResults& ssm, int d);
std::vector<std::complex<float>> discrete_eigenvalues_at(const compute::SsmResults& ssm, int t, int d);

// Δ_t of channel d over t: [L] (a column of the row-major delta [L, D]).
std::vector<float> delta_series(const compute::SsmResults& ssm, int d);

// The formulas in use at step t for channel d and mode n, one string per line, with numbers:
// Δ, Abar, Bbar (or Bbar u for mamba), the state update and the readout. A '\t' separates a
// formula from its numbers, so narrow panels can put the numbers on a line of their own.
std::vector<std::string> formula_lines(const compute::Results& results, int t, int d, int n);

// Just the discretization, without numbers: "Abar = exp(ΔA) · Bbar = (exp(ΔA) − 1)/A · B".
std::string discretization_formula(compute::Discretization method, bool dense);

}  // namespace seqscope::viz
