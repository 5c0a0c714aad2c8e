// make_inputs (inputs.h): the sequence u [L, D] of a session, with tokens, roles, labels, targets,
// the scalar signal and the grid scan order. Everything is deterministic in session.seed.
//
//   text_inputs         UTF-8 bytes as tokens, one label per character
//   task_inputs         the token tasks, from their generators in tasks.h
//   signal_inputs       impulse, step, sine, square, chirp, noise, sines
//   spatial_scan, grid_inputs   frames of a pattern flattened in a scan order
//   embed_tokens, broadcast_signal   tokens or a scalar signal -> u [L, D]
//
// Randomness: InputRng (input_rng.h), one stream per purpose (embedding table, channel gains,
// noise signal, task tokens), so that changing the task does not change the embedding table.
//
// Index (each part starts at a "// [SECTION] name" line):
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
#include <utility>
#include <string>
#include <vector>

#include "compute/session/input_rng.h"
#include "compute/session/inputs.h"
#include "compute/session/session_schema.h"
#include "compute/session/tasks.h"
#include "core/utf8.h"

namespace seqscope::compute {
namespace {

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

// [SECTION] token tasks

// The session's task from the generator that training draws its batches from (tasks.h), so the
// dashboard shows exactly the training format: here the sample of the session's seed.
void task_inputs(const InputConfig& cfg, uint64_t seed, Inputs& in) {
  TaskSample sample = make_task_sample(task_spec(cfg), seed);
  in.tokens = std::move(sample.tokens);
  in.targets = std::move(sample.targets);
  in.roles = std::move(sample.roles);
  in.vocab = cfg.vocab;
  for (int token : in.tokens) in.labels.push_back(task_token_label(token));
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
  InputRng rng(seed, InputStream::Noise);
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
    InputRng rng(seed, InputStream::Embedding);
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
  InputRng rng(seed, InputStream::Gains);
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
