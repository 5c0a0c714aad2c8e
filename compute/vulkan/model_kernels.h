// The Vulkan backend as a real model's layer kernels (compute/checkpoint/model.h LayerKernels):
// while the Vulkan backend is the active one, every layer's selective scan and attention heads
// of a model folder run on its compute shaders; the weight products stay on the CPU. The
// kernels share the backend's ownership, so a backend chosen again while a model is open never
// leaves them pointing at a destroyed one.
#pragma once
#include <memory>
#include <string>
#include <utility>

#include "compute/checkpoint/model.h"
#include "compute/vulkan/vulkan_backend.h"

namespace seqscope::vk {

class VulkanModelKernels : public compute::checkpoint::LayerKernels {
 public:
  explicit VulkanModelKernels(std::shared_ptr<VulkanBackend> backend) : backend_(std::move(backend)) {}
  std::string name() const override { return "vulkan"; }
  void mamba_layer(compute::SsmResults& r, bool states) const override { backend_->run_model_scan(r, states); }
  void gpt2_heads(compute::AttentionResults& a, bool maps) const override { backend_->run_model_attention(a, maps); }

 private:
  std::shared_ptr<VulkanBackend> backend_;
};

}  // namespace seqscope::vk
