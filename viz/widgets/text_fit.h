// fit_text, format_text: one-line labels that never run past their region. Panel headers and plot captions
// elide their end with "…" instead of overlapping what lies beside them or being cut mid-glyph.
#pragma once
#include <string>

namespace seqscope::viz {

// `text` if it fits in `width` pixels of the current ImGui font; else its longest prefix that
// ends on a UTF-8 character boundary and fits together with a trailing "…".
std::string fit_text(const std::string& text, float width);

// printf into a std::string (headers and tooltips are built from numbers).
std::string format_text(const char* format, ...) __attribute__((format(printf, 1, 2)));

// Draws fit_text(text, available width) as one line of text (ImGui::TextUnformatted).
void text_line(const std::string& text, bool dim = false);

}  // namespace seqscope::viz
