#include "core/version.h"
namespace seqscope::compute {
const char* version() { return SEQSCOPE_VERSION; }
}  // namespace seqscope::compute
