// make_inputs (inputs.h): the sequence u [L, D] of a session, with tokens, roles, labels, targets,
// the scalar signal and the grid scan order. Everything is deterministic in session.seed.
//
//   Rng                 mt19937_64 + own uniform / normal draws (portable, see below)
//   text_inputs         UTF-8 bytes as tokens, one label per character
//   copy / selective_copy / induction / delayed_recall    token tasks with targets
//   signal_inputs       impulse, step, sine, square, chirp, noise, sines
//   spatial_scan, grid_inputs   frames of a pattern flattened in a scan order
//   embed_tokens, broadcast_signal   tokens or a scalar signal -> u [L, D]
//
// Randomness: std::mt19937_64 is specified bit for bit by the standard, but the std
// distributions are not, so draws go through Rng's own uniform (rejection sampling) and normal
// (Box-Muller); the same seed gives the same inputs with any standard library. Each purpose
// (embedding table, channel gains, noise signal, task tokens) draws from its own stream, so that
// changing the task does not change the embedding table.
//
// Index (each part starts at a "// [SECTION] name" line):
//   Rng
//   text
//   token tasks
//   signals
//   grids and scan orders
//   embedding
//   make_inputs
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "compute/session/inputs.h"
#include "compute/session/session_schema.h"
#include "core/utf8.h"

namespace seqscope::compute {
namespace {

enum class Stream : uint64_t { Embedding = 1, Gains = 2, Noise = 3, Task = 4 };

// [SECTION] Rng

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

class Rng {
 public:
  Rng(uint64_t seed, Stream stream) : engine_(splitmix64(seed ^ splitmix64(static_cast<uint64_t>(stream)))) {}

  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)

  // Uniform in [0, n): rejection removes the modulo bias.
  int below(int n) {
    const uint64_t range = static_cast<uint64_t>(n);
    const uint64_t limit = UINT64_MAX - UINT64_MAX % range;
    uint64_t x = engine_();
    while (x >= limit) x = engine_();
    return static_cast<int>(x % range);
  }

  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - uniform();  // (0, 1], so log() is finite
    const double u2 = uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * std::numbers::pi * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

// [SECTION] text

std::string format_value(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  return buffer;
}

// ---------------------------------------------------------------------------------------------
// Text

std::string byte_label(unsigned char byte) {
  switch (byte) {
    case ' ': return "\u2423";  // open box, so a space is visible in the token strip
    case '\n': return "\\n";
    case '\t': return "\\t";
    case '\r': return "\\r";
    default: break;
  }
  if (byte < 0x20 || byte == 0x7f || byte >= 0x80) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "\\x%02x", byte);
    return buffer;
  }
  return std::string(1, static_cast<char>(byte));
}

// tokens, roles, labels: [L]
void text_inputs(const std::string& text, Inputs& in) {
  const size_t length = text.size();
  in.vocab = schema::kTextVocab;
  in.roles.assign(length, TokenRole::Text);
  for (size_t pos = 0; pos < length;) {
    const size_t char_bytes = utf8::char_length(text, pos);
    const auto byte = static_cast<unsigned char>(text[pos]);
    in.tokens.push_back(byte);
    if (char_bytes <= 1) {
      in.labels.push_back(byte_label(byte));
      ++pos;
      continue;
    }
    // The whole character is shown on its first byte; the other bytes get a continuation mark.
    in.labels.push_back(text.substr(pos, char_bytes));
    for (size_t i = 1; i < char_bytes; ++i) {
      in.tokens.push_back(static_cast<unsigned char>(text[pos + i]));
      in.labels.push_back("\u2026");
    }
    pos += char_bytes;
  }
  in.targets.assign(length, -1);
}

// ---------------------------------------------------------------------------------------------
// Token tasks. Ids 0..3 are blank '·', start '$', marker '|', query '?' (session_schema.h);
// data symbols start at kTaskFirstData and are labelled a..z, A..Z, then s52, s53, ...

// [SECTION] token tasks

std::string task_label(int token) {
  switch (token) {
    case schema::kTaskBlank: return "\u00b7";
    case schema::kTaskStart: return "$";
    case schema::kTaskMarker: return "|";
    case schema::kTaskQuery: return "?";
    default: break;
  }
  const int symbol = token - schema::kTaskFirstData;
  if (symbol < 26) return std::string(1, static_cast<char>('a' + symbol));
  if (symbol < 52) return std::string(1, static_cast<char>('A' + symbol - 26));
  return std::string("s") + std::to_string(symbol);
}

