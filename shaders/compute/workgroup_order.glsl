// The order in which workgroups take their blocks of rows.
#ifndef SEQSCOPE_WORKGROUP_ORDER_GLSL
#define SEQSCOPE_WORKGROUP_ORDER_GLSL

// Block i of n in the order last, first, second last, second, ...: under a causal mask a later
// block of rows has more work (more keys, more tiles below the diagonal), and lavapipe hands each
// of its threads a contiguous run of workgroup ids (n / threads of them), so in plain order the
// thread with the last ids does most of the work; in this order every contiguous run pairs long
// blocks with short ones. A permutation of 0..n-1, so every block is still done exactly once.
int zigzag(int i, int n) { return (i & 1) == 0 ? n - 1 - i / 2 : i / 2; }

#endif
