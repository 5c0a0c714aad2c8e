// The Vulkan backend as a real model's layer kernels (compute/checkpoint/model.h LayerKernels):
// while the Vulkan backend is the active one, every layer's selective scan and attention heads
// of a model folder run on its compute shaders; the weight products stay on the CPU.
#pragma once
#include <string>

#include "compute/checkpoint/model.h"
#include "compute/vulkan/vulkan_backend.h"

namespace seqscope::app {

class VulkanModelKernels : public compute::checkpoint::LayerKernels {
 public:
  explicit VulkanModelKernels(vk::VulkanBackend& backend) : backend_(backend) {}
  std::string name() const override { return "vulkan"; }
  void mamba_layer(compute::SsmResults& r, bool states) const override { backend_.run_model_scan(r, states); }
  void gpt2_heads(compute::AttentionResults& a, bool maps) const override { backend_.run_model_attention(a, maps); }

 private:
  vk::VulkanBackend& backend_;
};

}  // namespace seqscope::app
