// ParamRng: the seeded generator behind every model parameter (SSM and attention weights).
// Each parameter tensor draws from its own stream, derived from (session seed, tensor name),
// so changing one size (say N) never reshuffles an unrelated weight (say W_q). SplitMix64
// and Box-Muller are written out here because std::normal_distribution is not specified
// bit-for-bit across standard libraries, and exported tensors must be reproducible.
#pragma once
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string_view>

namespace seqscope::compute {

class ParamRng {
 public:
  ParamRng(uint64_t seed, std::string_view stream) : state_(seed ^ 0x9E3779B97F4A7C15ULL) {
    // FNV-1a of the stream name, mixed into the seed.
    uint64_t hash = 0xCBF29CE484222325ULL;
    for (char c : stream) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
    state_ ^= hash;
    next();
  }

  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Standard normal (Box-Muller; 1 - uniform() keeps the log argument in (0, 1]).
  double normal() {
    const double r = std::sqrt(-2.0 * std::log(1.0 - uniform()));
    return r * std::cos(2.0 * std::numbers::pi * uniform());
  }

 private:
  uint64_t state_;
};

}  // namespace seqscope::compute
