// The process's allocator settings. Training and recompute allocate and free the same
// [L, d]-sized buffers thousands of times a second. By default glibc hands freed memory at the
// top of a heap back to the kernel (above 128 KiB) and every next allocation faults its pages
// in again: a quarter of a training step went to page faults (docs/performance.md,
// "Training"). keep_freed_memory_for_reuse() raises the trim threshold to 256 MiB and fixes
// the mmap threshold at 32 MiB, so buffers below that are reused from the heap and larger
// ones (the dashboard's [L, L] maps) still go back to the kernel when freed.
#pragma once

namespace seqscope {

// Process-wide (mallopt), once; later calls do nothing. Called by main() and by the trainer.
void keep_freed_memory_for_reuse();

}  // namespace seqscope
