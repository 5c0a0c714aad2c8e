// UTF-8 helpers for text inputs: where a string stops being valid UTF-8 (session validation) and
// how many bytes the character starting at a position spans (token labels in inputs.cpp).
// Validity follows RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
#pragma once
#include <cstddef>
#include <optional>
#include <string_view>

namespace seqscope::compute::utf8 {

// Byte count of the valid character that starts at text[pos], or 0 if none starts there.
inline size_t char_length(std::string_view text, size_t pos) {
  auto byte = [&](size_t i) { return pos + i < text.size() ? static_cast<unsigned char>(text[pos + i]) : 0u; };
  auto in = [](unsigned value, unsigned lo, unsigned hi) { return value >= lo && value <= hi; };
  const unsigned lead = byte(0);
  if (pos >= text.size()) return 0;
  if (lead < 0x80) return 1;
  // The second byte's range depends on the lead byte; that is what excludes overlong forms,
  // surrogates (ED A0..BF) and code points above U+10FFFF (F4 90..).
  unsigned second_lo = 0x80, second_hi = 0xBF;
  size_t length = 0;
  if (in(lead, 0xC2, 0xDF)) {
    length = 2;
  } else if (in(lead, 0xE0, 0xEF)) {
    length = 3;
    if (lead == 0xE0) second_lo = 0xA0;
    if (lead == 0xED) second_hi = 0x9F;
  } else if (in(lead, 0xF0, 0xF4)) {
    length = 4;
    if (lead == 0xF0) second_lo = 0x90;
    if (lead == 0xF4) second_hi = 0x8F;
  } else {
    return 0;
  }
  if (pos + length > text.size() || !in(byte(1), second_lo, second_hi)) return 0;
  for (size_t i = 2; i < length; ++i)
    if (!in(byte(i), 0x80, 0xBF)) return 0;
  return length;
}

// Index of the first byte that does not begin a valid character, or nullopt if the text is valid.
inline std::optional<size_t> first_invalid_byte(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    const size_t length = char_length(text, pos);
    if (length == 0) return pos;
    pos += length;
  }
  return std::nullopt;
}

}  // namespace seqscope::compute::utf8
