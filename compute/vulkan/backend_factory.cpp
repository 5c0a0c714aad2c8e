// make_backend (see backend_factory.h).
#include "compute/vulkan/backend_factory.h"

#include "compute/backend/eigen_backend.h"
#include "compute/vulkan/vulkan_backend.h"

namespace seqscope::vk {

std::unique_ptr<compute::Backend> make_backend(compute::BackendChoice choice, gpu::Context* context, std::string* notice) {
  if (notice) notice->clear();
  switch (choice) {
    case compute::BackendChoice::Eigen:
      return std::make_unique<compute::EigenBackend>();
    case compute::BackendChoice::Vulkan:
      if (!context) throw compute::UserError("backend vulkan was chosen but no Vulkan device is available");
      return std::make_unique<VulkanBackend>(*context);
    case compute::BackendChoice::Auto:
      break;
  }
  if (context && !context->device_info().is_cpu()) return std::make_unique<VulkanBackend>(*context);
  if (notice)
    *notice = context ? "using the Eigen backend: " + context->device_info().name +
                            " is a CPU Vulkan device, slower than Eigen for these kernels"
                      : "using the Eigen backend: no Vulkan device";
  return std::make_unique<compute::EigenBackend>();
}

}  // namespace seqscope::vk
