// The backend for a session's `backend` choice: auto takes the Vulkan backend on a GPU and
// the Eigen reference on a CPU device (lavapipe runs these kernels slower than Eigen), or
// without any Vulkan context; `vulkan` without a context is a UserError.
#pragma once
#include <memory>
#include <string>

#include "compute/backend/backend.h"
#include "compute/session/session.h"
#include "gpu/context.h"

namespace seqscope::vk {

// context may be null (no Vulkan device). notice (if given) receives a one-line reason when
// auto falls back to Eigen, and is cleared otherwise.
std::unique_ptr<compute::Backend> make_backend(compute::BackendChoice choice, gpu::Context* context,
                                               std::string* notice = nullptr);

}  // namespace seqscope::vk
