// Plot widgets: a frame with margins for tick labels, data mapped into it, hover readouts.
//
// Index (each part starts at a "// [SECTION] name" line):
//   line_plot
//   bar_chart
//   complex_plane
//   log_log_plot
#include "viz/widgets/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "viz/widgets/text_fit.h"

namespace seqscope::viz {
namespace {

// An integer thickness lets ImGui draw anti-aliased lines from its font texture: 2 triangles a
// segment instead of 6, which is most of a plot's cost on lavapipe (docs/rendering.md).
constexpr float k_series_thickness = 2.0f;
constexpr uint32_t k_okabe_ito[] = {0xE69F00, 0x56B4E9, 0x009E73, 0xF0E442, 0x0072B2, 0xD55E00, 0xCC79A7};

struct Frame {
  ImVec2 min, max;  // the data area
  float width() const { return max.x - min.x; }
  float height() const { return max.y - min.y; }
};

uint32_t text_color() { return ImGui::GetColorU32(ImGuiCol_Text); }
uint32_t dim_color() { return ImGui::GetColorU32(ImGuiCol_TextDisabled); }
uint32_t grid_color() { return IM_COL32(255, 255, 255, 28); }

// Reserves the item and returns the data frame inside the label margins.
Frame reserve(const char* id, ImVec2 size, float left_margin, float bottom_margin, PlotHover* hover) {
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const bool clicked = ImGui::InvisibleButton(id, ImVec2(std::max(size.x, 40.0f), std::max(size.y, 30.0f)));
  if (hover) {
    hover->hovered = ImGui::IsItemHovered();
    hover->clicked = clicked;
  }
  Frame frame{ImVec2(origin.x + left_margin, origin.y + 2.0f),
              ImVec2(origin.x + std::max(size.x, 40.0f) - 4.0f, origin.y + std::max(size.y, 30.0f) - bottom_margin)};
  ImDrawList* list = ImGui::GetWindowDrawList();
  list->AddRectFilled(frame.min, frame.max, IM_COL32(0, 0, 0, 60));
  list->AddRect(frame.min, frame.max, ImGui::GetColorU32(ImGuiCol_Border));
  return frame;
}

void y_tick(ImDrawList* list, const Frame& f, float y, const char* label) {
  const ImVec2 size = ImGui::CalcTextSize(label);
  const float clamped = std::clamp(y - size.y * 0.5f, f.min.y - 2.0f, f.max.y - size.y + 2.0f);
  list->AddText(ImVec2(f.min.x - size.x - 4.0f, clamped), dim_color(), label);
}

std::string format_value(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", v);
  return text;
}

std::pair<float, float> data_range(std::span<const Series> series, const LinePlotOptions& options) {
  if (options.y_min < options.y_max) return {options.y_min, options.y_max};
  float lo = std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::lowest();
  for (const Series& s : series)
    for (float v : s.values)
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
  if (lo > hi) return {-1.0f, 1.0f};
  if (options.symmetric) {
    const float m = std::max(std::abs(lo), std::abs(hi));
    lo = -m;
    hi = m;
  }
  if (hi - lo < 1e-12f) {  // a constant: centred, ±50 % of its value (±0.5 around 0)
    const float half = std::abs(hi) > 1e-12f ? 0.5f * std::abs(hi) : 0.5f;
    lo -= half;
    hi += half;
  }
  const float pad = 0.05f * (hi - lo);
  return {lo - pad, hi + pad};
}

}  // namespace

uint32_t series_color(int index) {
  const uint32_t rgb = k_okabe_ito[static_cast<size_t>(index) % std::size(k_okabe_ito)];
  return IM_COL32((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, 255);
}

std::string format_si(double value) {
  const double a = std::abs(value);
  const char* suffix = "";
  double scaled = value;
  if (a >= 1e12) scaled = value / 1e12, suffix = "T";
  else if (a >= 1e9) scaled = value / 1e9, suffix = "G";
  else if (a >= 1e6) scaled = value / 1e6, suffix = "M";
  else if (a >= 1e3) scaled = value / 1e3, suffix = "k";
  char text[32];
  std::snprintf(text, sizeof text, "%.3g%s", scaled, suffix);
  return text;
}

// [SECTION] line_plot

PlotHover line_plot(const char* id, std::span<const Series> series, ImVec2 size, const LinePlotOptions& options) {
  PlotHover hover;
  const auto [lo, hi] = data_range(series, options);
  // The margin fits the y tick labels, however many digits they need.
  const float left = std::max({ImGui::CalcTextSize("-0.000").x, ImGui::CalcTextSize(format_value(hi).c_str()).x,
                               ImGui::CalcTextSize(format_value(lo).c_str()).x}) + 8.0f;
  const float bottom = options.x_ticks ? ImGui::GetTextLineHeight() + 4.0f : 2.0f;
  const Frame f = reserve(id, size, left, bottom, &hover);
  ImDrawList* list = ImGui::GetWindowDrawList();
  size_t n = 0;
  for (const Series& s : series) n = std::max(n, s.values.size());
  if (n == 0) {
    list->AddText(ImVec2(f.min.x + 6, f.min.y + 4), dim_color(), "no data");
    return hover;
  }
  auto x_of = [&](size_t i) { return f.min.x + (n == 1 ? 0.5f : static_cast<float>(i) / (n - 1)) * f.width(); };
  auto y_of = [&](float v) { return f.max.y - (std::clamp(v, lo, hi) - lo) / (hi - lo) * f.height(); };
  if (lo < 0.0f && hi > 0.0f) list->AddLine(ImVec2(f.min.x, y_of(0)), ImVec2(f.max.x, y_of(0)), grid_color());
  list->PushClipRect(f.min, f.max, true);
  for (size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    const uint32_t color = s.color ? s.color : series_color(static_cast<int>(k));
    // At most ~2 points per pixel: long sequences are drawn as min/max envelopes per column.
    const size_t step = std::max<size_t>(1, s.values.size() / std::max<size_t>(1, static_cast<size_t>(f.width())));
    std::vector<ImVec2> line;
    line.reserve(s.values.size() / step + 1);
    for (size_t i = 0; i < s.values.size(); i += step) {
      float v = s.values[i];
      if (step > 1) {
        float vmin = v, vmax = v;
        for (size_t j = i; j < std::min(s.values.size(), i + step); ++j) {
          vmin = std::min(vmin, s.values[j]);
          vmax = std::max(vmax, s.values[j]);
        }
        list->AddLine(ImVec2(x_of(i), y_of(vmin)), ImVec2(x_of(i), y_of(vmax)), color, 1.0f);
      }
      line.emplace_back(x_of(i), y_of(v));
    }
    list->AddPolyline(line.data(), static_cast<int>(line.size()), color, ImDrawFlags_None, k_series_thickness);
    if (s.values.size() == 1) list->AddCircleFilled(ImVec2(x_of(0), y_of(s.values[0])), 3.0f, color);
  }
  if (options.cursor >= 0 && static_cast<size_t>(options.cursor) < n)
    list->AddLine(ImVec2(x_of(options.cursor), f.min.y), ImVec2(x_of(options.cursor), f.max.y),
                  IM_COL32(255, 255, 255, 160), 1.0f);
  list->PopClipRect();

  y_tick(list, f, f.min.y, format_value(hi).c_str());
  if (f.height() >= 2.0f * ImGui::GetTextLineHeight()) y_tick(list, f, f.max.y, format_value(lo).c_str());
  const float slot = n > 1 ? f.width() / static_cast<float>(n - 1) : f.width();
  bool labels_fit = options.x_labels.size() == n;
  for (size_t i = 0; labels_fit && i < n; ++i) labels_fit = ImGui::CalcTextSize(options.x_labels[i].c_str()).x <= slot - 2.0f;
  if (options.x_ticks && labels_fit) {
    for (size_t i = 0; i < n; ++i) {
      const char* label = options.x_labels[i].c_str();
      const bool at_cursor = static_cast<int>(i) == options.cursor;
      const float w = ImGui::CalcTextSize(label).x;
      // Centered under its x, but kept inside the plot item at both ends.
      const float x = std::clamp(x_of(i) - 0.5f * w, f.min.x - left + 2.0f, f.max.x + 4.0f - w);
      list->AddText(ImVec2(x, f.max.y + 2.0f), at_cursor ? text_color() : dim_color(), label);
    }
  } else if (options.x_ticks) {
    const std::string first = std::to_string(options.x_first);
    const std::string last = std::to_string(options.x_first + static_cast<int64_t>(n) - 1);
    list->AddText(ImVec2(f.min.x, f.max.y + 2.0f), dim_color(), first.c_str());
    list->AddText(ImVec2(f.max.x - ImGui::CalcTextSize(last.c_str()).x, f.max.y + 2.0f), dim_color(), last.c_str());
    const char* x_label = options.x_label ? options.x_label : "";
    list->AddText(ImVec2(0.5f * (f.min.x + f.max.x) - ImGui::CalcTextSize(x_label).x * 0.5f, f.max.y + 2.0f),
                  dim_color(), x_label);
  }

  // Legend (top left, inside), with the values at the cursor, each line elided to the plot's
  // width, on a dark backing so that a line under it does not cross the text.
  float legend_y = f.min.y + 2.0f;
  const float text_w = f.max.x - (f.min.x + 16.0f) - 2.0f;
  for (size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    if (s.label.empty()) continue;
    std::string text = s.label;
    if (options.cursor >= 0 && static_cast<size_t>(options.cursor) < s.values.size())
      text += " = " + format_value(s.values[static_cast<size_t>(options.cursor)]);
    text = fit_text(text, text_w);
    const uint32_t color = s.color ? s.color : series_color(static_cast<int>(k));
    list->AddRectFilled(ImVec2(f.min.x + 1, legend_y), ImVec2(f.min.x + 20 + ImGui::CalcTextSize(text.c_str()).x,
                                                              legend_y + ImGui::GetTextLineHeight()),
                        IM_COL32(16, 16, 20, 170));
    list->AddRectFilled(ImVec2(f.min.x + 4, legend_y + 4), ImVec2(f.min.x + 12, legend_y + 12), color);
    list->AddText(ImVec2(f.min.x + 16, legend_y), text_color(), text.c_str());
    legend_y += ImGui::GetTextLineHeight();
  }
  if (hover.hovered) {
    const float mx = ImGui::GetIO().MousePos.x;
    hover.index = std::clamp(static_cast<int>(std::lround((mx - f.min.x) / std::max(1.0f, f.width()) * (n - 1))), 0,
                             static_cast<int>(n) - 1);
  }
  return hover;
}

// [SECTION] bar_chart

PlotHover bar_chart(const char* id, std::span<const float> values, std::span<const std::string> labels,
                    int highlight, ImVec2 size, float y_max) {
  PlotHover hover;
  float top = y_max;
  if (top <= 0.0f)
    for (float v : values) top = std::max(top, std::isfinite(v) ? v : 0.0f);
  if (top <= 0.0f) top = 1.0f;
  // The margin fits the top tick label, however many digits it needs (e.g. 0.000337).
  const std::string top_label = format_value(top);
  const float left =
      std::max(ImGui::CalcTextSize("0.000").x, ImGui::CalcTextSize(top_label.c_str()).x) + 8.0f;
  const float bottom = ImGui::GetTextLineHeight() + 4.0f;
  const Frame f = reserve(id, size, left, bottom, &hover);
  ImDrawList* list = ImGui::GetWindowDrawList();
  const size_t n = values.size();
  if (n == 0) return hover;
  const float bar_w = f.width() / static_cast<float>(n);
  list->PushClipRect(f.min, ImVec2(f.max.x, f.max.y + bottom), true);
  auto bar_height = [&](float v) { return (std::isfinite(v) ? std::clamp(v, 0.0f, top) : 0.0f) / top * f.height(); };
  if (bar_w < 1.0f) {  // more bars than pixels: each pixel column shows the largest of its bars
    const size_t columns = static_cast<size_t>(std::max(1.0f, f.width()));
    for (size_t c = 0; c < columns; ++c) {
      float v = 0.0f;
      for (size_t i = c * n / columns; i < (c + 1) * n / columns; ++i) v = std::max(v, std::isfinite(values[i]) ? values[i] : 0.0f);
      const float x = f.min.x + static_cast<float>(c);
      if (v > 0.0f) list->AddRectFilled(ImVec2(x, f.max.y - bar_height(v)), ImVec2(x + 1.0f, f.max.y), series_color(1));
    }
    if (highlight >= 0 && static_cast<size_t>(highlight) < n) {
      const float x = f.min.x + static_cast<float>(highlight) * bar_w;
      list->AddRectFilled(ImVec2(x, f.max.y - bar_height(values[static_cast<size_t>(highlight)])), ImVec2(x + 1.0f, f.max.y),
                          IM_COL32(255, 255, 255, 230));
    }
  }
  for (size_t i = 0; bar_w >= 1.0f && i < n; ++i) {
    const float v = std::isfinite(values[i]) ? std::clamp(values[i], 0.0f, top) : 0.0f;
    const float x0 = f.min.x + i * bar_w, x1 = x0 + std::max(1.0f, bar_w - (bar_w > 4 ? 1.0f : 0.0f));
    const uint32_t color = static_cast<int>(i) == highlight ? IM_COL32(255, 255, 255, 230) : series_color(1);
    list->AddRectFilled(ImVec2(x0, f.max.y - v / top * f.height()), ImVec2(x1, f.max.y), color);
    // Labels only where every label fits.
    if (i < labels.size() && bar_w >= ImGui::CalcTextSize("W").x + 2.0f) {
      const ImVec2 ts = ImGui::CalcTextSize(labels[i].c_str());
      if (ts.x <= bar_w + 2.0f)
        list->AddText(ImVec2(x0 + 0.5f * (bar_w - ts.x), f.max.y + 2.0f),
                      static_cast<int>(i) == highlight ? text_color() : dim_color(), labels[i].c_str());
    }
  }
  list->PopClipRect();
  y_tick(list, f, f.min.y, top_label.c_str());
  y_tick(list, f, f.max.y, "0");
  if (hover.hovered)
    hover.index = std::clamp(static_cast<int>((ImGui::GetIO().MousePos.x - f.min.x) / bar_w), 0, static_cast<int>(n) - 1);
  return hover;
}

// [SECTION] complex_plane

PlotHover complex_plane(const char* id, std::span<const std::complex<float>> points, ImVec2 size,
                        const ComplexPlaneOptions& options) {
  PlotHover hover;
  const float bottom = ImGui::GetTextLineHeight() + 4.0f;
  const float left = ImGui::CalcTextSize("-00.0").x + 8.0f;
  const float side = std::min(size.x - left - 4.0f, size.y - bottom - 2.0f);
  const Frame f = reserve(id, ImVec2(side + left + 4.0f, side + bottom + 2.0f), left, bottom, &hover);
  ImDrawList* list = ImGui::GetWindowDrawList();
  float extent = options.extent;
  if (extent <= 0.0f) {
    extent = options.unit_circle ? 1.1f : 0.0f;
    for (const auto& z : points)
      if (std::isfinite(z.real()) && std::isfinite(z.imag()))
        extent = std::max({extent, std::abs(z.real()) * 1.1f, std::abs(z.imag()) * 1.1f});
    if (extent <= 0.0f) extent = 1.0f;
  }
  const ImVec2 center{0.5f * (f.min.x + f.max.x), 0.5f * (f.min.y + f.max.y)};
  const float scale = 0.5f * f.width() / extent;
  auto to_screen = [&](std::complex<float> z) {
    return ImVec2(center.x + z.real() * scale, center.y - z.imag() * scale);
  };
  list->PushClipRect(f.min, f.max, true);
  if (options.shade_left_half) list->AddRectFilled(f.min, ImVec2(center.x, f.max.y), IM_COL32(0, 158, 115, 40));
  list->AddLine(ImVec2(f.min.x, center.y), ImVec2(f.max.x, center.y), grid_color());
  list->AddLine(ImVec2(center.x, f.min.y), ImVec2(center.x, f.max.y), grid_color());
  if (options.unit_circle) {
    list->AddCircleFilled(center, scale, IM_COL32(0, 158, 115, 30));  // segments from the radius
    list->AddCircle(center, scale, IM_COL32(255, 255, 255, 120), 0, 1.0f);
  }
  for (size_t i = 0; i < points.size(); ++i) {
    const auto& z = points[i];
    if (!std::isfinite(z.real()) || !std::isfinite(z.imag())) continue;
    const bool outside = options.unit_circle ? std::abs(z) > 1.0f : (options.shade_left_half && z.real() > 0.0f);
    list->AddCircleFilled(to_screen(z), 3.0f, outside ? IM_COL32(213, 94, 0, 255) : series_color(1));
  }
  list->PopClipRect();
  // A plane shorter than two lines (a squeezed panel) keeps the top label alone, like line_plot.
  const bool tall = f.height() >= 2.0f * ImGui::GetTextLineHeight();
  y_tick(list, f, f.min.y, format_value(extent).c_str());
  if (tall) y_tick(list, f, f.max.y, format_value(-extent).c_str());
  const std::string re_lo = format_value(-extent), re_hi = format_value(extent);
  // Both Re tick labels only when they fit side by side; else the right one alone.
  if (ImGui::CalcTextSize(re_lo.c_str()).x + ImGui::CalcTextSize(re_hi.c_str()).x + 8.0f < f.width())
    list->AddText(ImVec2(f.min.x, f.max.y + 2.0f), dim_color(), re_lo.c_str());
  list->AddText(ImVec2(f.max.x - ImGui::CalcTextSize(re_hi.c_str()).x, f.max.y + 2.0f), dim_color(), re_hi.c_str());
  // "Re" only where it clears both tick labels (small planes would overlap them).
  if (ImGui::CalcTextSize(re_lo.c_str()).x + ImGui::CalcTextSize(re_hi.c_str()).x + ImGui::CalcTextSize("Re").x + 12.0f <
      f.width())
    list->AddText(ImVec2(center.x - ImGui::CalcTextSize("Re").x * 0.5f, f.max.y + 2.0f), dim_color(), "Re");
  if (tall) list->AddText(ImVec2(f.min.x + 3.0f, f.min.y + 2.0f), dim_color(), "Im");
  if (hover.hovered) {
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    float best = 64.0f;  // within 8 px
    for (size_t i = 0; i < points.size(); ++i) {
      const ImVec2 p = to_screen(points[i]);
      const float d = (p.x - mouse.x) * (p.x - mouse.x) + (p.y - mouse.y) * (p.y - mouse.y);
      if (d < best) best = d, hover.index = static_cast<int>(i);
    }
  }
  return hover;
}

// [SECTION] log_log_plot

void log_log_plot(const char* id, std::span<const LogLogSeries> series, ImVec2 size, const char* x_label,
                  const char* y_label) {
  const float left = ImGui::CalcTextSize("1e+00").x + 8.0f;
  const float bottom = ImGui::GetTextLineHeight() + 4.0f;
  const Frame f = reserve(id, size, left, bottom, nullptr);
  ImDrawList* list = ImGui::GetWindowDrawList();
  double x_lo = 1e300, x_hi = 0, y_lo = 1e300, y_hi = 0;
  for (const auto& s : series)
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i)
      if (s.x[i] > 0 && s.y[i] > 0) {
        x_lo = std::min(x_lo, s.x[i]), x_hi = std::max(x_hi, s.x[i]);
        y_lo = std::min(y_lo, s.y[i]), y_hi = std::max(y_hi, s.y[i]);
      }
  if (x_hi <= 0 || y_hi <= 0) {
    list->AddText(ImVec2(f.min.x + 6, f.min.y + 4), dim_color(), "no data");
    return;
  }
  const double lx0 = std::floor(std::log10(x_lo)), lx1 = std::max(lx0 + 1, std::ceil(std::log10(x_hi)));
  const double ly0 = std::floor(std::log10(y_lo)), ly1 = std::max(ly0 + 1, std::ceil(std::log10(y_hi)));
  auto px = [&](double x) { return f.min.x + static_cast<float>((std::log10(x) - lx0) / (lx1 - lx0)) * f.width(); };
  auto py = [&](double y) { return f.max.y - static_cast<float>((std::log10(y) - ly0) / (ly1 - ly0)) * f.height(); };
  // Decade grid and labels (every other decade when crowded).
  const float decade_px = f.height() / static_cast<float>(ly1 - ly0);
  const int y_every = std::max(1, static_cast<int>(std::ceil(ImGui::GetTextLineHeight() * 1.1f / decade_px)));
  for (double d = ly0; d <= ly1; d += 1) {
    const float y = py(std::pow(10.0, d));
    list->AddLine(ImVec2(f.min.x, y), ImVec2(f.max.x, y), grid_color());
    if (static_cast<int>(d - ly0) % y_every == 0) y_tick(list, f, y, format_si(std::pow(10.0, d)).c_str());
  }
  for (double d = lx0; d <= lx1; d += 1) {
    const float x = px(std::pow(10.0, d));
    list->AddLine(ImVec2(x, f.min.y), ImVec2(x, f.max.y), grid_color());
    const std::string label = format_si(std::pow(10.0, d));
    const float w = ImGui::CalcTextSize(label.c_str()).x;
    list->AddText(ImVec2(std::clamp(x - 0.5f * w, f.min.x, f.max.x - w), f.max.y + 2.0f), dim_color(), label.c_str());
  }
  list->PushClipRect(f.min, f.max, true);
  for (size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    const uint32_t color = s.color ? s.color : series_color(static_cast<int>(k));
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (s.x[i] <= 0 || s.y[i] <= 0) continue;
      const ImVec2 p{px(s.x[i]), py(s.y[i])};
      if (s.markers) list->AddCircleFilled(p, 3.0f, color);
      if (i > 0 && s.x[i - 1] > 0 && s.y[i - 1] > 0)
        list->AddLine(ImVec2(px(s.x[i - 1]), py(s.y[i - 1])), p, color, k_series_thickness);
    }
  }
  list->PopClipRect();
  // The legend (series with a label) in the top-left corner, which rising lines leave empty, on a
  // dark backing so a line under it does not cross the text; only when it leaves 30 % of the
  // plot's height free.
  float legend_w = 0.0f;
  int entries = 0;
  for (const auto& s : series)
    if (!s.label.empty()) legend_w = std::max(legend_w, ImGui::CalcTextSize(s.label.c_str()).x), ++entries;
  const float line = ImGui::GetTextLineHeight();
  if (entries > 0 && line * static_cast<float>(entries) <= 0.7f * f.height()) {
    const ImVec2 box_min(f.min.x + 1.0f, f.min.y + 1.0f);
    const ImVec2 box_max(std::min(f.max.x - 1.0f, f.min.x + 20.0f + legend_w), f.min.y + 4.0f + line * entries);
    list->AddRectFilled(box_min, box_max, IM_COL32(16, 16, 20, 170));
    float legend_y = f.min.y + 2.0f;
    for (size_t k = 0; k < series.size(); ++k) {
      if (series[k].label.empty()) continue;
      const uint32_t color = series[k].color ? series[k].color : series_color(static_cast<int>(k));
      list->AddRectFilled(ImVec2(f.min.x + 4, legend_y + 4), ImVec2(f.min.x + 12, legend_y + 12), color);
      list->AddText(ImVec2(f.min.x + 16, legend_y), text_color(),
                    fit_text(series[k].label, f.max.x - (f.min.x + 16.0f) - 2.0f).c_str());
      legend_y += line;
    }
  }
  const std::string axes = std::string(y_label) + " vs " + x_label;
  list->AddText(ImVec2(f.max.x - ImGui::CalcTextSize(axes.c_str()).x - 4.0f, f.max.y - ImGui::GetTextLineHeight() - 2.0f),
                dim_color(), axes.c_str());
}

}  // namespace seqscope::viz
