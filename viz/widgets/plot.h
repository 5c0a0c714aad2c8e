// Plot widgets on ImDrawList (ImPlot is not packaged in Debian): line plots over t with a
// cursor, bar charts with labels, scatter plots on the complex plane, log-log plots. Each
// reserves its item, draws a frame, axis labels with values, and reports the hovered index.
//
// Sections: Series / LinePlot, BarChart, ComplexPlane, LogLogPlot.
#pragma once
#include <imgui.h>

#include <complex>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace seqscope::viz {

// Distinct, colorblind-safe line colors (Okabe-Ito), as ImGui packed colors.
uint32_t series_color(int index);

struct Series {
  std::string label;
  std::span<const float> values;  // y at x = 0, 1, 2, ...
  uint32_t color = 0;             // 0: series_color(index)
};

struct LinePlotOptions {
  int cursor = -1;           // vertical line at this x, with the values there in the legend
  float y_min = 0.0f, y_max = 0.0f;  // fixed y range when y_min < y_max; else from the data
  bool symmetric = false;    // data range made symmetric around 0
  const char* x_label = "t";
  int64_t x_first = 0;  // the tick under x index 0 (e.g. 1 for training steps 1, 2, ...)
  const char* y_label = "";
  // Labels under x = 0..n-1 (e.g. tokens), shown instead of the index ticks when every one
  // fits in its slot; the one at the cursor is highlighted.
  std::span<const std::string> x_labels;
  // False: no x tick labels and no room kept for them (stacked plots sharing one x axis show
  // it under the bottom plot only).
  bool x_ticks = true;
};

struct PlotHover {
  bool hovered = false;
  bool clicked = false;
  int index = -1;  // x index (line plots, bars) or point index (scatter)
};

// Lines over x = 0..n-1 with a legend; clicking moves nothing by itself (see PlotHover::clicked).
PlotHover line_plot(const char* id, std::span<const Series> series, ImVec2 size, const LinePlotOptions& options);

// Bars over x = 0..n-1, optional labels under each (shown when they fit), a highlighted bar.
PlotHover bar_chart(const char* id, std::span<const float> values, std::span<const std::string> labels,
                    int highlight, ImVec2 size, float y_max = 0.0f);

struct ComplexPlaneOptions {
  bool unit_circle = false;       // discrete eigenvalues: |z| = 1 is the stability boundary
  bool shade_left_half = false;   // continuous eigenvalues: Re < 0 is stable
  float extent = 0.0f;            // half-width of the view; 0: from the data
};

// Points z_i on the complex plane with axes and the stability region marked.
PlotHover complex_plane(const char* id, std::span<const std::complex<float>> points, ImVec2 size,
                        const ComplexPlaneOptions& options);

struct LogLogSeries {
  std::string label;
  std::vector<double> x, y;
  uint32_t color = 0;
  bool markers = false;
};

// Log-log axes with decade ticks.
void log_log_plot(const char* id, std::span<const LogLogSeries> series, ImVec2 size, const char* x_label,
                  const char* y_label);

// "1.23k", "4.5M" style numbers for axis labels.
std::string format_si(double value);

}  // namespace seqscope::viz
