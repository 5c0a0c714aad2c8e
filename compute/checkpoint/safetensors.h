// A bounds-checked, memory-mapped reader of .safetensors files (Hugging Face's format:
// an 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}},
// then one byte buffer). Every bound is checked before a byte is read: header length <= 100 MB
// and inside the file, the header a JSON object, offsets inside the buffer, in order, not
// overlapping and covering it, byte length == product(shape) * dtype size without overflow,
// known dtypes only. Any violation throws UserError with one line naming the file.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/types.h"

namespace seqscope::compute::checkpoint {

enum class Dtype { Bool, U8, I8, F8E5M2, F8E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64 };

// Bytes per element; name as the format spells it ("F32").
size_t dtype_size(Dtype dtype);
const char* dtype_name(Dtype dtype);

// A read-only mmap of a whole file; unmapped on destruction. Empty files are an error.
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const unsigned char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  const unsigned char* data_ = nullptr;
  size_t size_ = 0;
};

struct TensorView {
  std::string name;
  Dtype dtype = Dtype::F32;
  std::vector<int64_t> shape;
  const unsigned char* data = nullptr;  // inside the mapping
  size_t nbytes = 0;
  int64_t count() const;
};

// The parsed header over caller-owned bytes (a MappedFile, or a fuzzer's buffer). `label`
// names the source in error messages.
class SafetensorsIndex {
 public:
  SafetensorsIndex(const unsigned char* bytes, size_t size, const std::string& label);
  bool contains(const std::string& name) const { return tensors_.count(name) != 0; }
  // Throws UserError naming `name` when it is missing.
  const TensorView& at(const std::string& name) const;
  const std::map<std::string, TensorView>& tensors() const { return tensors_; }
  const std::string& label() const { return label_; }

 private:
  std::map<std::string, TensorView> tensors_;
  std::string label_;
};

// A mapped file and its index.
class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::filesystem::path& path);
  const SafetensorsIndex& index() const { return index_; }

 private:
  MappedFile file_;
  SafetensorsIndex index_;
};

constexpr uint64_t kMaxHeaderBytes = 100ull * 1000 * 1000;

// One float of an F32, F16 or BF16 element (UserError for other dtypes, raised by callers).
float half_to_float(uint16_t bits);
float bfloat16_to_float(uint16_t bits);

}  // namespace seqscope::compute::checkpoint
