// PNG encode/decode with stb (Debian's libstb) and tEXt chunks spliced in after IHDR, with
// zlib's CRC-32, since stb_image_write has no metadata support.
#include "viz/render/image_export.h"

#include <stb_image.h>
#include <stb_image_write.h>
#include <zlib.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>

#include "core/atomic_file.h"
#include "core/types.h"

namespace seqscope::viz {
namespace {

constexpr size_t k_signature_bytes = 8;
constexpr size_t k_ihdr_chunk_bytes = 8 + 13 + 4;  // length + type, 13 data bytes, CRC

void put_u32_be(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

uint32_t get_u32_be(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// One tEXt chunk: keyword, NUL, Latin-1 text (JSON here is ASCII-escaped by the caller's dump()).
std::vector<uint8_t> text_chunk(const std::string& keyword, const std::string& text) {
  std::vector<uint8_t> body{'t', 'E', 'X', 't'};
  body.insert(body.end(), keyword.begin(), keyword.end());
  body.push_back(0);
  body.insert(body.end(), text.begin(), text.end());
  std::vector<uint8_t> chunk;
  put_u32_be(chunk, static_cast<uint32_t>(body.size() - 4));
  chunk.insert(chunk.end(), body.begin(), body.end());
  put_u32_be(chunk, static_cast<uint32_t>(crc32(0L, body.data(), static_cast<uInt>(body.size()))));
  return chunk;
}

std::vector<uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw compute::UserError("cannot read " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

void write_png(const std::filesystem::path& path, const Image& image, const PngText& text) {
  std::vector<uint8_t> png;
  auto append = [](void* context, void* data, int size) {
    auto* out = static_cast<std::vector<uint8_t>*>(context);
    out->insert(out->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
  };
  if (!stbi_write_png_to_func(append, &png, static_cast<int>(image.width), static_cast<int>(image.height), 4,
                              image.rgba.data(), static_cast<int>(image.width * 4)))
    throw compute::UserError("cannot encode a PNG of " + std::to_string(image.width) + "x" +
                             std::to_string(image.height) + " for " + path.string());
  const auto insert_at = png.begin() + static_cast<std::ptrdiff_t>(k_signature_bytes + k_ihdr_chunk_bytes);
  std::vector<uint8_t> chunks;
  for (const auto& [keyword, value] : text) {
    const auto chunk = text_chunk(keyword, value);
    chunks.insert(chunks.end(), chunk.begin(), chunk.end());
  }
  png.insert(insert_at, chunks.begin(), chunks.end());
  compute::write_file_atomic(path, {reinterpret_cast<const char*>(png.data()), png.size()});
}

Image read_png(const std::filesystem::path& path) {
  const auto bytes = read_file(path);
  int width = 0, height = 0, channels = 0;
  std::unique_ptr<unsigned char, decltype(&stbi_image_free)> pixels(
      stbi_load_from_memory(bytes.data(), static_cast<int>(bytes.size()), &width, &height, &channels, 4),
      &stbi_image_free);
  if (!pixels) throw compute::UserError(path.string() + " is not a readable PNG");
  Image image{static_cast<uint32_t>(width), static_cast<uint32_t>(height), {}};
  image.rgba.assign(pixels.get(), pixels.get() + static_cast<size_t>(width) * height * 4);
  return image;
}

PngText read_png_text(const std::filesystem::path& path) {
  const auto bytes = read_file(path);
  static const uint8_t k_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  PngText result;
  if (bytes.size() < k_signature_bytes || std::memcmp(bytes.data(), k_signature, 8) != 0) return result;
  size_t pos = k_signature_bytes;
  while (pos + 12 <= bytes.size()) {
    const uint32_t length = get_u32_be(&bytes[pos]);
    if (length > bytes.size() - pos - 12) break;  // truncated chunk: stop, never read past the end
    const uint8_t* type = &bytes[pos + 4];
    const uint8_t* data = &bytes[pos + 8];
    if (std::memcmp(type, "tEXt", 4) == 0) {
      const auto* end = data + length;
      const auto* nul = static_cast<const uint8_t*>(std::memchr(data, 0, length));
      if (nul) result.emplace_back(std::string(data, nul), std::string(nul + 1, end));
    }
    if (std::memcmp(type, "IEND", 4) == 0) break;
    pos += 12 + length;
  }
  return result;
}

}  // namespace seqscope::viz
