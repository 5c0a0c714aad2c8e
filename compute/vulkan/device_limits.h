// The Vulkan device's own limits for `seqscope bench --backend vulkan`, measured like the
// CPU's (compute/bench/benchmark.h): copy bandwidth (bytes read + written per second, a shader copy
// between two GpuBuffers, the memory the backend's kernels use) and FMA peak (independent
// vec4 FMA chains on every invocation the dispatch can hold). Both from GPU timestamps (wall
// clock around the submit where the device has none), best of a few runs.
#pragma once
#include "compute/bench/benchmark.h"
#include "gpu/context.h"

namespace seqscope::vk {

// device = the GPU's name, cores = 0 (not a CPU). quick: a 64 MiB copy instead of 256 MiB
// (both capped at maxStorageBufferRange) and fewer runs.
compute::MachineLimits measure_device_limits(gpu::Context& context, bool quick);

}  // namespace seqscope::vk
