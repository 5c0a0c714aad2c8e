// The GPU heatmap, rendered offscreen on the test device: every cell lands where it should
// (row 0 at the top), with the colormap entry the CPU tables give; strides, log scale and
// non-finite values behave as documented; the ImGui clip rectangle is respected.
#include <gtest/gtest.h>
#include <imgui.h>

#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <vector>

#include "gpu/buffer.h"
#include "tests/support/vk_test_context.h"
#include "viz/render/headless_ui.h"
#include "viz/widgets/colormap.h"

namespace seqscope::viz {
namespace {

constexpr uint32_t k_width = 320, k_height = 200;
constexpr float k_cell = 30.0f;  // pixels per cell
const ImVec2 k_origin{10.0f, 20.0f};

struct Rgb8 {
  int r, g, b;
};

Rgb8 pixel(const Image& image, float x, float y) {
  const size_t i = (static_cast<size_t>(y) * image.width + static_cast<size_t>(x)) * 4;
  return {image.rgba[i], image.rgba[i + 1], image.rgba[i + 2]};
}

Rgb8 expected(Colormap map, float t) {
  const Rgba c = colormap_at(map, t);
  return {static_cast<int>(std::lround(c.r * 255)), static_cast<int>(std::lround(c.g * 255)),
          static_cast<int>(std::lround(c.b * 255))};
}

void expect_color(Rgb8 actual, Rgb8 wanted, const std::string& where) {
  EXPECT_NEAR(actual.r, wanted.r, 1) << where;
  EXPECT_NEAR(actual.g, wanted.g, 1) << where;
  EXPECT_NEAR(actual.b, wanted.b, 1) << where;
}

class HeatmapRender : public ::testing::Test {
 protected:
  HeatmapRender() : ui_(testing::test_context()) {}
  // Draws `view` at k_origin with cells of k_cell pixels on the background list.
  Image render(const HeatmapView& view, ImVec4 clip = ImVec4(0, 0, k_width, k_height)) {
    return ui_.render(k_width, k_height, [&] {
      ImDrawList* list = ImGui::GetBackgroundDrawList();
      list->PushClipRect(ImVec2(clip.x, clip.y), ImVec2(clip.z, clip.w));
      ui_.renderer().heatmaps().draw(list, view, k_origin,
                                     ImVec2(k_origin.x + view.cols * k_cell, k_origin.y + view.rows * k_cell));
      list->PopClipRect();
    });
  }
  std::unique_ptr<gpu::GpuBuffer> upload(const std::vector<float>& values) {
    auto buffer = std::make_unique<gpu::GpuBuffer>(testing::test_context(), values.size() * sizeof(float));
    buffer->upload(values);
    return buffer;
  }
  ImVec2 center(uint32_t row, uint32_t col) const {
    return {k_origin.x + (col + 0.5f) * k_cell, k_origin.y + (row + 0.5f) * k_cell};
  }
  HeadlessUi ui_;
};

TEST_F(HeatmapRender, EveryCellHasItsColormapColor) {
  // values: [3, 4], increasing along the rows, so an upside-down or transposed draw is caught.
  std::vector<float> values(12);
  for (int i = 0; i < 12; ++i) values[i] = static_cast<float>(i);
  auto buffer = upload(values);
  HeatmapView view{buffer.get(), 3, 4, 0, 4, 1, 0.0f, 11.0f, Colormap::Viridis, false};
  const Image image = render(view);
  for (uint32_t r = 0; r < 3; ++r)
    for (uint32_t c = 0; c < 4; ++c) {
      const ImVec2 p = center(r, c);
      expect_color(pixel(image, p.x, p.y), expected(Colormap::Viridis, values[r * 4 + c] / 11.0f),
                   "cell " + std::to_string(r) + "," + std::to_string(c));
    }
}

TEST_F(HeatmapRender, StridedViewShowsTheTranspose) {
  // The same [3, 4] buffer seen as [4, 3] with row_stride 1, col_stride 4: cell (r, c) = values[c*4 + r].
  std::vector<float> values(12);
  for (int i = 0; i < 12; ++i) values[i] = static_cast<float>(i);
  auto buffer = upload(values);
  HeatmapView view{buffer.get(), 4, 3, 0, 1, 4, -11.0f, 11.0f, Colormap::Diverging, false};
  const Image image = render(view);
  for (uint32_t r = 0; r < 4; ++r)
    for (uint32_t c = 0; c < 3; ++c) {
      const ImVec2 p = center(r, c);
      expect_color(pixel(image, p.x, p.y), expected(Colormap::Diverging, (values[c * 4 + r] + 11.0f) / 22.0f),
                   "cell " + std::to_string(r) + "," + std::to_string(c));
    }
}

TEST_F(HeatmapRender, LogScaleAndNonFiniteValues) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> values{1e-4f, 1e-2f, 1.0f, nan};
  auto buffer = upload(values);
  HeatmapView view{buffer.get(), 1, 4, 0, 4, 1, -4.0f, 0.0f, Colormap::Viridis, true};
  const Image image = render(view);
  expect_color(pixel(image, center(0, 0).x, center(0, 0).y), expected(Colormap::Viridis, 0.0f), "1e-4");
  expect_color(pixel(image, center(0, 1).x, center(0, 1).y), expected(Colormap::Viridis, 0.5f), "1e-2");
  expect_color(pixel(image, center(0, 2).x, center(0, 2).y), expected(Colormap::Viridis, 1.0f), "1");
  expect_color(pixel(image, center(0, 3).x, center(0, 3).y), {128, 128, 128}, "NaN is gray");
}

TEST_F(HeatmapRender, RespectsTheClipRectangle) {
  std::vector<float> values(4, 1.0f);
  auto buffer = upload(values);
  HeatmapView view{buffer.get(), 2, 2, 0, 2, 1, 0.0f, 1.0f, Colormap::Viridis, false};
  // Clip to the left column of cells only.
  const Image image = render(view, ImVec4(0, 0, k_origin.x + k_cell, k_height));
  expect_color(pixel(image, center(0, 0).x, center(0, 0).y), expected(Colormap::Viridis, 1.0f), "inside");
  const Rgb8 outside = pixel(image, center(0, 1).x, center(0, 1).y);
  const ImVec4 bg = background_color();
  expect_color(outside, {static_cast<int>(std::lround(bg.x * 255)), static_cast<int>(std::lround(bg.y * 255)),
                         static_cast<int>(std::lround(bg.z * 255))},
               "outside the clip rectangle");
}

// Descriptor sets are cached per buffer. Vulkan may give a new buffer the handle of one just
// destroyed (lavapipe reuses the memory), so the cache must not key on the handle: these tests
// use a context without the validation layer, which wraps handles and never repeats one.
class HeatmapCache : public ::testing::Test {
 protected:
  HeatmapCache() : context_(plain_context()), ui_(*context_) {}
  static std::unique_ptr<gpu::Context> plain_context() {
    gpu::ContextOptions options = gpu::options_from_environment({});
    options.validation = false;
    auto created = gpu::Context::create(options);
    if (!created.context) throw std::runtime_error(created.status.message());
    return std::move(created.context);
  }
  std::unique_ptr<gpu::GpuBuffer> upload(const std::vector<float>& values) {
    auto buffer = std::make_unique<gpu::GpuBuffer>(*context_, values.size() * sizeof(float));
    buffer->upload(values);
    return buffer;
  }
  // Draws 1 x 4 cells of `buffer` (nothing when null) at k_origin.
  Image render(const gpu::GpuBuffer* buffer) {
    const HeatmapView view{buffer, 1, 4, 0, 4, 1, 0.0f, 1.0f, Colormap::Viridis, false};
    return ui_.render(k_width, k_height, [&] {
      ui_.renderer().heatmaps().draw(ImGui::GetBackgroundDrawList(), view, k_origin,
                                     ImVec2(k_origin.x + 4 * k_cell, k_origin.y + k_cell));
    });
  }
  std::unique_ptr<gpu::Context> context_;  // declared first: destroyed last
  HeadlessUi ui_;
};

TEST_F(HeatmapCache, ABufferMadeWhereAnOldOneWasShowsItsOwnValues) {
  auto old_buffer = upload(std::vector<float>(4, 0.0f));
  const VkBuffer old_handle = old_buffer->buffer();
  render(old_buffer.get());
  old_buffer.reset();
  // Make buffers until one gets the old handle (the first usually does).
  std::unique_ptr<gpu::GpuBuffer> buffer;
  std::vector<std::unique_ptr<gpu::GpuBuffer>> others;
  for (int tries = 0; tries < 16 && !buffer; ++tries) {
    auto candidate = upload(std::vector<float>(1 << 16, 1.0f));
    if (candidate->buffer() == old_handle) buffer = std::move(candidate);
    else others.push_back(std::move(candidate));
  }
  if (!buffer) buffer = std::move(others.back());
  const Image image = render(buffer.get());
  for (uint32_t c = 0; c < 4; ++c) {
    const float x = k_origin.x + (c + 0.5f) * k_cell, y = k_origin.y + 0.5f * k_cell;
    expect_color(pixel(image, x, y), expected(Colormap::Viridis, 1.0f), "cell 0," + std::to_string(c));
  }
}

TEST_F(HeatmapCache, SetsOfBuffersNoLongerDrawnAreFreed) {
  auto buffer = upload(std::vector<float>(4, 0.5f));
  render(buffer.get());
  EXPECT_EQ(ui_.renderer().heatmaps().cached_sets(), 1u);
  render(buffer.get());
  EXPECT_EQ(ui_.renderer().heatmaps().cached_sets(), 1u) << "a buffer drawn again keeps its one set";
  buffer.reset();
  render(nullptr);
  render(nullptr);
  EXPECT_EQ(ui_.renderer().heatmaps().cached_sets(), 0u);
}

}  // namespace
}  // namespace seqscope::viz