class TaskBuilder {
 public:
  TaskBuilder(Inputs& in, int length) : in_(in) {
    in_.tokens.assign(static_cast<size_t>(length), schema::kTaskBlank);
    in_.roles.assign(static_cast<size_t>(length), TokenRole::Noise);
    in_.targets.assign(static_cast<size_t>(length), -1);
  }
  void set(int t, int token, TokenRole role, int target = -1) {
    in_.tokens[static_cast<size_t>(t)] = token;
    in_.roles[static_cast<size_t>(t)] = role;
    in_.targets[static_cast<size_t>(t)] = target;
  }

 private:
  Inputs& in_;
};

int random_data(Rng& rng, int vocab) { return schema::kTaskFirstData + rng.below(vocab - schema::kTaskFirstData); }

// $ d1..dn · · · | ? ? ?   targets of the n trailing '?' are d1..dn (copy across a gap).
void copy_task(const InputConfig& cfg, Rng& rng, Inputs& in) {
  const int n = cfg.num_tokens;
  const int length = cfg.length;
  TaskBuilder task(in, length);
  task.set(0, schema::kTaskStart, TokenRole::Marker);
  std::vector<int> data(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    data[static_cast<size_t>(i)] = random_data(rng, cfg.vocab);
    task.set(1 + i, data[static_cast<size_t>(i)], TokenRole::Data);
  }
  task.set(length - n - 1, schema::kTaskMarker, TokenRole::Marker);
  for (int i = 0; i < n; ++i) task.set(length - n + i, schema::kTaskQuery, TokenRole::Query, data[static_cast<size_t>(i)]);
}

// Mamba's selective copying: n data tokens at random positions among the first L-n steps
// (noise elsewhere), then n markers whose targets are the data tokens in order.
void selective_copy_task(const InputConfig& cfg, Rng& rng, Inputs& in) {
  const int n = cfg.num_tokens;
  const int length = cfg.length;
  const int span = length - n;
  TaskBuilder task(in, length);
  // Partial Fisher-Yates: the first n entries become a uniform sample of distinct positions.
  std::vector<int> positions(static_cast<size_t>(span));
  for (int i = 0; i < span; ++i) positions[static_cast<size_t>(i)] = i;
  for (int i = 0; i < n; ++i) std::swap(positions[static_cast<size_t>(i)], positions[static_cast<size_t>(i + rng.below(span - i))]);
  positions.resize(static_cast<size_t>(n));
  std::sort(positions.begin(), positions.end());
  for (int i = 0; i < n; ++i) {
    const int token = random_data(rng, cfg.vocab);
    task.set(positions[static_cast<size_t>(i)], token, TokenRole::Data);
    task.set(span + i, schema::kTaskMarker, TokenRole::Marker, token);
  }
}

// Associative recall: k1 v1 k2 v2 .. kn vn · · · kq   with distinct keys; the target of the
// final query key kq (one of the keys) is its value.
void induction_task(const InputConfig& cfg, Rng& rng, Inputs& in) {
  const int n = cfg.num_tokens;
  const int length = cfg.length;
  const int symbols = cfg.vocab - schema::kTaskFirstData;
  TaskBuilder task(in, length);
  std::vector<int> keys(static_cast<size_t>(symbols));
  for (int i = 0; i < symbols; ++i) keys[static_cast<size_t>(i)] = schema::kTaskFirstData + i;
  for (int i = 0; i < n; ++i) std::swap(keys[static_cast<size_t>(i)], keys[static_cast<size_t>(i + rng.below(symbols - i))]);
  std::vector<int> values(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    values[static_cast<size_t>(i)] = random_data(rng, cfg.vocab);
    task.set(2 * i, keys[static_cast<size_t>(i)], TokenRole::Data);
    task.set(2 * i + 1, values[static_cast<size_t>(i)], TokenRole::Data);
  }
  const int asked = rng.below(n);
  task.set(length - 1, keys[static_cast<size_t>(asked)], TokenRole::Query, values[static_cast<size_t>(asked)]);
}

// Random data tokens; the target at t >= lag is the token at t - lag. Positions with a target are
// Query (they are also data for later steps).
void delayed_recall_task(const InputConfig& cfg, Rng& rng, Inputs& in) {
  const int length = cfg.length;
  TaskBuilder task(in, length);
  for (int t = 0; t < length; ++t) {
    const int token = random_data(rng, cfg.vocab);
    if (t < cfg.lag)
      task.set(t, token, TokenRole::Data);
    else
      task.set(t, token, TokenRole::Query, in.tokens[static_cast<size_t>(t - cfg.lag)]);
  }
}

