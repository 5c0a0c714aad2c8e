// The first and last steps of a pooled overview (map_pool_common.glsl): each invocation loads
// what an earlier dispatch left for its own key bins of row bin b of map m, and stores the
// largest |x| and the sum, or (with finish) the mean (cells never visited count as 0). One
// dispatch walks the rows [row_lo, row_hi) of each row bin: lavapipe ends an invocation's loops
// after 65535 iterations in all, so on a CPU device the host splits the bins' rows over
// dispatches (issue 19). Included after the buffers pool_max, pool_mean ([M, P, P]) and the
// push constants L, P, row_lo, row_hi and finish.
#ifndef SEQSCOPE_MAP_POOL_STORE_GLSL
#define SEQSCOPE_MAP_POOL_STORE_GLSL

void load_bins(int m, int b, out float largest[kBinsPerInvocation], out float total[kBinsPerInvocation]) {
  const int group = int(gl_WorkGroupSize.x), first_bin = int(gl_LocalInvocationID.x);
  for (int i = 0; i < kBinsPerInvocation; ++i) {
    const int j = first_bin + i * group;
    const int idx = (m * P + b) * P + min(j, P - 1);
    largest[i] = row_lo > 0 && j < P ? pool_max[idx] : 0.0;
    total[i] = row_lo > 0 && j < P ? pool_mean[idx] : 0.0;
  }
}

void store_bins(int m, int b, float largest[kBinsPerInvocation], float total[kBinsPerInvocation]) {
  const int group = int(gl_WorkGroupSize.x), first_bin = int(gl_LocalInvocationID.x);
  const float rows = float(bin_begin(b + 1, L, P) - bin_begin(b, L, P));
  for (int i = 0; i < kBinsPerInvocation; ++i) {
    const int j = first_bin + i * group;
    if (j >= P) break;
    const float cells = rows * float(bin_begin(j + 1, L, P) - bin_begin(j, L, P));
    const int out_idx = (m * P + b) * P + j;
    pool_max[out_idx] = largest[i];
    pool_mean[out_idx] = finish != 0 ? total[i] / cells : total[i];
  }
}

#endif
