// TokensPanel (tokens_panel.h).
//
// Index (each part starts at a "// [SECTION] name" line):
//   layout helpers
//   roles and labels
//   token strip
//   signal
//   grid
//   draw
#include "viz/panels/tokens_panel.h"

#include "compute/session/tasks.h"

#include <algorithm>
#include <cmath>

#include "compute/session/session_schema.h"
#include "viz/widgets/colormap.h"
#include "viz/widgets/plot.h"
#include "viz/widgets/text_fit.h"

namespace seqscope::viz {

using compute::Inputs;
using compute::TokenRole;

// [SECTION] layout helpers

TokenWindow token_window(int length, int cursor, int capacity, int align) {
  length = std::max(0, length);
  capacity = std::max(1, capacity);
  if (length <= capacity) return {0, length};
  if (align < 1 || capacity < align) align = 1;
  cursor = std::clamp(cursor, 0, length - 1);
  int first = std::max(0, cursor - capacity / 2) / align * align;
  while (cursor >= first + capacity) first += align;  // rounding down may drop the cursor off the end
  // The smallest aligned start whose window still reaches the last position.
  const int last_first = (length - capacity + align - 1) / align * align;
  first = std::min(first, last_first);
  return {first, std::min(capacity, length - first)};
}

ImVec2 token_box_min(const TokenLayout& layout, int t) {
  const int i = t - layout.window.first;
  const int per_row = std::max(1, layout.per_row);
  return {layout.origin.x + static_cast<float>(i % per_row) * (layout.box.x + layout.gap),
          layout.origin.y + static_cast<float>(i / per_row) * (layout.box.y + layout.gap)};
}

int token_at(const TokenLayout& layout, ImVec2 point) {
  const float step_x = layout.box.x + layout.gap, step_y = layout.box.y + layout.gap;
  const float dx = point.x - layout.origin.x, dy = point.y - layout.origin.y;
  if (dx < 0.0f || dy < 0.0f || step_x <= 0.0f || step_y <= 0.0f) return -1;
  const int col = static_cast<int>(dx / step_x), row = static_cast<int>(dy / step_y);
  if (col >= layout.per_row) return -1;
  if (dx - col * step_x > layout.box.x || dy - row * step_y > layout.box.y) return -1;  // a gap
  const int i = row * layout.per_row + col;
  return i < layout.window.count ? layout.window.first + i : -1;
}

ImVec2 grid_cell_center(const GridLayout& layout, int flat_cell) {
  const int per_frame = layout.width * layout.height;
  const int frame = flat_cell / per_frame, y = flat_cell % per_frame / layout.width, x = flat_cell % layout.width;
  const float frame_x = static_cast<float>(frame) * (layout.width * layout.cell + layout.gap);
  return {layout.origin.x + frame_x + (x + 0.5f) * layout.cell, layout.origin.y + (y + 0.5f) * layout.cell};
}

int grid_cell_at(const GridLayout& layout, ImVec2 point) {
  const float frame_w = layout.width * layout.cell, stride = frame_w + layout.gap;
  const float dx = point.x - layout.origin.x, dy = point.y - layout.origin.y;
  if (dx < 0.0f || dy < 0.0f || layout.cell <= 0.0f) return -1;
  const int frame = static_cast<int>(dx / stride);
  const float inside_x = dx - frame * stride;
  if (frame >= layout.frames || inside_x >= frame_w) return -1;
  const int x = std::min(layout.width - 1, static_cast<int>(inside_x / layout.cell));
  const int y = static_cast<int>(dy / layout.cell);
  if (y >= layout.height) return -1;
  return (frame * layout.height + y) * layout.width + x;
}

std::vector<int> visit_steps(std::span<const int> scan_order, int cells) {
  std::vector<int> steps(static_cast<size_t>(std::max(0, cells)), -1);
  for (size_t t = 0; t < scan_order.size(); ++t)
    if (scan_order[t] >= 0 && scan_order[t] < cells) steps[static_cast<size_t>(scan_order[t])] = static_cast<int>(t);
  return steps;
}

// [SECTION] roles and labels

uint32_t role_color(TokenRole role) {
  switch (role) {
    case TokenRole::Data: return IM_COL32(86, 180, 233, 255);    // sky blue
    case TokenRole::Noise: return IM_COL32(140, 140, 140, 255);  // gray
    case TokenRole::Marker: return IM_COL32(230, 159, 0, 255);   // orange
    case TokenRole::Query: return IM_COL32(204, 121, 167, 255);  // reddish purple
    case TokenRole::Text:
    case TokenRole::Signal:
    case TokenRole::Cell: break;
  }
  return IM_COL32(110, 125, 150, 255);
}

const char* role_name(TokenRole role) {
  switch (role) {
    case TokenRole::Text: return "text";
    case TokenRole::Data: return "data";
    case TokenRole::Noise: return "noise";
    case TokenRole::Marker: return "marker";
    case TokenRole::Query: return "query";
    case TokenRole::Signal: return "signal";
    case TokenRole::Cell: return "cell";
  }
  return "";
}

std::string symbol_label(const Inputs& inputs, int token) {
  for (size_t t = 0; t < inputs.tokens.size() && t < inputs.labels.size(); ++t)
    if (inputs.tokens[t] == token) return inputs.labels[t];
  const bool task = std::any_of(inputs.roles.begin(), inputs.roles.end(), [](TokenRole r) { return r != TokenRole::Text; });
  return task && token >= 0 && token < inputs.vocab ? compute::task_token_label(token) : format_text("#%d", token);
}

int prediction_verdict(const Inputs& inputs, int t) {
  const auto i = static_cast<size_t>(t);
  if (t < 0 || i >= inputs.predicted.size() || i >= inputs.targets.size()) return 0;
  if (inputs.targets[i] < 0 || inputs.predicted[i] < 0) return 0;
  return inputs.predicted[i] == inputs.targets[i] ? 1 : -1;
}

std::string token_tooltip(const Inputs& inputs, int t) {
  const auto i = static_cast<size_t>(t);
  if (t < 0 || i >= inputs.labels.size()) return "";
  std::string text = format_text("t = %d  '%s'", t, inputs.labels[i].c_str());
  const TokenRole role = i < inputs.roles.size() ? inputs.roles[i] : TokenRole::Text;
  if (i < inputs.tokens.size()) {
    text += role == TokenRole::Text ? format_text("\nbyte 0x%02x", inputs.tokens[i])
                                    : format_text("\ntoken id %d", inputs.tokens[i]);
  }
  if (i + 1 < inputs.text_offsets.size())
    text += format_text(" · bytes %d–%d of the text", inputs.text_offsets[i], inputs.text_offsets[i + 1] - 1);
  if (role != TokenRole::Text) text += std::string("  ·  role ") + role_name(role);
  if (i < inputs.targets.size() && inputs.targets[i] >= 0)
    text += "\ntarget (expected output): '" + symbol_label(inputs, inputs.targets[i]) + "'";
  if (const int verdict = prediction_verdict(inputs, t); verdict != 0)
    text += "\nthe model predicts '" + symbol_label(inputs, inputs.predicted[i]) + "': " +
            (verdict > 0 ? "right" : "wrong");
  return text + "\nclick: move the cursor here";
}

namespace {

// Draw order of roles in the overview bar: the rare, meaningful ones win a pixel column.
int role_priority(TokenRole role) {
  switch (role) {
    case TokenRole::Query: return 4;
    case TokenRole::Marker: return 3;
    case TokenRole::Data: return 2;
    case TokenRole::Noise: return 1;
    default: return 0;
  }
}

uint32_t with_alpha(uint32_t color, float alpha) {
  const auto a = static_cast<uint32_t>(std::clamp(alpha, 0.0f, 1.0f) * 255.0f);
  return (color & ~IM_COL32_A_MASK) | (a << IM_COL32_A_SHIFT);
}

uint32_t text_color(bool dim = false) { return ImGui::GetColorU32(dim ? ImGuiCol_TextDisabled : ImGuiCol_Text); }

int code_points(const std::string& s) {
  int n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool is_task(const Inputs& in) {
  return std::any_of(in.roles.begin(), in.roles.end(), [](TokenRole r) { return r != TokenRole::Text; });
}

// [SECTION] token strip

// The legend of the roles present in the sequence; returns its width (draws when `draw`).
float role_legend(const Inputs& in, ImVec2 at, bool draw) {
  constexpr TokenRole k_roles[] = {TokenRole::Data, TokenRole::Noise, TokenRole::Marker, TokenRole::Query};
  const float swatch = ImGui::GetTextLineHeight() * 0.7f;
  float x = at.x;
  ImDrawList* list = ImGui::GetWindowDrawList();
  for (TokenRole role : k_roles) {
    if (std::find(in.roles.begin(), in.roles.end(), role) == in.roles.end()) continue;
    const float y = at.y + (ImGui::GetTextLineHeight() - swatch) * 0.5f;
    if (draw) {
      list->AddRectFilled(ImVec2(x, y), ImVec2(x + swatch, y + swatch), role_color(role));
      list->AddText(ImVec2(x + swatch + 4.0f, at.y), text_color(), role_name(role));
    }
    x += swatch + 4.0f + ImGui::CalcTextSize(role_name(role)).x + 12.0f;
  }
  return x - at.x;
}

// Tokens of a real model read its text: "Input · gpt2 · tokens (byte-level BPE, vocab 50257)".
std::string sequence_title(const compute::Session& session, const Inputs& in) {
  const int L = in.length();
  if (!in.token_kind.empty()) {
    const std::string source = in.source.empty() ? "" : in.source + " · ";
    return format_text("Input · %s%s · L = %d", source.c_str(), in.token_kind.c_str(), L);
  }
  if (session.input.kind == compute::InputKind::Text) return format_text("Input · text · L = %d bytes", L);
  const auto& cfg = session.input;
  return format_text("Input · task %s · vocab %d · L = %d", std::string(compute::schema::enum_name(cfg.task)).c_str(),
                     cfg.vocab, L);
}

std::string strip_header(const compute::Session& session, const Inputs& in, int t, const TokenWindow& window,
                         const std::string& shown_in) {
  const int L = in.length();
  std::string text = sequence_title(session, in);
  if (!shown_in.empty()) text += " (" + shown_in + ")";
  text += format_text(" · t = %d: '%s'", t, in.labels[static_cast<size_t>(t)].c_str());
  const auto i = static_cast<size_t>(t);
  if (i + 1 < in.text_offsets.size() && !shown_in.empty())
    text += format_text(" (bytes %d–%d)", in.text_offsets[i], in.text_offsets[i + 1] - 1);
  if (in.roles[i] != TokenRole::Text && in.token_kind.empty()) text += std::string(" (") + role_name(in.roles[i]) + ")";
  if (i < in.targets.size() && in.targets[i] >= 0) text += " → target '" + symbol_label(in, in.targets[i]) + "'";
  if (window.count < L) text += format_text(" · showing %d–%d", window.first, window.first + window.count - 1);
  return text;
}

// Whether token t's bytes overlap [span.first, span.second) (tokens with no offsets never do).
bool overlaps(const Inputs& in, int t, std::pair<int, int> span) {
  const auto i = static_cast<size_t>(t);
  if (i + 1 >= in.text_offsets.size()) return false;
  return in.text_offsets[i] < span.second && span.first < in.text_offsets[i + 1];
}

constexpr uint32_t k_aligned_color = IM_COL32(230, 159, 0, 255);  // orange: same text as the other cursor
constexpr uint32_t k_right_color = IM_COL32(0, 158, 115, 255);     // bluish green (Okabe-Ito)
constexpr uint32_t k_wrong_color = IM_COL32(213, 94, 0, 255);      // vermillion

void draw_token_box(ImDrawList* list, const Inputs& in, int t, ImVec2 min, ImVec2 box, int cursor, bool aligned) {
  const auto i = static_cast<size_t>(t);
  const ImVec2 max{min.x + box.x, min.y + box.y};
  const uint32_t color = role_color(in.roles[i]);
  const bool future = t > cursor;  // not yet read by a causal model at step `cursor`
  list->AddRectFilled(min, max, with_alpha(color, t == cursor ? 0.85f : future ? 0.15f : 0.4f));
  list->AddRect(min, max, with_alpha(color, future ? 0.45f : 0.9f));
  if (aligned && t != cursor) list->AddRect(ImVec2(min.x - 1, min.y - 1), ImVec2(max.x + 1, max.y + 1), k_aligned_color, 0.0f, 0, 2.0f);
  if (t == cursor) list->AddRect(ImVec2(min.x - 1, min.y - 1), ImVec2(max.x + 1, max.y + 1), IM_COL32_WHITE, 0.0f, 0, 2.0f);
  if (const int verdict = prediction_verdict(in, t); verdict != 0) {
    // A trained model's answer at a target: a bar along the box's bottom, green right, red wrong.
    const float thick = std::max(2.0f, std::round(box.y * 0.16f));
    list->AddRectFilled(ImVec2(min.x, max.y - thick), max, verdict > 0 ? k_right_color : k_wrong_color);
  }
  const std::string& label = in.labels[i];
  const uint32_t ink = text_color(future && t != cursor);
  const ImVec2 size = ImGui::CalcTextSize(label.c_str());
  const ImVec4 clip{min.x + 1, min.y, max.x - 1, max.y};
  list->AddText(ImGui::GetFont(), ImGui::GetFontSize(),
                ImVec2(std::max(min.x + 2.0f, 0.5f * (min.x + max.x - size.x)), 0.5f * (min.y + max.y - size.y)), ink,
                label.c_str(), nullptr, 0.0f, &clip);
}

// The whole sequence, one pixel column per span of positions, with the window and the cursor.
// Returns the position under the mouse while it is pressed there (scrubbing), else -1.
int overview_bar(const Inputs& in, const TokenWindow& window, int cursor, ImVec2 size) {
  const ImVec2 min = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##overview", size);
  const bool active = ImGui::IsItemActive(), hovered = ImGui::IsItemHovered();
  ImDrawList* list = ImGui::GetWindowDrawList();
  const int L = in.length();
  const int columns = std::max(1, static_cast<int>(size.x));
  auto x_of = [&](int t) { return min.x + static_cast<float>(t) / static_cast<float>(L) * size.x; };
  list->AddRectFilled(min, ImVec2(min.x + size.x, min.y + size.y), IM_COL32(0, 0, 0, 90));
  for (int c = 0; c < columns; ++c) {
    const int a = static_cast<int>(static_cast<int64_t>(c) * L / columns);
    const int b = std::max(a + 1, static_cast<int>(static_cast<int64_t>(c + 1) * L / columns));
    TokenRole best = in.roles[static_cast<size_t>(a)];
    for (int t = a; t < b && t < L; ++t)
      if (role_priority(in.roles[static_cast<size_t>(t)]) > role_priority(best)) best = in.roles[static_cast<size_t>(t)];
    const float x = min.x + static_cast<float>(c) * size.x / static_cast<float>(columns);
    list->AddRectFilled(ImVec2(x, min.y + 1), ImVec2(x + size.x / columns, min.y + size.y - 1),
                        with_alpha(role_color(best), 0.8f));
  }
  list->AddRect(ImVec2(x_of(window.first), min.y), ImVec2(std::max(x_of(window.first + window.count), x_of(window.first) + 2), min.y + size.y),
                IM_COL32(255, 255, 255, 200));
  const float xc = x_of(cursor) + 0.5f * size.x / static_cast<float>(L);
  list->AddLine(ImVec2(xc, min.y - 2), ImVec2(xc, min.y + size.y + 2), IM_COL32_WHITE, 2.0f);
  const int t_mouse = std::clamp(static_cast<int>((ImGui::GetIO().MousePos.x - min.x) / size.x * L), 0, L - 1);
  if (hovered && !active)
    ImGui::SetTooltip("whole sequence, L = %d (box: the tokens shown)\nt = %d '%s'\nclick or drag: move the cursor", L,
                      t_mouse, in.labels[static_cast<size_t>(t_mouse)].c_str());
  return active ? t_mouse : -1;
}

// One token strip: which sequence, its cursor, and where it is drawn.
struct Strip {
  const Inputs& in;
  int cursor = 0;
  std::pair<int, int> aligned{0, 0};  // bytes of the other strip's cursor token (two tokenizers)
  std::string shown_in;               // "SSM panels", "attention panels" (two tokenizers), else ""
  float height = 0.0f;                // 0: all the height left
};

// Draws a strip of token boxes (a window around the cursor, an overview bar when L is long);
// returns the position the user clicked or scrubbed to, else -1.
int draw_token_strip(const compute::Session& session, const Strip& strip, TokenLayout& layout) {
  const Inputs& in = strip.in;
  const int L = in.length();
  const int cursor = std::clamp(strip.cursor, 0, L - 1);
  const float line = ImGui::GetTextLineHeight();
  const ImVec2 header_at = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  const float legend_w = is_task(in) ? role_legend(in, header_at, false) : 0.0f;
  const bool legend_fits = legend_w > 0.0f && width - legend_w > 260.0f;
  ImGui::Dummy(ImVec2(width, line));  // the header row; its text comes once the window is known
  const ImVec2 body = ImGui::GetCursorScreenPos();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  if (strip.height > 0.0f) avail.y = std::min(avail.y, strip.height - (body.y - header_at.y));

  // Box size from the longest label (in characters, capped: "\x0a" is the widest label).
  int longest = 1;
  for (const std::string& label : in.labels) longest = std::max(longest, code_points(label));
  const float char_w = ImGui::CalcTextSize("0").x;
  layout = TokenLayout{};
  layout.origin = body;
  layout.gap = 2.0f;
  layout.box = ImVec2(std::max(ImGui::CalcTextSize("W").x, char_w * std::min(longest, 4)) + 8.0f, line + 4.0f);
  layout.per_row = std::max(1, static_cast<int>((avail.x + layout.gap) / (layout.box.x + layout.gap)));
  const float overview_h = std::max(6.0f, std::round(line * 0.45f));
  auto rows_in = [&](float h) { return std::max(1, static_cast<int>((h + layout.gap) / (layout.box.y + layout.gap))); };
  int rows = rows_in(avail.y);
  const bool windowed = L > rows * layout.per_row;
  if (windowed) rows = rows_in(avail.y - overview_h - 4.0f);
  layout.window = token_window(L, cursor, rows * layout.per_row, rows > 1 ? layout.per_row : 1);

  // Header: title and facts on the left, the role legend on the right.
  ImDrawList* list = ImGui::GetWindowDrawList();
  const std::string header = fit_text(strip_header(session, in, cursor, layout.window, strip.shown_in),
                                      width - (legend_fits ? legend_w + 12.0f : 0.0f));
  list->AddText(header_at, text_color(), header.c_str());
  if (legend_fits) role_legend(in, ImVec2(header_at.x + width - legend_w, header_at.y), true);

  const int used_rows = (layout.window.count + layout.per_row - 1) / layout.per_row;
  const ImVec2 area{avail.x, used_rows * (layout.box.y + layout.gap)};
  ImGui::SetCursorScreenPos(body);
  const bool clicked = ImGui::InvisibleButton("##tokens", ImVec2(std::max(1.0f, area.x), std::max(1.0f, area.y)));
  const int hovered = ImGui::IsItemHovered() ? token_at(layout, ImGui::GetIO().MousePos) : -1;
  for (int t = layout.window.first; t < layout.window.first + layout.window.count; ++t)
    draw_token_box(list, in, t, token_box_min(layout, t), layout.box, cursor, overlaps(in, t, strip.aligned));
  int picked = -1;
  if (hovered >= 0) {
    ImGui::SetTooltip("%s", token_tooltip(in, hovered).c_str());
    if (clicked) picked = hovered;
  }
  if (windowed) {
    ImGui::SetCursorScreenPos(ImVec2(body.x, body.y + rows * (layout.box.y + layout.gap) + 2.0f));
    const int scrub = overview_bar(in, layout.window, cursor, ImVec2(avail.x, overview_h));
    if (scrub >= 0) picked = scrub;
  }
  return picked;
}

// Bytes [first, end) of token t in the text, or an empty span when the tokens have no offsets.
std::pair<int, int> text_span(const Inputs& in, int t) {
  const auto i = static_cast<size_t>(t);
  if (t < 0 || i + 1 >= in.text_offsets.size()) return {0, 0};
  return {in.text_offsets[i], in.text_offsets[i + 1]};
}

// Two tokenizers (Results::attention_tokens): the SSM panels' strip above the attention
// panels' strip, each marking in orange the tokens that share text with the other's cursor.
void draw_aligned_strips(PanelContext& context, TokenLayout& layout, TokenLayout& other_layout) {
  const compute::Results& results = context.results;
  const compute::TokenAlignment& align = results.attention_tokens;
  ViewState& view = context.view;
  const int t = std::clamp(view.cursor, 0, results.inputs.length() - 1);
  const int s = align.other_at(t, view.attention_pick);
  const float half = 0.5f * ImGui::GetContentRegionAvail().y;
  const ImVec2 top = ImGui::GetCursorScreenPos();
  ImGui::PushID("ssm_tokens");
  const int picked = draw_token_strip(results.session, {results.inputs, t, text_span(align.other, s), "SSM panels", half},
                                      layout);
  ImGui::PopID();
  ImGui::SetCursorScreenPos(ImVec2(top.x, top.y + half));
  ImGui::PushID("attention_tokens");
  const int picked_other =
      draw_token_strip(results.session, {align.other, s, text_span(results.inputs, t), "attention panels", 0.0f},
                       other_layout);
  ImGui::PopID();
  if (picked >= 0) {
    view.cursor = picked;
    view.attention_pick = -1;
  }
  if (picked_other >= 0 && static_cast<size_t>(picked_other) < align.from_other.size()) {
    view.cursor = align.from_other[static_cast<size_t>(picked_other)];
    view.attention_pick = picked_other;
  }
}

// [SECTION] signal

// Short regions put the facts in a column left of the content, so the content gets the height.
bool compact_layout() { return ImGui::GetContentRegionAvail().y < 6.0f * ImGui::GetTextLineHeightWithSpacing(); }

// A text column of `width` with `lines`; the content goes right of it (ImGui::SameLine).
void side_column(const std::vector<std::string>& lines, float width, float height) {
  ImGui::BeginGroup();
  for (size_t i = 0; i < lines.size(); ++i) {
    if ((i + 1) * ImGui::GetTextLineHeightWithSpacing() > height + 2.0f) break;
    ImGui::TextUnformatted(fit_text(lines[i], width).c_str());
  }
  ImGui::Dummy(ImVec2(width, 0.0f));
  ImGui::EndGroup();
  ImGui::SameLine();
}

void draw_signal(PanelContext& context) {
  const Inputs& in = context.results.inputs;
  const compute::Session& session = context.results.session;
  const int L = static_cast<int>(in.signal.size());
  const int cursor = std::clamp(context.view.cursor, 0, std::max(0, L - 1));
  const std::string title = format_text("Input · signal %s · L = %d",
                                        std::string(compute::schema::enum_name(session.input.signal)).c_str(), L);
  const std::string value = L > 0 ? format_text("t = %d · x_t = %.4g", cursor, in.signal[static_cast<size_t>(cursor)]) : "";
  const std::string note = "u[t, d] = gain_d · x_t; click: move t";
  ImVec2 avail = ImGui::GetContentRegionAvail();
  if (compact_layout()) {
    const float side = std::min(320.0f, 0.3f * avail.x);
    side_column({title, value, note}, side, avail.y);
  } else {
    text_line(title + " · " + value + " · " + note);
  }
  avail = ImGui::GetContentRegionAvail();
  const Series series[] = {{"x_t", std::span<const float>(in.signal), 0}};
  LinePlotOptions options;
  options.cursor = cursor;
  options.y_label = "x";
  const PlotHover hover = line_plot("##signal", series, avail, options);
  if (hover.hovered && hover.index >= 0) {
    ImGui::SetTooltip("t = %d · x_t = %.5g\nclick: move the cursor here", hover.index,
                      in.signal[static_cast<size_t>(hover.index)]);
    if (hover.clicked) context.view.cursor = hover.index;
  }
}

// [SECTION] grid

struct GridFacts {
  const Inputs& in;
  const compute::GridConfig& grid;
  std::vector<int> steps;  // [W*H*frames] step that visits each cell
  float lo = 0.0f, hi = 1.0f;
};

std::string cell_name(const compute::GridConfig& grid, int cell) {
  const int per_frame = grid.width * grid.height;
  std::string s = format_text("(%d, %d)", cell % grid.width, cell % per_frame / grid.width);
  if (grid.frames > 1) s += format_text(" frame %d", cell / per_frame);
  return s;
}

void draw_grid_cells(ImDrawList* list, const GridFacts& facts, const GridLayout& layout, int cursor) {
  const int cells = layout.width * layout.height * layout.frames;
  for (int c = 0; c < cells; ++c) {
    const ImVec2 center = grid_cell_center(layout, c);
    const float r = 0.5f * layout.cell;
    const ImVec2 min{center.x - r, center.y - r}, max{center.x + r, center.y + r};
    const int t = facts.steps[static_cast<size_t>(c)];
    if (t < 0) {
      list->AddRectFilled(min, max, IM_COL32(128, 128, 128, 255));
      continue;
    }
    const float v = facts.in.signal[static_cast<size_t>(t)];
    list->AddRectFilled(min, max, colormap_u32(Colormap::Viridis, (v - facts.lo) / (facts.hi - facts.lo)));
    if (t > cursor) list->AddRectFilled(min, max, IM_COL32(20, 20, 24, 170));  // not visited yet: dimmed
  }
  for (int f = 0; f < layout.frames; ++f) {
    const float x = layout.origin.x + f * (layout.width * layout.cell + layout.gap);
    list->AddRect(ImVec2(x - 1, layout.origin.y - 1),
                  ImVec2(x + layout.width * layout.cell + 1, layout.origin.y + layout.height * layout.cell + 1),
                  ImGui::GetColorU32(ImGuiCol_Border));
  }
}

// The scan path through the cell centers: bright up to t, faint after; a dot where it starts.
void draw_scan_path(ImDrawList* list, const Inputs& in, const GridLayout& layout, int cursor) {
  const int L = static_cast<int>(in.scan_order.size());
  if (layout.cell >= 3.0f) {
    std::vector<ImVec2> points(static_cast<size_t>(L));
    for (int t = 0; t < L; ++t) points[static_cast<size_t>(t)] = grid_cell_center(layout, in.scan_order[static_cast<size_t>(t)]);
    const int done = std::min(cursor + 1, L);
    if (L - done + 1 >= 2)
      list->AddPolyline(points.data() + done - 1, L - done + 1, IM_COL32(255, 255, 255, 70), ImDrawFlags_None, 1.0f);
    if (done >= 2) list->AddPolyline(points.data(), done, IM_COL32(255, 255, 255, 230), ImDrawFlags_None, 2.0f);
    list->AddCircleFilled(points[0], std::max(2.0f, 0.25f * layout.cell), IM_COL32(255, 255, 255, 230));
  }
  const ImVec2 c = grid_cell_center(layout, in.scan_order[static_cast<size_t>(cursor)]);
  const float r = std::max(2.5f, 0.5f * layout.cell + 1.0f);
  list->AddRect(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), IM_COL32(213, 94, 0, 255), 0.0f, 0, 2.5f);
}

// Legend right of the frames: what the path, the brightness and the square mean, the value scale.
void grid_legend(const GridFacts& facts, ImVec2 at, float width) {
  ImDrawList* list = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float bar_w = std::min(90.0f, 0.4f * width);
  const std::string lo = format_text("%.3g", facts.lo), hi = format_text("%.3g", facts.hi);
  for (int i = 0; i < 32; ++i) {
    const float x0 = at.x + bar_w * i / 32.0f, x1 = at.x + bar_w * (i + 1) / 32.0f;
    list->AddRectFilled(ImVec2(x0, at.y + 3), ImVec2(x1, at.y + line - 5), colormap_u32(Colormap::Viridis, i / 31.0f));
  }
  list->AddText(ImVec2(at.x + bar_w + 6, at.y), text_color(true),
                fit_text("cell value " + lo + " … " + hi, width - bar_w - 6).c_str());
  list->AddLine(ImVec2(at.x, at.y + 1.5f * line), ImVec2(at.x + 24, at.y + 1.5f * line), IM_COL32(255, 255, 255, 230), 1.5f);
  list->AddText(ImVec2(at.x + 30, at.y + line), text_color(true),
                fit_text("scan path (bright: visited, t' ≤ t)", width - 30).c_str());
  list->AddRect(ImVec2(at.x + 6, at.y + 2 * line + 3), ImVec2(at.x + 16, at.y + 3 * line - 5), IM_COL32(213, 94, 0, 255), 0.0f, 0, 2.0f);
  list->AddText(ImVec2(at.x + 30, at.y + 2 * line), text_color(true), fit_text("cell read at t", width - 30).c_str());
}

void draw_grid(PanelContext& context, GridLayout& layout) {
  const Inputs& in = context.results.inputs;
  const compute::GridConfig& grid = context.results.session.input.grid;
  const int cells = grid.width * grid.height * grid.frames;
  const int L = static_cast<int>(in.scan_order.size());
  const int cursor = std::clamp(context.view.cursor, 0, L - 1);
  GridFacts facts{in, grid, visit_steps(in.scan_order, cells)};
  const auto [lo_it, hi_it] = std::minmax_element(in.signal.begin(), in.signal.end());
  facts.lo = *lo_it;
  facts.hi = *hi_it > *lo_it ? *hi_it : *lo_it + 1.0f;
  const int here = in.scan_order[static_cast<size_t>(cursor)];
  const std::string title = format_text("Input · grid %d×%d%s · %s", grid.width, grid.height,
                                        grid.frames > 1 ? format_text(" × %d frames", grid.frames).c_str() : "",
                                        std::string(compute::schema::enum_name(grid.pattern)).c_str());
  std::string order = format_text("scan %s", std::string(compute::schema::enum_name(grid.order)).c_str());
  if (grid.frames > 1) order += format_text(", %s", std::string(compute::schema::enum_name(grid.video_order)).c_str());
  order += format_text(" · L = %d", L);
  const std::string now = format_text("t = %d → cell %s · value %.3g", cursor, cell_name(grid, here).c_str(),
                                      in.signal[static_cast<size_t>(cursor)]);

  ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool compact = compact_layout();
  if (compact) side_column({title, now, order}, std::min(300.0f, 0.28f * avail.x), avail.y);
  else text_line(title + " · " + order + " · " + now);
  avail = ImGui::GetContentRegionAvail();
  const float legend_w = std::min(300.0f, 0.3f * avail.x);
  layout = GridLayout{};
  layout.width = grid.width, layout.height = grid.height, layout.frames = grid.frames;
  const float frame_label = compact ? 0.0f : ImGui::GetTextLineHeight() + 2.0f;
  const float fit_w = (avail.x - legend_w - 8.0f) / (grid.frames * grid.width + 0.5f * (grid.frames - 1));
  layout.cell = std::max(1.0f, std::floor(std::min((avail.y - frame_label - 2.0f) / grid.height, fit_w)));
  layout.gap = std::max(4.0f, 0.5f * layout.cell * grid.width / 4.0f);
  layout.gap = std::min(layout.gap, 0.5f * layout.cell * grid.width);
  const ImVec2 start = ImGui::GetCursorScreenPos();
  layout.origin = ImVec2(start.x + 1.0f, start.y + frame_label + 1.0f);
  const float grid_w = grid.frames * grid.width * layout.cell + (grid.frames - 1) * layout.gap;
  ImDrawList* list = ImGui::GetWindowDrawList();
  if (!compact)
    for (int f = 0; f < grid.frames && grid.frames > 1; ++f)
      list->AddText(ImVec2(layout.origin.x + f * (grid.width * layout.cell + layout.gap), start.y), text_color(true),
                    format_text("frame %d", f).c_str());
  ImGui::SetCursorScreenPos(layout.origin);
  const bool clicked = ImGui::InvisibleButton("##grid", ImVec2(grid_w, grid.height * layout.cell));
  const bool hovered = ImGui::IsItemHovered();
  draw_grid_cells(list, facts, layout, cursor);
  draw_scan_path(list, in, layout, cursor);
  if (avail.x - grid_w - 16.0f > 120.0f)
    grid_legend(facts, ImVec2(layout.origin.x + grid_w + 16.0f, start.y), avail.x - grid_w - 20.0f);
  const int cell = hovered ? grid_cell_at(layout, ImGui::GetIO().MousePos) : -1;
  if (cell >= 0) {
    const int t = facts.steps[static_cast<size_t>(cell)];
    if (t >= 0) {
      ImGui::SetTooltip("cell %s\nvalue %.4g\nvisited at t = %d%s\nclick: move the cursor there", cell_name(grid, cell).c_str(),
                        in.signal[static_cast<size_t>(t)], t, t <= cursor ? " (already read)" : " (not read yet)");
      if (clicked) context.view.cursor = t;
    }
  }
}

}  // namespace

// [SECTION] draw

void TokensPanel::draw(PanelContext& context) {
  const Inputs& in = context.results.inputs;
  if (in.length() == 0 || in.labels.size() < static_cast<size_t>(in.length())) {
    text_line("Input · (empty)", true);
    return;
  }
  if (!in.scan_order.empty()) draw_grid(context, grid_layout_);
  else if (in.tokens.empty()) draw_signal(context);
  else if (context.results.attention_tokens.active()) draw_aligned_strips(context, token_layout_, other_layout_);
  else {
    const int picked = draw_token_strip(context.results.session, {in, context.view.cursor}, token_layout_);
    if (picked >= 0) context.view.cursor = picked;
  }
}

}  // namespace seqscope::viz
