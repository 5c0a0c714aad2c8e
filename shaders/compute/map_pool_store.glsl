// The last step of a pooled overview (map_pool_common.glsl): each invocation stores the largest
// |x| and the mean of its own key bins of row bin b of map m (cells never visited count as 0).
// Included after the buffers pool_max, pool_mean ([M, P, P]) and the push constants L and P.
#ifndef SEQSCOPE_MAP_POOL_STORE_GLSL
#define SEQSCOPE_MAP_POOL_STORE_GLSL

void store_bins(int m, int b, float largest[kBinsPerInvocation], float total[kBinsPerInvocation]) {
  const int group = int(gl_WorkGroupSize.x), first_bin = int(gl_LocalInvocationID.x);
  const float rows = float(bin_begin(b + 1, L, P) - bin_begin(b, L, P));
  for (int i = 0; i < kBinsPerInvocation; ++i) {
    const int j = first_bin + i * group;
    if (j >= P) break;
    const float cells = rows * float(bin_begin(j + 1, L, P) - bin_begin(j, L, P));
    const int out_idx = (m * P + b) * P + j;
    pool_max[out_idx] = largest[i];
    pool_mean[out_idx] = total[i] / cells;
  }
}

#endif
