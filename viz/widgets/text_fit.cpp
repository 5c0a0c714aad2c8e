// fit_text, format_text and text_line (text_fit.h).
#include "viz/widgets/text_fit.h"

#include <imgui.h>

#include <cstdarg>
#include <cstdio>

namespace seqscope::viz {
namespace {

constexpr const char* k_ellipsis = "\u2026";

bool continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

float text_width(const std::string& text, size_t bytes) {
  return ImGui::CalcTextSize(text.data(), text.data() + bytes).x;
}

}  // namespace

std::string fit_text(const std::string& text, float width) {
  if (text_width(text, text.size()) <= width) return text;
  const float budget = width - ImGui::CalcTextSize(k_ellipsis).x;
  // Binary search on the byte length, then back off to a character boundary.
  size_t lo = 0, hi = text.size();
  while (lo < hi) {
    const size_t mid = (lo + hi + 1) / 2;
    if (text_width(text, mid) <= budget) lo = mid;
    else hi = mid - 1;
  }
  while (lo > 0 && lo < text.size() && continuation_byte(text[lo])) --lo;
  return text.substr(0, lo) + k_ellipsis;
}

std::string format_text(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  const int size = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string out(static_cast<size_t>(size > 0 ? size : 0), '\0');
  if (size > 0) std::vsnprintf(out.data(), out.size() + 1, format, args);
  va_end(args);
  return out;
}

void text_line(const std::string& text, bool dim) {
  const std::string shown = fit_text(text, ImGui::GetContentRegionAvail().x);
  if (dim) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextUnformatted(shown.c_str());
  if (dim) ImGui::PopStyleColor();
}

}  // namespace seqscope::viz
