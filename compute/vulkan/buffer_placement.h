// Where the Vulkan backend keeps its buffers (BufferPool, compute_pipeline.h; VulkanBackend), and
// how its softmax attention kernels spread their work.
#pragma once

namespace seqscope::vk {

// Auto is device-local memory with staging copies on a discrete GPU and host-visible mapped memory
// elsewhere (a CPU device or an integrated GPU, whose memory is the host's); the other two force
// one (the tests run the staging path on lavapipe).
enum class BufferPlacement { Auto, HostVisible, DeviceLocal };

// The softmax attention kernels' layout (docs/vulkan.md, "Speed on lavapipe").
// - Gpu: FlashAttention-2's structure. attention_flash.comp loads each tile of keys and values
//   into shared memory once per workgroup and every invocation reads it from there, which a GPU
//   serves from on-chip memory; the map pass gives an invocation one key (few registers).
// - CpuDevice: every invocation fetches key and value rows itself (a shared-memory load is a
//   loop over the SIMD lanes in lavapipe), and the map pass gives an invocation four keys, so
//   that each query row it fetches (a gather there) serves four entries.
// Auto: Gpu on a GPU, CpuDevice on a CPU device. The tests run the Gpu layout on lavapipe too.
enum class AttentionLayout { Auto, CpuDevice, Gpu };

}  // namespace seqscope::vk
