// libFuzzer target: the first half of the input as tokenizer.json, the second half as text to
// encode with it (and with the committed GPT-2 subset when the JSON is rejected). Must either
// work or throw UserError.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "compute/checkpoint/tokenizer.h"
#include "core/types.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace seqscope::compute;
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const size_t split = all.find('\0') == std::string_view::npos ? size : all.find('\0');
  const std::string_view json = all.substr(0, split);
  const std::string_view text = split < size ? all.substr(split + 1) : all;
  (void)checkpoint::pretokenize(text);
  try {
    const auto tokenizer = checkpoint::Tokenizer::from_json(json, "fuzz");
    const auto ids = tokenizer.encode(text);
    (void)tokenizer.decode(ids);
  } catch (const UserError&) {
  }
  return 0;
}
