// The program's version, written into --version, PNG metadata and exported manifests.
#pragma once
namespace seqscope::compute {
const char* version();
// The SIMD instruction sets Eigen was built with ("AVX512, FMA, AVX2, ..."): float sums, and so
// trained weights, are bit-for-bit the same only between builds that share them.
const char* simd_instruction_sets();
}
