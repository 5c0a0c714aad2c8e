// Where the Vulkan backend keeps its buffers (BufferPool, compute_pipeline.h; VulkanBackend), and
// how its softmax attention reads keys and values.
#pragma once

namespace seqscope::vk {

// Auto is device-local memory with staging copies on a discrete GPU and host-visible mapped memory
// elsewhere (a CPU device or an integrated GPU, whose memory is the host's); the other two force
// one (the tests run the staging path on lavapipe).
enum class BufferPlacement { Auto, HostVisible, DeviceLocal };

// How attention_flash.comp reads each tile of keys and values. SharedTiles (FlashAttention-2's
// structure): the workgroup loads the tile into shared memory once and every invocation reads it
// from there, which a GPU serves from on-chip memory. Texels: every invocation fetches the rows
// itself, which is faster on lavapipe (a shared-memory load is a loop over the SIMD lanes there,
// docs/vulkan.md). Auto: SharedTiles on a GPU, Texels on a CPU device; the tests run SharedTiles
// on lavapipe too.
enum class KeyValueStaging { Auto, Texels, SharedTiles };

}  // namespace seqscope::vk
