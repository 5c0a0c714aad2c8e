// .npy writer and reader (npy.h). Layout: "\x93NUMPY", major, minor, header length (uint16 for
// v1.0, uint32 for v2.0, little-endian), a Python dict literal padded with spaces so that the data
// starts at a multiple of 64 bytes, '\n', then the raw little-endian data in C order.
#include "compute/io/npy.h"

#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "core/atomic_file.h"

namespace seqscope::compute {
namespace {

// The data is written as it sits in memory, which is the .npy byte order only on little-endian hosts.
static_assert(std::endian::native == std::endian::little, "npy.cpp writes host memory as little-endian data");

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLength = 6;
constexpr size_t kAlign = 64;

const char* descr_of(NpyType type) {
  switch (type) {
    case NpyType::Float32: return "<f4";
    case NpyType::Complex64: return "<c8";
    case NpyType::Int32: return "<i4";
  }
  return "?";
}

size_t element_size(NpyType type) { return type == NpyType::Complex64 ? 8 : 4; }

int64_t element_count(const std::vector<int64_t>& shape) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0) throw std::invalid_argument("npy: negative dimension in shape");
    count *= dim;
  }
  return count;
}

// Python's repr of a shape tuple: "()", "(5,)", "(2, 3)".
std::string shape_repr(const std::vector<int64_t>& shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) text += ",";
  return text + ")";
}

[[noreturn]] void bad_file(const std::filesystem::path& path, const std::string& why) {
  throw UserError("cannot read '" + path.string() + "': " + why);
}

std::string dict_value(const std::filesystem::path& path, const std::string& dict, const std::string& key) {
  const std::string quoted = "'" + key + "':";
  const size_t at = dict.find(quoted);
  if (at == std::string::npos) bad_file(path, "the .npy header has no '" + key + "'");
  size_t begin = dict.find_first_not_of(' ', at + quoted.size());
  if (begin == std::string::npos) bad_file(path, "the .npy header is cut short");
  size_t end = 0;
  if (dict[begin] == '(') {
    end = dict.find(')', begin);
    if (end != std::string::npos) ++end;
  } else if (dict[begin] == '\'') {
    end = dict.find('\'', begin + 1);
    if (end != std::string::npos) ++end;
  } else {
    end = dict.find_first_of(",}", begin);
  }
  if (end == std::string::npos) bad_file(path, "the .npy header is malformed near '" + key + "'");
  return dict.substr(begin, end - begin);
}