void task_inputs(const InputConfig& cfg, uint64_t seed, Inputs& in) {
  Rng rng(seed, Stream::Task);
  switch (cfg.task) {
    case TaskKind::Copy: copy_task(cfg, rng, in); break;
    case TaskKind::SelectiveCopy: selective_copy_task(cfg, rng, in); break;
    case TaskKind::Induction: induction_task(cfg, rng, in); break;
    case TaskKind::DelayedRecall: delayed_recall_task(cfg, rng, in); break;
  }
  in.vocab = cfg.vocab;
  for (int token : in.tokens) in.labels.push_back(task_label(token));
}

// ---------------------------------------------------------------------------------------------
// Signals. f = cfg.frequency in cycles per step.

// [SECTION] signals

// -> signal: [L]
std::vector<float> make_signal(const InputConfig& cfg, uint64_t seed) {
  const int length = cfg.length;
  const double f = cfg.frequency;
  const double two_pi = 2.0 * std::numbers::pi;
  std::vector<float> s(static_cast<size_t>(length));
  Rng rng(seed, Stream::Noise);
  for (int t = 0; t < length; ++t) {
    double value = 0.0;
    switch (cfg.signal) {
      case SignalKind::Impulse: value = t == 0 ? 1.0 : 0.0; break;
      case SignalKind::Step: value = t >= length / 4 ? 1.0 : 0.0; break;
      case SignalKind::Sine: value = std::sin(two_pi * f * t); break;
      case SignalKind::Square: value = std::fmod(f * t, 1.0) < 0.5 ? 1.0 : -1.0; break;
      // Instantaneous frequency rises linearly from 0 at t = 0 to f at t = L.
      case SignalKind::Chirp: value = std::sin(two_pi * f * t * t / (2.0 * length)); break;
      case SignalKind::Noise: value = rng.normal(); break;
      case SignalKind::Sines:
        value = std::sin(two_pi * f * t) + 0.6 * std::sin(two_pi * 0.37 * f * t + 1.0) +
                0.3 * std::sin(two_pi * 2.3 * f * t + 2.0);
        break;
    }
    s[static_cast<size_t>(t)] = static_cast<float>(value);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Grids

// [SECTION] grids and scan orders

struct Cell {
  int x;
  int y;
};

// Hilbert index d -> (x, y) on an n x n grid, n a power of two (the classic iterative d2xy).
Cell hilbert_cell(int n, int d) {
  int x = 0, y = 0;
  for (int s = 1, t = d; s < n; s *= 2, t /= 4) {
    const int rx = 1 & (t / 2);
    const int ry = 1 & (t ^ rx);
    if (ry == 0) {
      if (rx == 1) {
        x = s - 1 - x;
        y = s - 1 - y;
      }
      std::swap(x, y);
    }
    x += s * rx;
    y += s * ry;
  }
  return {x, y};
}

// The cells of one frame in scan order: [W*H].
std::vector<Cell> spatial_scan(const GridConfig& grid) {
  const int w = grid.width, h = grid.height;
  std::vector<Cell> cells;
  cells.reserve(static_cast<size_t>(w * h));
  switch (grid.order) {
    case ScanOrder::RowMajor:
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) cells.push_back({x, y});
      break;
    case ScanOrder::ColumnMajor:
      for (int x = 0; x < w; ++x)
        for (int y = 0; y < h; ++y) cells.push_back({x, y});
      break;
    case ScanOrder::Snake:
      for (int y = 0; y < h; ++y)
        for (int i = 0; i < w; ++i) cells.push_back({y % 2 == 0 ? i : w - 1 - i, y});
      break;
    case ScanOrder::Hilbert: {
      // Non power-of-two grids: walk the curve of the enclosing power-of-two square and skip the
      // cells outside the grid (the walk then has jumps, but visits every cell once).
      int n = 1;
      while (n < std::max(w, h)) n *= 2;
      for (int d = 0; d < n * n; ++d) {
        const Cell c = hilbert_cell(n, d);
        if (c.x < w && c.y < h) cells.push_back(c);
      }
      break;
    }
  }
  return cells;
}

double cell_value(const GridConfig& grid, int x, int y, int frame) {
  const int w = grid.width, h = grid.height;
  switch (grid.pattern) {
    case GridPattern::MovingSquare: {
      // A 2x2 square starting at (W/4, H/4), moving one cell right per frame, wrapping around.
      const int x0 = (w / 4 + frame) % w;
      const int y0 = h / 4;
      const bool in_x = (x - x0 + w) % w < std::min(2, w);
      const bool in_y = y >= y0 && y < y0 + 2;
      return in_x && in_y ? 1.0 : 0.0;
    }
    case GridPattern::Gradient: {
      // A diagonal ramp 0..1 that shifts one cell per frame.
      const int period = w + h - 1;
      return period > 1 ? static_cast<double>((x + y + frame) % period) / (period - 1) : 0.0;
    }
    case GridPattern::Checker: return (x + y + frame) % 2 == 0 ? 1.0 : 0.0;
  }
  return 0.0;
}

// signal, scan_order, labels, roles: [W*H*frames]
void grid_inputs(const GridConfig& grid, Inputs& in) {
  const std::vector<Cell> cells = spatial_scan(grid);
  auto visit = [&](const Cell& c, int frame) {
    in.scan_order.push_back(frame * grid.height * grid.width + c.y * grid.width + c.x);
    in.signal.push_back(static_cast<float>(cell_value(grid, c.x, c.y, frame)));
    std::string label = std::to_string(c.x) + "," + std::to_string(c.y);
    if (grid.frames > 1) label += " f" + std::to_string(frame);
    in.labels.push_back(label);
  };
  if (grid.video_order == VideoOrder::SpatialFirst) {
    for (int frame = 0; frame < grid.frames; ++frame)
      for (const Cell& c : cells) visit(c, frame);
  } else {
    for (const Cell& c : cells)
      for (int frame = 0; frame < grid.frames; ++frame) visit(c, frame);
  }
  in.roles.assign(in.signal.size(), TokenRole::Cell);
  in.targets.assign(in.signal.size(), -1);
}

// ---------------------------------------------------------------------------------------------
// To u

// [SECTION] embedding

// tokens: [L] -> u: [L, D]; table rows ~ N(0, 1/D) so that each row has norm about 1.
Matrix embed_tokens(const std::vector<int>& tokens, int vocab, int d_model, Embedding embedding, uint64_t seed) {
  Matrix table = Matrix::Zero(vocab, d_model);
  if (embedding == Embedding::OneHot) {
    for (int v = 0; v < vocab; ++v) table(v, v) = 1.0f;
  } else {
    Rng rng(seed, Stream::Embedding);
    const double scale = 1.0 / std::sqrt(static_cast<double>(d_model));
    for (int v = 0; v < vocab; ++v)
      for (int d = 0; d < d_model; ++d) table(v, d) = static_cast<float>(rng.normal() * scale);
  }
  Matrix u(static_cast<Eigen::Index>(tokens.size()), d_model);
  for (size_t t = 0; t < tokens.size(); ++t) u.row(static_cast<Eigen::Index>(t)) = table.row(tokens[t]);
  return u;
}

// signal: [L] -> u: [L, D], u[t, d] = gain[d] * signal[t] with gain[d] ~ N(1, 0.25^2).
Matrix broadcast_signal(const std::vector<float>& signal, int d_model, uint64_t seed) {
  Rng rng(seed, Stream::Gains);
  Eigen::RowVectorXf gains(d_model);
  for (int d = 0; d < d_model; ++d) gains(d) = static_cast<float>(1.0 + 0.25 * rng.normal());
  const Eigen::Map<const Eigen::VectorXf> s(signal.data(), static_cast<Eigen::Index>(signal.size()));
  return s * gains;
}

}  // namespace

// [SECTION] make_inputs

Inputs make_inputs(const Session& session) {
  validate_session(session);
  const InputConfig& cfg = session.input;
  Inputs in;
  switch (cfg.kind) {
    case InputKind::Text: text_inputs(cfg.text, in); break;
    case InputKind::Task: task_inputs(cfg, session.seed, in); break;
    case InputKind::Signal:
      in.signal = make_signal(cfg, session.seed);
      in.roles.assign(in.signal.size(), TokenRole::Signal);
      in.targets.assign(in.signal.size(), -1);
      for (float value : in.signal) in.labels.push_back(format_value(value));
      break;
    case InputKind::Grid: grid_inputs(cfg.grid, in); break;
  }
  if (in.tokens.empty())
    in.u = broadcast_signal(in.signal, session.d_model, session.seed);
  else
    in.u = embed_tokens(in.tokens, in.vocab, session.d_model, cfg.embedding, session.seed);
  return in;
}

}  // namespace seqscope::compute
