// Pooled overviews (compute/session/map_overview.h): bin b of P covers [b*L/P, (b+1)*L/P). One
// workgroup pools one row bin of one map; invocation i owns the column bins i, i + G, ... (at
// most kBinsPerInvocation), so no two invocations write the same output.
#ifndef SEQSCOPE_MAP_POOL_COMMON_GLSL
#define SEQSCOPE_MAP_POOL_COMMON_GLSL

const int kBinsPerInvocation = 16;  // P <= 1024 with 64 invocations

// b * n < 2^31: P <= 1024 and n <= 65536.
int bin_begin(int b, int n, int P) { return (b * n) / P; }

#endif
