// The files of assets/ (presets/*.json, lessons/*.json), embedded at build time.
#pragma once
#include <optional>
#include <span>
#include <string_view>

namespace seqscope::assets {

struct Asset {
  std::string_view path;     // relative to assets/, e.g. "presets/mamba_text.json"
  std::string_view content;
};

std::span<const Asset> all();
std::optional<std::string_view> find(std::string_view path);

}  // namespace seqscope::assets
