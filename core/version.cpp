#include "core/version.h"

#include <Eigen/Core>
namespace seqscope::compute {
const char* version() { return SEQSCOPE_VERSION; }
const char* simd_instruction_sets() { return Eigen::SimdInstructionSetsInUse(); }
}  // namespace seqscope::compute
