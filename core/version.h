// The program's version, written into --version, PNG metadata and exported manifests.
#pragma once
namespace seqscope::compute {
const char* version();
}
