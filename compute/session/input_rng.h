// InputRng: the seeded generator behind every input (embedding table, channel gains, noise
// signal, task tokens). std::mt19937_64 is specified bit for bit by the standard, but the std
// distributions are not, so draws go through its own uniform (rejection sampling) and normal
// (Box-Muller): the same seed gives the same inputs with any standard library. Each purpose draws
// from its own stream, derived from (seed, InputStream), so that changing the task does not
// change the embedding table.
#pragma once
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace seqscope::compute {

enum class InputStream : uint64_t { Embedding = 1, Gains = 2, Noise = 3, Task = 4 };

constexpr uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

class InputRng {
 public:
  InputRng(uint64_t seed, InputStream stream)
      : engine_(splitmix64(seed ^ splitmix64(static_cast<uint64_t>(stream)))) {}

  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)

  // Uniform in [0, n), n >= 1: rejection removes the modulo bias.
  int below(int n) {
    const uint64_t range = static_cast<uint64_t>(n);
    const uint64_t limit = UINT64_MAX - UINT64_MAX % range;
    uint64_t x = engine_();
    while (x >= limit) x = engine_();
    return static_cast<int>(x % range);
  }

  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - uniform();  // (0, 1], so log() is finite
    const double u2 = uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * std::numbers::pi * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace seqscope::compute
