// worker_count (parallel.h): read once, SEQSCOPE_THREADS overrides for measurements.
#include "parallel.h"

#include <cstdlib>

namespace seqscope::compute {

int worker_count() {
  static const int count = [] {
    if (const char* env = std::getenv("SEQSCOPE_THREADS")) {
      const int n = std::atoi(env);
      if (n >= 1) return n;
    }
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }();
  return count;
}

}  // namespace seqscope::compute
