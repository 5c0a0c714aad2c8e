// Where the Vulkan backend keeps its buffers (BufferPool, compute_pipeline.h; VulkanBackend).
#pragma once

namespace seqscope::vk {

// Auto is device-local memory with staging copies on a discrete GPU and host-visible mapped memory
// elsewhere (a CPU device or an integrated GPU, whose memory is the host's); the other two force
// one (the tests run the staging path on lavapipe).
enum class BufferPlacement { Auto, HostVisible, DeviceLocal };

}  // namespace seqscope::vk
