// safetensors reader: mmap, then a header walk that checks every bound before trusting it.
#include "compute/checkpoint/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

namespace seqscope::compute::checkpoint {
namespace {

struct DtypeInfo {
  const char* name;
  Dtype dtype;
  size_t size;
};
constexpr DtypeInfo kDtypes[] = {
    {"BOOL", Dtype::Bool, 1}, {"U8", Dtype::U8, 1},    {"I8", Dtype::I8, 1},     {"F8_E5M2", Dtype::F8E5M2, 1},
    {"F8_E4M3", Dtype::F8E4M3, 1}, {"I16", Dtype::I16, 2}, {"U16", Dtype::U16, 2}, {"F16", Dtype::F16, 2},
    {"BF16", Dtype::BF16, 2}, {"I32", Dtype::I32, 4},  {"U32", Dtype::U32, 4},   {"F32", Dtype::F32, 4},
    {"F64", Dtype::F64, 8},   {"I64", Dtype::I64, 8},  {"U64", Dtype::U64, 8},
};

[[noreturn]] void fail(const std::string& label, const std::string& what) {
  throw UserError(label + ": " + what);
}

Dtype parse_dtype(const std::string& label, const std::string& name, const std::string& tensor) {
  for (const auto& info : kDtypes)
    if (name == info.name) return info.dtype;
  fail(label, "tensor '" + tensor + "' has unknown dtype '" + name + "'");
}

// A JSON value that must be a non-negative integer below 2^63.
uint64_t as_count(const std::string& label, const nlohmann::json& value, const std::string& what) {
  if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<int64_t>() >= 0))
    fail(label, what + " is not a non-negative integer");
  const uint64_t v = value.get<uint64_t>();
  if (v > static_cast<uint64_t>(INT64_MAX)) fail(label, what + " is too large");
  return v;
}

TensorView parse_entry(const std::string& label, const std::string& name, const nlohmann::json& entry,
                       uint64_t& begin, uint64_t& end) {
  if (!entry.is_object()) fail(label, "header entry '" + name + "' is not an object");
  for (const char* key : {"dtype", "shape", "data_offsets"})
    if (!entry.contains(key)) fail(label, "tensor '" + name + "' has no " + key);
  if (!entry["dtype"].is_string()) fail(label, "tensor '" + name + "' dtype is not a string");
  TensorView view;
  view.name = name;
  view.dtype = parse_dtype(label, entry["dtype"].get<std::string>(), name);
  const auto& shape = entry["shape"];
  if (!shape.is_array() || shape.size() > 8) fail(label, "tensor '" + name + "' shape is not an array of <= 8 dims");
  uint64_t count = 1;
  for (const auto& dim : shape) {
    const uint64_t d = as_count(label, dim, "tensor '" + name + "' shape entry");
    view.shape.push_back(static_cast<int64_t>(d));
    if (__builtin_mul_overflow(count, d, &count)) fail(label, "tensor '" + name + "' shape overflows");
  }
  uint64_t bytes = 0;
  if (__builtin_mul_overflow(count, dtype_size(view.dtype), &bytes))
    fail(label, "tensor '" + name + "' byte size overflows");
  const auto& offsets = entry["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2) fail(label, "tensor '" + name + "' data_offsets is not [begin, end]");
  begin = as_count(label, offsets[0], "tensor '" + name + "' data_offsets");
  end = as_count(label, offsets[1], "tensor '" + name + "' data_offsets");
  if (end < begin) fail(label, "tensor '" + name + "' data_offsets end < begin");
  if (end - begin != bytes)
    fail(label, "tensor '" + name + "' has " + std::to_string(end - begin) + " bytes but shape x " +
                    dtype_name(view.dtype) + " needs " + std::to_string(bytes));
  view.nbytes = static_cast<size_t>(bytes);
  return view;
}

}  // namespace

size_t dtype_size(Dtype dtype) {
  for (const auto& info : kDtypes)
    if (info.dtype == dtype) return info.size;
  return 0;
}

