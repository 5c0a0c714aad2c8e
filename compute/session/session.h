// Session: the whole state of what is computed (input, SSM, attention) and how it is shown
// (view), a plain struct with a JSON round trip (session_json.cpp). No ImGui or Vulkan types. docs/session.md documents
// every field, its default and its range.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/types.h"

namespace seqscope::compute {

enum class BackendChoice { Auto, Eigen, Vulkan };
enum class InputKind { Text, Signal, Task, Grid };
enum class Embedding { Random, OneHot };
enum class SignalKind { Impulse, Step, Sine, Square, Chirp, Noise, Sines };
// The token tasks (compute/session/tasks.h, docs/session.md). Induction is the Mamba paper's
// induction heads; Mqar is Zoology's multi-query associative recall (a version 1 file's
// "induction" is Mqar with one query).
enum class TaskKind { Copy, SelectiveCopy, Induction, Mqar, DelayedRecall };
enum class GridPattern { MovingSquare, Gradient, Checker };
enum class ScanOrder { RowMajor, ColumnMajor, Snake, Hilbert };
enum class VideoOrder { SpatialFirst, TemporalFirst };
enum class SsmVariant { S4D, Dense, Shift, S6, Mamba2 };
enum class SsmInit { S4DLin, S4DInv, S4DReal, HippoLegs, Random };
enum class Discretization { Zoh, Mamba, Bilinear, Euler, BackwardEuler };
// How a selective SSM's Δ projection (W_Δ, b_Δ) starts: Mamba's random init, or hand-set so that
// one-hot task tokens get Δ = dt_max on data symbols and dt_min on the reserved ids (blank, $, |, ?).
enum class DeltaInit { Random, DataTokens };
// Lag is the hand-built head that attends exactly to position t - lag (copy at lag k).
enum class AttentionKind { Softmax, Linear, Lag };
enum class MaskKind { Causal, None, Window };
enum class Positional { None, Sinusoidal, Rope, Alibi };
enum class FeatureMap { Elu1, Identity };
// How L x L maps (attention probs, hidden attention α) are scaled for display: raw, each row over
// its sum of |x|, or |x| min-max per map (viz/widgets/map_normalization.h does the arithmetic).
enum class MapNormalization { Raw, RowNormalized, MinMaxAbs };
// The tab the SSM dynamics panel opens.
enum class DynamicsTab { Eigenvalues, Delta, Matrices, Kernel, Formulas };
// The view the cost panel shows when it is too small for all of them at once.
enum class CostTab { Scaling, Memory, TimingTable };
// The state heatmaps' colour range: the max |h| of every channel, or of the selected channel only.
enum class StateColorScope { AllChannels, Channel };

struct GridConfig {
  int width = 8;
  int height = 8;
  int frames = 1;
  GridPattern pattern = GridPattern::MovingSquare;
  ScanOrder order = ScanOrder::RowMajor;
  VideoOrder video_order = VideoOrder::SpatialFirst;
};

struct InputConfig {
  InputKind kind = InputKind::Text;
  std::string text = "State space models carry a state; attention compares all pairs.";
  Embedding embedding = Embedding::Random;
  SignalKind signal = SignalKind::Sines;
  int length = 256;         // L for signal and task inputs
  double frequency = 0.05;  // cycles per step for periodic signals
  TaskKind task = TaskKind::SelectiveCopy;
  int vocab = 16;
  int num_tokens = 4;   // K: symbols to copy (copy, selective copy) or key-value pairs (mqar)
  int num_queries = 0;  // mqar: keys asked again at the end; 0 = all num_tokens of them
  int lag = 8;         // delayed recall lag k
  GridConfig grid;
};

struct SsmConfig {
  SsmVariant variant = SsmVariant::S6;
  int state_size = 16;  // N
  SsmInit init = SsmInit::S4DReal;
  Discretization discretization = Discretization::Mamba;
  double dt_min = 0.001;
  double dt_max = 0.1;
  int conv_width = 0;  // 0 = no causal depthwise conv before the scan
  bool gate = false;   // y *= silu(z)
  bool bidirectional = false;
  std::vector<int> hidden_attention_channels{0};
  DeltaInit delta_init = DeltaInit::Random;  // S6, Mamba-2 only (docs/session.md)
};

struct AttentionConfig {
  AttentionKind kind = AttentionKind::Softmax;
  int heads = 2;     // H
  int head_dim = 8;  // dh
  MaskKind mask = MaskKind::Causal;
  int window = 32;
  Positional positional = Positional::None;
  double temperature = 1.0;
  FeatureMap feature_map = FeatureMap::Elu1;
  int lag = 1;  // for AttentionKind::Lag: attend to t - lag
};

// How the session is shown, not what is computed: changing it never recomputes. Saved with the
// session (File > Save session, a PNG's metadata) and set by --channel, --head, --normalization,
// --log, --shared-scale, --tab (docs/session.md, "view").
struct ViewConfig {
  int channel = 0;  // SSM channel d (panels clamp it to the model's channels)
  int head = 0;     // attention head (clamped to the heads)
  bool all_heads = false;
  MapNormalization normalization = MapNormalization::RowNormalized;
  // log10 colours over the 4 decades below the largest value: rows that sum to 1 spread over t
  // keys (≈ 1/t each) look uniformly dark on a linear scale.
  bool log_scale = true;
  bool shared_scale = false;  // α and attention maps coloured over one range
  DynamicsTab tab = DynamicsTab::Eigenvalues;
  CostTab cost_tab = CostTab::Scaling;
  StateColorScope state_color = StateColorScope::AllChannels;
  std::string emphasize;  // panel names, comma-separated, outlined and given more room
};

struct Session {
  int version = 2;  // schema::kSupportedVersion; version 1 files are migrated when read
  uint64_t seed = 7;
  BackendChoice backend = BackendChoice::Auto;
  int cursor = 0;
  InputConfig input;
  int d_model = 16;  // D
  SsmConfig ssm;
  AttentionConfig attention;
  // Longest L whose [L, L] maps are kept whole; beyond, they are pooled overviews plus the exact
  // row of the current query (map_overview.h). At most kMaxFullMapLength (5792).
  int full_map_max_length = 5792;
  ViewConfig view;
};

// JSON round trip. Every key is optional; an unknown key or an out-of-range value throws
// UserError naming the key path (e.g. "ssm.state_size") and the allowed range.
Session session_from_json(const nlohmann::json& json);
nlohmann::json session_to_json(const Session& session);  // every field written out
Session load_session(const std::filesystem::path& path);  // .json file; UserError on failure
// Checks ranges that depend on several fields (e.g. vocab <= D for one-hot); throws UserError.
void validate_session(const Session& session);
// Sequence length L that the session's input produces.
int sequence_length(const Session& session);

}  // namespace seqscope::compute
