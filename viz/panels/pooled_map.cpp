#include "viz/panels/pooled_map.h"

#include <imgui.h>

#include "viz/widgets/text_fit.h"

namespace seqscope::viz {

MapGeometry map_geometry(int L, const compute::MapOverview& overview) { return {L, overview.empty() ? 0 : overview.P}; }

std::string index_span(const char* name, const MapGeometry& g, int cell) {
  const int first = g.first(cell), last = g.last(cell);
  return first == last ? format_text("%s = %d", name, first) : format_text("%s = %d..%d", name, first, last);
}

bool pooled_map_note(const MapGeometry& g, ViewState& view, const char* id) {
  const int block = (g.L + g.P - 1) / g.P;
  const std::string note = format_text("L = %d: too long for a full map · pooled %d×%d, blocks of ≤%d×%d ·", g.L, g.P,
                                       g.P, block, block);
  ImGui::TextColored(ImVec4(0.90f, 0.62f, 0.0f, 1.0f), "%s",  // Okabe-Ito orange: a note, not an error
                    
                     fit_text(note, ImGui::GetContentRegionAvail().x - 110.0f).c_str());
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("The [L, L] map would need %.1f GB. Each cell shows one block of queries × keys:\n"
                      "max |x| (the strongest entry) or the mean (masked entries count as 0).\n"
                      "The row of the current query below is exact. Session field full_map_max_length sets\n"
                      "the longest L kept whole (docs/session.md).",
                      4.0 * g.L * static_cast<double>(g.L) / 1e9);
  ImGui::SameLine();
  int statistic = static_cast<int>(view.pooled);
  const char* names[] = {"max |·|", "mean"};
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("max |·|").x + ImGui::GetFrameHeight() + 12.0f);
  const bool changed = ImGui::Combo(id, &statistic, names, IM_ARRAYSIZE(names));
  if (changed) view.pooled = static_cast<PooledStatistic>(statistic);
  return changed;
}

const std::vector<float>& ExactRowCache::get(uint64_t generation, int map, int t,
                                             const std::function<std::vector<float>()>& compute) {
  if (generation != generation_ || map != map_ || t != t_) {
    row_ = compute();
    generation_ = generation;
    map_ = map;
    t_ = t;
  }
  return row_;
}

}  // namespace seqscope::viz
