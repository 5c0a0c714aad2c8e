// ControlsPanel: widgets per session field, driven by compute/session/session_schema.h so the ranges
// and names here are the ones the JSON reader accepts.
#include "viz/panels/controls_panel.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <string>

#include "compute/session/session_schema.h"

namespace seqscope::viz {
namespace {

namespace schema = compute::schema;

template <typename E>
bool enum_combo(const char* label, E& value) {
  const auto names = schema::enum_names(E{});
  std::string current;
  for (const auto& entry : names)
    if (entry.value == value) current = std::string(entry.name);
  bool changed = false;
  if (ImGui::BeginCombo(label, current.c_str())) {
    for (const auto& entry : names) {
      const bool selected = entry.value == value;
      if (ImGui::Selectable(std::string(entry.name).c_str(), selected) && !selected) {
        value = entry.value;
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  return changed;
}

bool int_field(const char* label, int& value, const schema::IntRange& range, int hi_cap = 0) {
  const int hi = static_cast<int>(hi_cap > 0 ? std::min<int64_t>(range.hi, hi_cap) : range.hi);
  int v = value;
  const bool log = hi / std::max<int64_t>(1, range.lo) > 256;
  if (ImGui::SliderInt(label, &v, static_cast<int>(range.lo), hi, "%d",
                       log ? ImGuiSliderFlags_Logarithmic : ImGuiSliderFlags_None)) {
    value = std::clamp(v, static_cast<int>(range.lo), hi);
    return true;
  }
  return false;
}

bool real_field(const char* label, double& value, const schema::RealRange& range, bool log, const char* format) {
  float v = static_cast<float>(value);
  if (ImGui::SliderFloat(label, &v, static_cast<float>(range.lo), static_cast<float>(range.hi), format,
                         log ? ImGuiSliderFlags_Logarithmic : ImGuiSliderFlags_None)) {
    value = std::clamp(static_cast<double>(v), range.lo, range.hi);
    return true;
  }
  return false;
}

void help_marker(const char* text) {
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

// Length slider capped where a live recompute stays interactive; larger L comes from files.
constexpr int k_interactive_length = 4096;

}  // namespace

bool ControlsPanel::draw_grid(compute::GridConfig& grid) {
  bool changed = false;
  changed |= int_field("width", grid.width, schema::kGridWidth, 64);
  changed |= int_field("height", grid.height, schema::kGridHeight, 64);
  changed |= int_field("frames", grid.frames, schema::kGridFrames, 16);
  changed |= enum_combo("pattern", grid.pattern);
  changed |= enum_combo("scan order", grid.order);
  help_marker("How the 2-D grid becomes a sequence. Row-major and column-major put vertical (or "
              "horizontal) neighbours far apart; snake and Hilbert keep more of them close.");
  if (grid.frames > 1) changed |= enum_combo("video order", grid.video_order);
  return changed;
}

bool ControlsPanel::draw_input(compute::InputConfig& input) {
  bool changed = enum_combo("input", input.kind);
  switch (input.kind) {
    case compute::InputKind::Text:
      changed |= ImGui::InputTextMultiline("text", &input.text, ImVec2(-FLT_MIN, ImGui::GetTextLineHeight() * 3.5f));
      break;
    case compute::InputKind::Signal:
      changed |= enum_combo("signal", input.signal);
      changed |= int_field("length L", input.length, schema::kInputLength, k_interactive_length);
      changed |= real_field("frequency", input.frequency, schema::kFrequency, false, "%.3f cycles/step");
      break;
    case compute::InputKind::Task:
      changed |= enum_combo("task", input.task);
      changed |= int_field("length L", input.length, schema::kInputLength, k_interactive_length);
      changed |= int_field("vocab", input.vocab, schema::kVocab, 64);
      // Induction has one trigger and one value: the count of tokens does not apply.
      if (input.task != compute::TaskKind::Induction)
        changed |= int_field(input.task == compute::TaskKind::Mqar ? "pairs K" : "tokens", input.num_tokens,
                             schema::kNumTokens, 32);
      if (input.task == compute::TaskKind::Mqar) {
        changed |= int_field("queries", input.num_queries, schema::kNumQueries, 32);
        help_marker("Keys asked again at the end (0: all K of them, in random order).");
      }
      if (input.task == compute::TaskKind::DelayedRecall) changed |= int_field("lag k", input.lag, schema::kInputLag, 256);
      break;
    case compute::InputKind::Grid:
      changed |= draw_grid(input.grid);
      break;
  }
  if (input.kind != compute::InputKind::Signal && input.kind != compute::InputKind::Grid)
    changed |= enum_combo("embedding", input.embedding);
  return changed;
}

bool ControlsPanel::draw_ssm(compute::SsmConfig& ssm, int d_model) {
  bool changed = enum_combo("variant", ssm.variant);
  help_marker("s4d: LTI diagonal (S4D). dense: full N×N A (HiPPO). shift: an exact N-slot shift register. "
              "s6: Mamba's selective scan (Δ, B, C depend on the input). mamba2: scalar A per head (SSD).");
  changed |= int_field("state N", ssm.state_size, schema::kStateSize, 64);
  if (ssm.variant != compute::SsmVariant::Shift) {
    changed |= enum_combo("init", ssm.init);
    changed |= enum_combo("discretization", ssm.discretization);
    help_marker("zoh: exact zero-order hold. mamba: ZOH for A, B̄ = ΔB (selective_scan_ref). bilinear: "
                "Tustin. euler: I + ΔA (unstable for large Δ). backward_euler: (I − ΔA)⁻¹.");
    changed |= real_field("Δ min", ssm.dt_min, schema::kDtMin, true, "%.4g");
    changed |= real_field("Δ max", ssm.dt_max, schema::kDtMax, true, "%.4g");
    if (ssm.dt_min > ssm.dt_max) ssm.dt_max = ssm.dt_min;
  }
  if (ssm.variant == compute::SsmVariant::S6 || ssm.variant == compute::SsmVariant::Mamba2) {
    changed |= enum_combo("Δ init", ssm.delta_init);
    help_marker("random: Mamba's init (untrained). data_tokens: W_Δ, b_Δ set by hand as training on selective "
                "copying would: on one-hot task tokens Δ = Δ max on data symbols, Δ min on blanks and markers.");
    changed |= int_field("conv width", ssm.conv_width, schema::kConvWidth, 8);
    changed |= ImGui::Checkbox("gate y·silu(z)", &ssm.gate);
    ImGui::SameLine();
  }
  changed |= ImGui::Checkbox("bidirectional", &ssm.bidirectional);
  int channel = ssm.hidden_attention_channels.empty() ? 0 : ssm.hidden_attention_channels.front();
  if (ImGui::SliderInt("α channel", &channel, 0, std::max(0, d_model - 1))) {
    ssm.hidden_attention_channels = {channel};
    changed = true;
  }
  help_marker("The channel whose hidden-attention matrix α is computed (an L×L map per channel).");
  return changed;
}

bool ControlsPanel::draw_attention(compute::AttentionConfig& attention) {
  bool changed = enum_combo("kind", attention.kind);
  if (attention.kind == compute::AttentionKind::Lag) {
    changed |= int_field("lag k", attention.lag, schema::kAttentionLag, 256);
    help_marker("A hand-built head that attends exactly to position t − k: it can copy at any lag.");
  }
  changed |= int_field("heads H", attention.heads, schema::kHeads);
  changed |= int_field("head dim", attention.head_dim, schema::kHeadDim, 64);
  if (attention.heads * attention.head_dim > schema::kMaxHeadsTimesHeadDim)
    attention.head_dim = schema::kMaxHeadsTimesHeadDim / attention.heads;
  changed |= enum_combo("mask", attention.mask);
  if (attention.mask == compute::MaskKind::Window) changed |= int_field("window", attention.window, schema::kWindow, 1024);
  changed |= enum_combo("positions", attention.positional);
  if (attention.kind == compute::AttentionKind::Softmax)
    changed |= real_field("temperature", attention.temperature, schema::kTemperature, true, "%.3g");
  if (attention.kind == compute::AttentionKind::Linear) changed |= enum_combo("feature map φ", attention.feature_map);
  return changed;
}

bool ControlsPanel::draw(compute::Session& session) {
  bool changed = false;
  ImGui::PushItemWidth(-ImGui::CalcTextSize("discretization").x - 8.0f);
  if (ImGui::CollapsingHeader("Input", ImGuiTreeNodeFlags_DefaultOpen)) {
    ImGui::PushID("input");
    changed |= draw_input(session.input);
    changed |= int_field("d_model D", session.d_model, schema::kDModel, 256);
    int seed = static_cast<int>(session.seed % 100000);
    if (ImGui::InputInt("seed", &seed)) {
      session.seed = static_cast<uint64_t>(std::max(0, seed));
      changed = true;
    }
    ImGui::PopID();
  }
  if (ImGui::CollapsingHeader("State space model", ImGuiTreeNodeFlags_DefaultOpen)) {
    ImGui::PushID("ssm");
    changed |= draw_ssm(session.ssm, session.d_model);
    ImGui::PopID();
  }
  if (ImGui::CollapsingHeader("Attention", ImGuiTreeNodeFlags_DefaultOpen)) {
    ImGui::PushID("attention");
    changed |= draw_attention(session.attention);
    ImGui::PopID();
  }
  if (ImGui::CollapsingHeader("Compute")) changed |= enum_combo("backend", session.backend);
  ImGui::PopItemWidth();
  // Keep the α channel inside D when D shrinks.
  for (int& c : session.ssm.hidden_attention_channels) c = std::clamp(c, 0, session.d_model - 1);
  return changed;
}

}  // namespace seqscope::viz
