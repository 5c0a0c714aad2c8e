// .npy files, format version 1.0: little-endian float32 ('<f4'), complex64 ('<c8') and int32
// ('<i4') arrays of any shape in C order, the header padded with spaces to a multiple of 64 bytes
// as numpy writes it. Files are written atomically (atomic_file.h); any failure throws UserError
// with one line naming the path. read_npy reads what write_npy writes (and numpy's own v1/v2
// files of those three types), for tests and tools.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "core/types.h"

namespace seqscope::compute {

enum class NpyType { Float32, Complex64, Int32 };

// Raw form: `data` holds product(shape) elements of `type`, row-major.
void write_npy(const std::filesystem::path& path, NpyType type, const std::vector<int64_t>& shape,
               const void* data);

void write_npy(const std::filesystem::path& path, std::span<const float> data, const std::vector<int64_t>& shape);
void write_npy(const std::filesystem::path& path, std::span<const Complex> data, const std::vector<int64_t>& shape);
void write_npy(const std::filesystem::path& path, std::span<const int32_t> data, const std::vector<int64_t>& shape);
void write_npy(const std::filesystem::path& path, const Tensor& tensor);
void write_npy(const std::filesystem::path& path, const TensorC& tensor);
void write_npy(const std::filesystem::path& path, const Matrix& matrix);    // [rows, cols]
void write_npy(const std::filesystem::path& path, const MatrixC& matrix);   // [rows, cols]
void write_npy(const std::filesystem::path& path, const Vector& vector);    // [n]
void write_npy(const std::filesystem::path& path, const VectorC& vector);   // [n]
void write_npy(const std::filesystem::path& path, const std::vector<int>& values);  // [n], int32

// The header numpy would write for this array: magic, version 1.0, length, dict, padding, '\n'.
std::string npy_header(NpyType type, const std::vector<int64_t>& shape);

struct NpyArray {
  NpyType type = NpyType::Float32;
  std::vector<int64_t> shape;
  std::vector<unsigned char> bytes;  // product(shape) elements, little-endian, C order

  int64_t count() const;
  std::vector<float> floats() const;      // type must be Float32
  std::vector<Complex> complexes() const;  // type must be Complex64
  std::vector<int32_t> ints() const;       // type must be Int32
};

NpyArray read_npy(const std::filesystem::path& path);

}  // namespace seqscope::compute
