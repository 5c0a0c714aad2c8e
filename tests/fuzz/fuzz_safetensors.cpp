// libFuzzer target: any bytes through the safetensors index. It must either index the tensors
// (every view inside the buffer) or throw UserError; nothing else (crash, ASan/UBSan report).
#include <cstddef>
#include <cstdint>

#include "compute/checkpoint/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace seqscope::compute;
  try {
    const checkpoint::SafetensorsIndex index(data, size, "fuzz");
    size_t sum = 0;
    for (const auto& [name, view] : index.tensors()) {
      // Touch the first and last byte of each view: ASan flags any view outside the input.
      if (view.nbytes) sum += view.data[0] + view.data[view.nbytes - 1];
    }
    return static_cast<int>(sum & 0);
  } catch (const UserError&) {
  }
  return 0;
}