const char* dtype_name(Dtype dtype) {
  for (const auto& info : kDtypes)
    if (info.dtype == dtype) return info.name;
  return "?";
}

int64_t TensorView::count() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

MappedFile::MappedFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw UserError(path.string() + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw UserError(path.string() + ": not a regular file");
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ == 0) {
    ::close(fd);
    throw UserError(path.string() + ": file is empty");
  }
  void* mapped = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);  // the mapping keeps the file alive
  if (mapped == MAP_FAILED) throw UserError(path.string() + ": cannot map: " + std::strerror(errno));
  data_ = static_cast<const unsigned char*>(mapped);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<unsigned char*>(data_), size_);
}

SafetensorsIndex::SafetensorsIndex(const unsigned char* bytes, size_t size, const std::string& label)
    : label_(label) {
  if (size < 8) fail(label, "truncated: " + std::to_string(size) + " bytes, no header length");
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | bytes[i];  // little-endian
  if (header_len > kMaxHeaderBytes) fail(label, "header length " + std::to_string(header_len) + " exceeds 100 MB");
  if (header_len > size - 8) fail(label, "truncated: header length " + std::to_string(header_len) + " past the end of the file");
  const char* text = reinterpret_cast<const char*>(bytes + 8);
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(text, text + header_len);
  } catch (const nlohmann::json::exception& e) {
    fail(label, std::string("header is not valid JSON: ") + e.what());
  }
  if (!header.is_object()) fail(label, "header is not a JSON object");
  const uint64_t buffer_size = size - 8 - header_len;
  const unsigned char* buffer = bytes + 8 + header_len;
  struct Span {
    uint64_t begin, end;
    std::string name;
  };
  std::vector<Span> spans;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) fail(label, "__metadata__ is not an object");
      continue;
    }
    uint64_t begin = 0, end = 0;
    TensorView view = parse_entry(label, name, entry, begin, end);
    if (end > buffer_size)
      fail(label, "tensor '" + name + "' data_offsets end " + std::to_string(end) + " past the buffer of " +
                      std::to_string(buffer_size) + " bytes");
    view.data = buffer + begin;
    spans.push_back({begin, end, name});
    tensors_.emplace(name, std::move(view));
  }
  // Tensors tile the buffer: sorted by begin, each starts where the previous ended.
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t cursor = 0;
  for (const auto& span : spans) {
    if (span.begin < cursor) fail(label, "tensor '" + span.name + "' overlaps the previous tensor");
    if (span.begin > cursor) fail(label, "gap in the buffer before tensor '" + span.name + "'");
    cursor = span.end;
  }
  if (cursor != buffer_size)
    fail(label, "tensors cover " + std::to_string(cursor) + " of the buffer's " + std::to_string(buffer_size) + " bytes");
}

const TensorView& SafetensorsIndex::at(const std::string& name) const {
  const auto it = tensors_.find(name);
  if (it == tensors_.end()) fail(label_, "missing tensor '" + name + "'");
  return it->second;
}

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path)
    : file_(path), index_(file_.data(), file_.size(), path.string()) {}

float half_to_float(uint16_t bits) {
  const uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
  uint32_t exponent = (bits >> 10) & 0x1Fu;
  uint32_t mantissa = bits & 0x3FFu;
  uint32_t out = 0;
  if (exponent == 0x1F) {
    out = sign | 0x7F800000u | (mantissa << 13);  // inf / nan
  } else if (exponent != 0) {
    out = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa != 0) {
    // Subnormal half: normalize into a float.
    exponent = 113;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      --exponent;
    }
    out = sign | (exponent << 23) | ((mantissa & 0x3FFu) << 13);
  } else {
    out = sign;
  }
  float value;
  std::memcpy(&value, &out, 4);
  return value;
}

float bfloat16_to_float(uint16_t bits) {
  const uint32_t out = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &out, 4);
  return value;
}

}  // namespace seqscope::compute::checkpoint
