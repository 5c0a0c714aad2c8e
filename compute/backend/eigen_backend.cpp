// EigenBackend::run: size check, SSM layer, attention layer, timings (ssm.*, attention, total).
#include "compute/backend/eigen_backend.h"

#include <chrono>
#include <cstdio>

#include "compute/attention/attention.h"
#include "compute/session/map_overview.h"
#include "compute/ssm/ssm.h"
#include "core/parallel.h"

namespace seqscope::compute {

Backend::~Backend() = default;

double estimate_result_bytes(const Session& session, int L_in) {
  const double L = L_in, D = session.d_model, N = session.ssm.state_size;
  const double C = static_cast<double>(session.ssm.hidden_attention_channels.size());
  const double H = session.attention.heads, dh = session.attention.head_dim;
  // Abar, Bbar, h, eig_discrete as complex [L, D, N] (+ h_bwd); alpha [C, L, L]; scores and
  // probs [H, L, L]; q, k, v, out [H, L, dh]; small [L, D] and [L, N] matrices.
  // Pooled maps (L > full_map_max_length) are [P, P] max and mean instead of [L, L].
  const double side = maps_pooled(session, L_in) ? overview_size(L_in) : L;
  const double ldn = L * D * N * 8.0 * (session.ssm.bidirectional ? 5.0 : 4.0);
  return ldn + 4.0 * (C * side * side + 2.0 * H * side * side + 4.0 * H * L * dh + 8.0 * L * D + 4.0 * L * N);
}

Results EigenBackend::run(const Session& session, const Inputs& inputs) { return run_eigen(session, inputs); }

Results run_eigen(const Session& session, const Inputs& inputs) {
  const int L = inputs.length();
  const double bytes = estimate_result_bytes(session, L);
  if (bytes > kMaxResultBytes) {
    char line[200];
    std::snprintf(line, sizeof line,
                  "this session needs about %.1f GiB of results (L = %d; [L, D, N] and [L, L] tensors), "
                  "at most %.0f GiB are allowed: shorten the input or reduce d_model, state_size, heads",
                  bytes / (1024.0 * 1024 * 1024), L, kMaxResultBytes / (1024.0 * 1024 * 1024));
    throw UserError(line);
  }
  const auto start = std::chrono::steady_clock::now();
  Results r;
  r.session = session;
  r.inputs = inputs;
  r.backend = "eigen";
  r.ssm = run_ssm(session, inputs.u, r.timings_ms);
  check_cancelled();
  r.attention = run_attention(session, inputs.u, r.timings_ms);
  r.timings_ms["total"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace seqscope::compute
