// Session schema: the allowed range of every numeric session field, the JSON name of every enum
// value and the reserved token ids of the task generators. Shared by the field tables
// (session_fields.h, which pair each range with its field for the JSON reader and validate_session),
// by the input generators and by GUI sliders, so that a range lives in one place; docs/session.md
// lists the same values for people.
//
//   IntRange / RealRange   one field's dotted key path and its inclusive bounds
//   k...                   the ranges, in schema order
//   enum_names(E{})        JSON spelling of each value of an enum
//   kTask...               token ids 0..3 that task sequences reserve
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "compute/session/map_overview.h"
#include "compute/session/session.h"

namespace seqscope::compute::schema {

struct IntRange {
  std::string_view path;  // dotted key path, as in error messages: "ssm.state_size"
  int64_t lo;
  int64_t hi;
};

struct RealRange {
  std::string_view path;
  double lo;
  double hi;
};

// Files of every version from kOldestVersion to kSupportedVersion load; a session is always held
// (and written) as kSupportedVersion. Version 1 -> 2: the task "induction" (key-value pairs and
// one final query) became "mqar" with num_queries = 1, and "induction" is the Mamba paper's
// induction heads (session_json.cpp, migrate_v1).
inline constexpr int kSupportedVersion = 2;
inline constexpr int kOldestVersion = 1;
inline constexpr int kMaxLength = 65536;  // longest sequence L any input may produce

inline constexpr IntRange kCursor{"cursor", 0, kMaxLength - 1};
inline constexpr IntRange kInputLength{"input.length", 1, kMaxLength};
inline constexpr RealRange kFrequency{"input.frequency", 0.0, 0.5};
inline constexpr IntRange kVocab{"input.vocab", 5, 1024};
inline constexpr IntRange kNumTokens{"input.num_tokens", 1, 1024};
inline constexpr IntRange kNumQueries{"input.num_queries", 0, 1024};
inline constexpr IntRange kInputLag{"input.lag", 1, kMaxLength - 1};
inline constexpr IntRange kGridWidth{"input.grid.width", 1, 256};
inline constexpr IntRange kGridHeight{"input.grid.height", 1, 256};
inline constexpr IntRange kGridFrames{"input.grid.frames", 1, 256};
inline constexpr IntRange kDModel{"d_model", 1, 1024};
inline constexpr IntRange kStateSize{"ssm.state_size", 1, 256};
inline constexpr RealRange kDtMin{"ssm.dt_min", 1e-5, 10.0};
inline constexpr RealRange kDtMax{"ssm.dt_max", 1e-5, 10.0};
inline constexpr IntRange kConvWidth{"ssm.conv_width", 0, 64};
inline constexpr IntRange kHiddenChannel{"ssm.hidden_attention_channels[]", 0, 1023};
inline constexpr int kMaxHiddenChannels = 16;  // each one costs an [L, L] matrix
inline constexpr IntRange kHeads{"attention.heads", 1, 16};
inline constexpr IntRange kHeadDim{"attention.head_dim", 1, 256};
inline constexpr int kMaxHeadsTimesHeadDim = 1024;  // width of the q, k, v projections
inline constexpr IntRange kWindow{"attention.window", 1, kMaxLength};
inline constexpr RealRange kTemperature{"attention.temperature", 0.01, 100.0};
inline constexpr IntRange kAttentionLag{"attention.lag", 0, kMaxLength - 1};
inline constexpr IntRange kFullMapMaxLength{"full_map_max_length", 1, kMaxFullMapLength};
// Panels clamp the view's channel and head to the shown model (a checkpoint's channels may
// exceed d_model), so these are wide.
inline constexpr IntRange kViewChannel{"view.channel", 0, 65535};
inline constexpr IntRange kViewHead{"view.head", 0, 1023};

// Token ids that every task sequence reserves; data symbols are kTaskFirstData .. vocab-1.
inline constexpr int kTaskBlank = 0;      // '·' noise / padding
inline constexpr int kTaskStart = 1;      // '$' start of a copy sequence
inline constexpr int kTaskMarker = 2;     // '|' copy separator, selective-copy recall marker
inline constexpr int kTaskQuery = 3;      // '?' induction trigger (shown twice: before the value, at the end)
inline constexpr int kTaskFirstData = 4;  // 'a', 'b', ...
inline constexpr int kTextVocab = 256;    // text inputs are UTF-8 bytes

template <typename E>
struct EnumName {
  E value;
  std::string_view name;
};

template <typename E, size_t Count>
using EnumNames = std::array<EnumName<E>, Count>;

inline constexpr EnumNames<BackendChoice, 3> kBackendNames{
    {{BackendChoice::Auto, "auto"}, {BackendChoice::Eigen, "eigen"}, {BackendChoice::Vulkan, "vulkan"}}};
inline constexpr EnumNames<InputKind, 4> kInputKindNames{{{InputKind::Text, "text"},
                                                          {InputKind::Signal, "signal"},
                                                          {InputKind::Task, "task"},
                                                          {InputKind::Grid, "grid"}}};
inline constexpr EnumNames<Embedding, 2> kEmbeddingNames{
    {{Embedding::Random, "random"}, {Embedding::OneHot, "onehot"}}};
inline constexpr EnumNames<SignalKind, 7> kSignalNames{{{SignalKind::Impulse, "impulse"},
                                                        {SignalKind::Step, "step"},
                                                        {SignalKind::Sine, "sine"},
                                                        {SignalKind::Square, "square"},
                                                        {SignalKind::Chirp, "chirp"},
                                                        {SignalKind::Noise, "noise"},
                                                        {SignalKind::Sines, "sines"}}};
inline constexpr EnumNames<TaskKind, 5> kTaskNames{{{TaskKind::Copy, "copy"},
                                                    {TaskKind::SelectiveCopy, "selective_copy"},
                                                    {TaskKind::Induction, "induction"},
                                                    {TaskKind::Mqar, "mqar"},
                                                    {TaskKind::DelayedRecall, "delayed_recall"}}};
inline constexpr EnumNames<GridPattern, 3> kGridPatternNames{{{GridPattern::MovingSquare, "moving_square"},
                                                              {GridPattern::Gradient, "gradient"},
                                                              {GridPattern::Checker, "checker"}}};
inline constexpr EnumNames<ScanOrder, 4> kScanOrderNames{{{ScanOrder::RowMajor, "row_major"},
                                                          {ScanOrder::ColumnMajor, "column_major"},
                                                          {ScanOrder::Snake, "snake"},
                                                          {ScanOrder::Hilbert, "hilbert"}}};
inline constexpr EnumNames<VideoOrder, 2> kVideoOrderNames{
    {{VideoOrder::SpatialFirst, "spatial_first"}, {VideoOrder::TemporalFirst, "temporal_first"}}};
inline constexpr EnumNames<SsmVariant, 5> kSsmVariantNames{{{SsmVariant::S4D, "s4d"},
                                                            {SsmVariant::Dense, "dense"},
                                                            {SsmVariant::Shift, "shift"},
                                                            {SsmVariant::S6, "s6"},
                                                            {SsmVariant::Mamba2, "mamba2"}}};
inline constexpr EnumNames<SsmInit, 5> kSsmInitNames{{{SsmInit::S4DLin, "s4d_lin"},
                                                      {SsmInit::S4DInv, "s4d_inv"},
                                                      {SsmInit::S4DReal, "s4d_real"},
                                                      {SsmInit::HippoLegs, "hippo_legs"},
                                                      {SsmInit::Random, "random"}}};
inline constexpr EnumNames<Discretization, 5> kDiscretizationNames{{{Discretization::Zoh, "zoh"},
                                                                    {Discretization::Mamba, "mamba"},
                                                                    {Discretization::Bilinear, "bilinear"},
                                                                    {Discretization::Euler, "euler"},
                                                                    {Discretization::BackwardEuler, "backward_euler"}}};
inline constexpr EnumNames<DeltaInit, 2> kDeltaInitNames{
    {{DeltaInit::Random, "random"}, {DeltaInit::DataTokens, "data_tokens"}}};
inline constexpr EnumNames<AttentionKind, 3> kAttentionKindNames{
    {{AttentionKind::Softmax, "softmax"}, {AttentionKind::Linear, "linear"}, {AttentionKind::Lag, "lag"}}};
inline constexpr EnumNames<MaskKind, 3> kMaskNames{
    {{MaskKind::Causal, "causal"}, {MaskKind::None, "none"}, {MaskKind::Window, "window"}}};
inline constexpr EnumNames<Positional, 4> kPositionalNames{{{Positional::None, "none"},
                                                            {Positional::Sinusoidal, "sinusoidal"},
                                                            {Positional::Rope, "rope"},
                                                            {Positional::Alibi, "alibi"}}};
inline constexpr EnumNames<FeatureMap, 2> kFeatureMapNames{
    {{FeatureMap::Elu1, "elu1"}, {FeatureMap::Identity, "identity"}}};

// The name table of an enum, chosen by overloading on a value of it: enum_names(SsmInit{}).
inline constexpr EnumNames<MapNormalization, 3> kMapNormalizationNames{{{MapNormalization::Raw, "raw"},
                                                                        {MapNormalization::RowNormalized, "row"},
                                                                        {MapNormalization::MinMaxAbs, "minmax_abs"}}};
inline constexpr EnumNames<DynamicsTab, 5> kDynamicsTabNames{{{DynamicsTab::Eigenvalues, "eigenvalues"},
                                                              {DynamicsTab::Delta, "delta"},
                                                              {DynamicsTab::Matrices, "matrices"},
                                                              {DynamicsTab::Kernel, "kernel"},
                                                              {DynamicsTab::Formulas, "formulas"}}};
inline constexpr EnumNames<CostTab, 3> kCostTabNames{
    {{CostTab::Scaling, "scaling"}, {CostTab::Memory, "memory"}, {CostTab::TimingTable, "timings"}}};
inline constexpr EnumNames<StateColorScope, 2> kStateColorNames{
    {{StateColorScope::AllChannels, "all_channels"}, {StateColorScope::Channel, "channel"}}};

constexpr std::span<const EnumName<BackendChoice>> enum_names(BackendChoice) { return kBackendNames; }
constexpr std::span<const EnumName<InputKind>> enum_names(InputKind) { return kInputKindNames; }
constexpr std::span<const EnumName<Embedding>> enum_names(Embedding) { return kEmbeddingNames; }
constexpr std::span<const EnumName<SignalKind>> enum_names(SignalKind) { return kSignalNames; }
constexpr std::span<const EnumName<TaskKind>> enum_names(TaskKind) { return kTaskNames; }
constexpr std::span<const EnumName<GridPattern>> enum_names(GridPattern) { return kGridPatternNames; }
constexpr std::span<const EnumName<ScanOrder>> enum_names(ScanOrder) { return kScanOrderNames; }
constexpr std::span<const EnumName<VideoOrder>> enum_names(VideoOrder) { return kVideoOrderNames; }
constexpr std::span<const EnumName<SsmVariant>> enum_names(SsmVariant) { return kSsmVariantNames; }
constexpr std::span<const EnumName<SsmInit>> enum_names(SsmInit) { return kSsmInitNames; }
constexpr std::span<const EnumName<Discretization>> enum_names(Discretization) { return kDiscretizationNames; }
constexpr std::span<const EnumName<DeltaInit>> enum_names(DeltaInit) { return kDeltaInitNames; }
constexpr std::span<const EnumName<AttentionKind>> enum_names(AttentionKind) { return kAttentionKindNames; }
constexpr std::span<const EnumName<MaskKind>> enum_names(MaskKind) { return kMaskNames; }
constexpr std::span<const EnumName<Positional>> enum_names(Positional) { return kPositionalNames; }
constexpr std::span<const EnumName<FeatureMap>> enum_names(FeatureMap) { return kFeatureMapNames; }
constexpr std::span<const EnumName<MapNormalization>> enum_names(MapNormalization) { return kMapNormalizationNames; }
constexpr std::span<const EnumName<DynamicsTab>> enum_names(DynamicsTab) { return kDynamicsTabNames; }
constexpr std::span<const EnumName<StateColorScope>> enum_names(StateColorScope) { return kStateColorNames; }
constexpr std::span<const EnumName<CostTab>> enum_names(CostTab) { return kCostTabNames; }

// JSON spelling of an enum value; "?" for a value outside the table (a cast from a bad int).
template <typename E>
constexpr std::string_view enum_name(E value) {
  for (const auto& entry : enum_names(E{}))
    if (entry.value == value) return entry.name;
  return "?";
}

template <typename E>
constexpr std::optional<E> enum_from_name(std::string_view name) {
  for (const auto& entry : enum_names(E{}))
    if (entry.name == name) return entry.value;
  return std::nullopt;
}

}  // namespace seqscope::compute::schema