std::vector<int64_t> parse_shape(const std::filesystem::path& path, const std::string& tuple) {
  std::vector<int64_t> shape;
  std::string inner = tuple.substr(1, tuple.size() - 2);
  size_t pos = 0;
  while (pos < inner.size()) {
    size_t comma = inner.find(',', pos);
    std::string part = inner.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    if (!part.empty()) {
      if (part.find_first_not_of("0123456789") != std::string::npos) bad_file(path, "bad shape " + tuple);
      shape.push_back(std::stoll(part));
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return shape;
}

template <typename T>
std::vector<T> copy_out(const NpyArray& array, NpyType expected) {
  if (array.type != expected) throw std::logic_error("npy: element type differs from the one asked for");
  std::vector<T> values(static_cast<size_t>(array.count()));
  std::memcpy(values.data(), array.bytes.data(), values.size() * sizeof(T));
  return values;
}

}  // namespace

std::string npy_header(NpyType type, const std::vector<int64_t>& shape) {
  std::string dict = std::string("{'descr': '") + descr_of(type) + "', 'fortran_order': False, 'shape': " +
                     shape_repr(shape) + ", }";
  // numpy pads so that magic + version + length + dict + '\n' is a multiple of 64 (never 0 spaces).
  const size_t prefix = kMagicLength + 2 + 2;
  const size_t padding = kAlign - (prefix + dict.size() + 1) % kAlign;
  dict += std::string(padding, ' ') + "\n";
  if (dict.size() > 65535) throw std::invalid_argument("npy: shape too long for a version 1.0 header");
  std::string header(kMagic, kMagicLength);
  header += '\x01';
  header += '\x00';
  header += static_cast<char>(dict.size() & 0xff);
  header += static_cast<char>((dict.size() >> 8) & 0xff);
  return header + dict;
}

void write_npy(const std::filesystem::path& path, NpyType type, const std::vector<int64_t>& shape, const void* data) {
  const std::string header = npy_header(type, shape);
  AtomicFile file(path);
  file.write(header);
  file.write(data, static_cast<size_t>(element_count(shape)) * element_size(type));
  file.commit();
}

void write_npy(const std::filesystem::path& path, std::span<const float> data, const std::vector<int64_t>& shape) {
  if (element_count(shape) != static_cast<int64_t>(data.size())) throw std::invalid_argument("npy: shape/data mismatch");
  write_npy(path, NpyType::Float32, shape, data.data());
}

void write_npy(const std::filesystem::path& path, std::span<const Complex> data, const std::vector<int64_t>& shape) {
  if (element_count(shape) != static_cast<int64_t>(data.size())) throw std::invalid_argument("npy: shape/data mismatch");
  write_npy(path, NpyType::Complex64, shape, data.data());
}

void write_npy(const std::filesystem::path& path, std::span<const int32_t> data, const std::vector<int64_t>& shape) {
  if (element_count(shape) != static_cast<int64_t>(data.size())) throw std::invalid_argument("npy: shape/data mismatch");
  write_npy(path, NpyType::Int32, shape, data.data());
}

void write_npy(const std::filesystem::path& path, const Tensor& tensor) {
  write_npy(path, std::span<const float>(tensor.data), tensor.shape);
}

void write_npy(const std::filesystem::path& path, const TensorC& tensor) {
  write_npy(path, std::span<const Complex>(tensor.data), tensor.shape);
}

void write_npy(const std::filesystem::path& path, const Matrix& matrix) {
  write_npy(path, NpyType::Float32, {matrix.rows(), matrix.cols()}, matrix.data());
}

void write_npy(const std::filesystem::path& path, const MatrixC& matrix) {
  write_npy(path, NpyType::Complex64, {matrix.rows(), matrix.cols()}, matrix.data());
}

void write_npy(const std::filesystem::path& path, const Vector& vector) {
  write_npy(path, NpyType::Float32, {vector.size()}, vector.data());
}

void write_npy(const std::filesystem::path& path, const VectorC& vector) {
  write_npy(path, NpyType::Complex64, {vector.size()}, vector.data());
}

void write_npy(const std::filesystem::path& path, const std::vector<int>& values) {
  static_assert(sizeof(int) == sizeof(int32_t));
  write_npy(path, NpyType::Int32, {static_cast<int64_t>(values.size())}, values.data());
}

int64_t NpyArray::count() const { return element_count(shape); }
std::vector<float> NpyArray::floats() const { return copy_out<float>(*this, NpyType::Float32); }
std::vector<Complex> NpyArray::complexes() const { return copy_out<Complex>(*this, NpyType::Complex64); }
std::vector<int32_t> NpyArray::ints() const { return copy_out<int32_t>(*this, NpyType::Int32); }

NpyArray read_npy(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) bad_file(path, "cannot open the file");
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (bytes.size() < kMagicLength + 4 || std::memcmp(bytes.data(), kMagic, kMagicLength) != 0)
    bad_file(path, "not a .npy file");
  const int major = bytes[6];
  size_t header_length = 0;
  size_t prefix = 0;
  if (major == 1) {
    header_length = bytes[8] | (size_t{bytes[9]} << 8);
    prefix = 10;
  } else if (major == 2 && bytes.size() >= 12) {
    header_length = bytes[8] | (size_t{bytes[9]} << 8) | (size_t{bytes[10]} << 16) | (size_t{bytes[11]} << 24);
    prefix = 12;
  } else {
    bad_file(path, ".npy format version " + std::to_string(major) + " is not supported");
  }
  if (bytes.size() < prefix + header_length) bad_file(path, "the .npy header is cut short");
  const std::string dict(bytes.begin() + static_cast<std::ptrdiff_t>(prefix),
                         bytes.begin() + static_cast<std::ptrdiff_t>(prefix + header_length));

  NpyArray array;
  const std::string descr = dict_value(path, dict, "descr");
  if (descr == "'<f4'") array.type = NpyType::Float32;
  else if (descr == "'<c8'") array.type = NpyType::Complex64;
  else if (descr == "'<i4'") array.type = NpyType::Int32;
  else bad_file(path, "element type " + descr + " is not one of '<f4', '<c8', '<i4'");
  if (dict_value(path, dict, "fortran_order") != "False") bad_file(path, "Fortran-order arrays are not supported");
  array.shape = parse_shape(path, dict_value(path, dict, "shape"));

  const size_t data_size = static_cast<size_t>(array.count()) * element_size(array.type);
  if (bytes.size() != prefix + header_length + data_size)
    bad_file(path, "expected " + std::to_string(data_size) + " data bytes, found " +
                       std::to_string(bytes.size() - prefix - header_length));
  array.bytes.assign(bytes.begin() + static_cast<std::ptrdiff_t>(prefix + header_length), bytes.end());
  return array;
}

}  // namespace seqscope::compute
