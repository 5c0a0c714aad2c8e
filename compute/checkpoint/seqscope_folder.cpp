#include "compute/checkpoint/seqscope_folder.h"

#include <cstring>
#include <optional>
#include <string>

#include "compute/checkpoint/safetensors.h"
#include "compute/model/folder.h"
#include "core/types.h"

namespace seqscope::compute::checkpoint {

model::Parameters<float> load_model_folder(const std::filesystem::path& dir) {
  const model::ModelConfig config = model::read_model_config(dir);
  const std::filesystem::path path = dir / "model.safetensors";
  const SafetensorsFile file(path);
  const SafetensorsIndex& index = file.index();
  return model::parameters_from_tensors(
      config,
      [&](const std::string& name) -> std::optional<model::TensorData> {
        if (!index.contains(name)) return std::nullopt;
        const TensorView& view = index.at(name);
        if (view.dtype != Dtype::F32)
          throw UserError(path.string() + ": tensor '" + name + "' is " + dtype_name(view.dtype) +
                          ", expected F32");
        model::TensorData t;
        t.shape = view.shape;
        t.values.resize(static_cast<size_t>(view.count()));
        std::memcpy(t.values.data(), view.data, view.nbytes);
        return t;
      },
      path.string());
}

}  // namespace seqscope::compute::checkpoint
