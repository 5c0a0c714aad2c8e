// The SSM layer on the GPU (see vulkan_kernels.h). The CPU builds the weights, the conv +
// SiLU and the projections (delta, B, C, z: the same Eigen code as the reference, so both
// backends scan identical inputs) and the per-channel discretization of LTI models; the GPU
// discretizes selective models per step and runs the scans, readout + gate, kernel and
// hidden attention. Eigenvalues and stability flags are computed on the CPU from the Abar
// the GPU wrote.
//
// Index (each part starts at a "// [SECTION] name" line):
//   prepare
//   upload
//   record
//   read back
#include <cstring>

#include "compute/ssm/discretize.h"
#include "compute/ssm/ssm.h"
#include "compute/ssm/ssm_init.h"
#include "compute/ssm/ssm_scan.h"
#include "compute/vulkan/vulkan_kernels.h"

namespace seqscope::vk {

using compute::Complex;
using compute::Matrix;
using compute::MatrixC;
using compute::SsmParams;
using compute::SsmResults;

namespace {

constexpr VkDeviceSize kComplex = 2 * sizeof(float);

// Exactly what compute::discretize_diagonal does for one LTI channel row.
void discretize_lti(const SsmParams& p, const SsmResults& r, compute::Discretization method, SsmJob& job) {
  const bool real_A = (p.A.imag().array() == 0.0f).all();
  job.abar_lti = MatrixC(p.D, p.N);
  job.bbar_lti = MatrixC(p.D, p.N);
  for (int d = 0; d < p.D; ++d)
    for (int n = 0; n < p.N; ++n) {
      const float dt = r.delta(0, d);
      const compute::DiscreteMode m = real_A ? compute::discretize_mode_real(p.A(d, n).real(), dt, method)
                                             : compute::discretize_mode(p.A(d, n), dt, method);
      job.abar_lti(d, n) = m.Abar;
      job.bbar_lti(d, n) = m.bbar_scale * r.B(d, n);
    }
}

// As run_dense in compute/ssm/ssm.cpp: Abar [D, N, N], Bbar [D, N] per channel, in double.
void discretize_dense_all(const SsmParams& p, compute::Discretization method, SsmJob& job) {
  const int D = p.D, N = p.N;
  job.dense_abar = compute::Tensor({D, N, N});
  job.dense_bbar = Matrix(D, N);
  SsmResults& r = job.r;
  r.Abar = compute::TensorC({D, N, N});
  r.Bbar = compute::TensorC({D, N});
  for (int d = 0; d < D; ++d) {
    compute::DenseDiscrete dd;
    if (p.discrete_time)
      dd = {p.A_dense, p.B.row(d).transpose()};
    else
      dd = compute::discretize_dense(p.A_dense, p.B.row(d).transpose(), p.dt(d), method);
    for (int i = 0; i < N; ++i) {
      for (int j = 0; j < N; ++j) {
        job.dense_abar.at(d, i, j) = dd.Abar(i, j);
        r.Abar.at(d, i, j) = dd.Abar(i, j);
      }
      job.dense_bbar(d, i) = dd.Bbar(i);
      r.Bbar.data[static_cast<size_t>(d * N + i)] = dd.Bbar(i);
    }
  }
}

void check_limits(const gpu::Context& context, const SsmJob& job) {
  const SsmResults& r = job.r;
  const double L = r.L, ldn = L * r.D * r.N;
  require_buffer_range(context, ldn * kComplex, "the state h [L, D, N]", r.L);
  const double channels = static_cast<double>(r.hidden_attention_channels.size());
  const double side = job.pooled_size > 0 ? job.pooled_size : L;
  require_buffer_range(context, channels * side * side * sizeof(float), "the hidden attention [C, L, L]", r.L);
  require_buffer_range(context, channels * L * r.N * 4 * sizeof(float), "the hidden attention prefix [C, L, N]", r.L);
}

}  // namespace

// [SECTION] prepare

int pool_rows_per_dispatch(const gpu::Context& context, int L, int P, int entry_loop) {
  if (!context.device_info().is_cpu() || P <= 0) return INT32_MAX;
  // Per row, generously: every key bin an invocation owns (map_pool_common.glsl), each with
  // its widest bin of keys, each entry looping entry_loop times.
  const int64_t bins = (P + kGroup - 1) / kGroup, keys = (int64_t{L} + P - 1) / P + 1;
  const int64_t per_row = bins * keys * (entry_loop + 3) + bins + 2;
  return static_cast<int>(std::max<int64_t>(1, (60000 - 4 * bins) / per_row));
}

int dense_steps_per_dispatch(const gpu::Context& context, int N) {
  if (!context.device_info().is_cpu()) return INT32_MAX;
  // Loop iterations per step of ssm_dense_scan.comp and ssm_kernel_dense.comp, counted
  // generously: the rows an invocation owns, each a row sum of N, the kernel's read-out (N more
  // for invocation 0) and the step itself. gallivm counts a loop of n passes as n + 1 (the pass
  // that exits counts too): with N = 4 the kernel stopped after 4681 steps of 14, not 12.
  const int rows = (N + kGroup - 1) / kGroup;
  const int per_step = 2 + (N + 1) + (rows + 1) * (N + 2);
  return std::max(1, (60000 - 2 * rows) / per_step);
}

SsmJob prepare_ssm(const gpu::Context& context, const compute::Session& session, const Matrix& u_block) {
  SsmJob job;
  job.r = compute::ssm_results_header(session, u_block);
  SsmResults& r = job.r;
  const SsmParams& p = r.params;
  job.method = session.ssm.discretization;
  if (compute::maps_pooled(session, r.L)) job.pooled_size = compute::overview_size(r.L);
  check_limits(context, job);
  compute::fill_scan_inputs(u_block, r);
  if (p.dense)
    discretize_dense_all(p, job.method, job);
  else if (r.lti)
    discretize_lti(p, r, job.method, job);
  job.directions = r.bidirectional ? 2 : 1;
  job.chunks = (r.L + kScanChunk - 1) / kScanChunk;
  job.dense_steps = dense_steps_per_dispatch(context, r.N);
  job.pool_rows = pool_rows_per_dispatch(context, r.L, job.pooled_size, r.bidirectional ? 2 * r.N : r.N);
  return job;
}

SsmJob prepare_model_ssm(const gpu::Context& context, compute::SsmResults r, bool states) {
  SsmJob job;
  job.r = std::move(r);
  job.method = compute::Discretization::Mamba;
  job.read_states = states;
  check_limits(context, job);
  job.directions = 1;
  job.chunks = (job.r.L + kScanChunk - 1) / kScanChunk;
  return job;
}

// [SECTION] upload

void upload_ssm(const SsmJob& job, BufferPool& buffers) {
  const SsmResults& r = job.r;
  const auto bytes_of = [](const auto& m) { return static_cast<size_t>(m.size()) * sizeof(m.data()[0]); };
  put(buffers, "ssm.u", r.u.data(), bytes_of(r.u));
  put(buffers, "ssm.delta", r.delta.data(), bytes_of(r.delta));
  put(buffers, "ssm.A", r.A.data(), bytes_of(r.A));
  put(buffers, "ssm.B", r.B.data(), bytes_of(r.B));
  put(buffers, "ssm.C", r.C.data(), bytes_of(r.C));
  put(buffers, "ssm.Dskip", r.Dskip.data(), bytes_of(r.Dskip));
  put(buffers, "ssm.z", r.z.data(), bytes_of(r.z));
  put(buffers, "ssm.abar_lti", job.abar_lti.data(), bytes_of(job.abar_lti));
  put(buffers, "ssm.bbar_lti", job.bbar_lti.data(), bytes_of(job.bbar_lti));
  put(buffers, "ssm.dense_abar", job.dense_abar.data.data(), job.dense_abar.data.size() * sizeof(float));
  put(buffers, "ssm.dense_bbar", job.dense_bbar.data(), bytes_of(job.dense_bbar));
  const std::vector<int>& channels = r.hidden_attention_channels;
  put(buffers, "ssm.channels", channels.data(), channels.size() * sizeof(int));
}

// [SECTION] record

namespace {

struct ScanPush {
  int32_t L, D, N, num_chunks, selective, method;
};
struct CarryPush {
  int32_t modes, num_chunks;
};
struct FixupPush {
  int32_t L, D, N, num_chunks;
};
struct ReadoutPush {
  int32_t L, D, N, c_per_step, bidirectional, gated;
  float re_scale;
};
struct DensePush {
  int32_t L, D, N, i_lo, i_hi;
};
struct KernelPush {
  int32_t L, D, N;
  float re_scale;
};
struct PrefixPush {
  int32_t L, D, N, num_channels, exp_decay;
};
struct TilesPush {
  int32_t L, D, N, lti, bidirectional, complex_a;
  float re_scale;
};
struct PoolPush {
  TilesPush tiles;
  int32_t P, row_lo, row_hi, finish;
};

void record_diagonal_scan(Recorder& rec, const Kernels& k, BufferPool& b, const SsmJob& job) {
  const SsmResults& r = job.r;
  const int64_t ldn = int64_t{r.L} * r.D * r.N, modes = int64_t{r.D} * r.N;
  const int64_t aggs = int64_t{job.directions} * job.chunks * modes;
  gpu::GpuBuffer& agg = b.ensure("ssm.agg", aggs * 4 * sizeof(float));
  gpu::GpuBuffer& carry = b.ensure("ssm.carry", aggs * kComplex);
  gpu::GpuBuffer& abar = b.ensure("ssm.Abar", ldn * kComplex);
  gpu::GpuBuffer& h = b.ensure("ssm.h", ldn * kComplex);
  gpu::GpuBuffer& h_bwd = b.ensure("ssm.h_bwd", r.bidirectional ? ldn * kComplex : 16);
  const ScanPush push{r.L, r.D, r.N, job.chunks, r.lti ? 0 : 1, static_cast<int32_t>(job.method)};
  rec.dispatch(k.scan_chunk,
               {&b.at("ssm.u"), &b.at("ssm.delta"), &b.at("ssm.A"), &b.at("ssm.B"), &b.at("ssm.abar_lti"),
                &b.at("ssm.bbar_lti"), &abar, &b.ensure("ssm.Bbar", ldn * kComplex), &h, &h_bwd, &agg},
               push, groups_for(modes, kGroup), job.chunks, job.directions);
  if (job.chunks < 2) return;
  rec.dispatch(k.scan_carry, {&agg, &carry}, CarryPush{static_cast<int32_t>(modes), job.chunks},
               groups_for(modes, kGroup), job.directions);
  rec.dispatch(k.scan_fixup, {&abar, &carry, &h, &h_bwd}, FixupPush{r.L, r.D, r.N, job.chunks},
               groups_for(modes, kGroup), job.chunks - 1, job.directions);
}

void record_dense_scan(Recorder& rec, const Kernels& k, BufferPool& b, const SsmJob& job) {
  const SsmResults& r = job.r;
  const int64_t ldn = int64_t{r.L} * r.D * r.N;
  gpu::GpuBuffer& h = b.ensure("ssm.h", ldn * kComplex);
  gpu::GpuBuffer& h_bwd = b.ensure("ssm.h_bwd", r.bidirectional ? ldn * kComplex : 16);
  for (int lo = 0; lo < r.L; lo += job.dense_steps) {
    const int hi = static_cast<int>(std::min<int64_t>(r.L, int64_t{lo} + job.dense_steps));
    rec.dispatch(k.dense_scan, {&b.at("ssm.u"), &b.at("ssm.dense_abar"), &b.at("ssm.dense_bbar"), &h, &h_bwd},
                 DensePush{r.L, r.D, r.N, lo, hi}, r.D, job.directions);
  }
}

void record_readout(Recorder& rec, const Kernels& k, BufferPool& b, const SsmJob& job) {
  const SsmResults& r = job.r;
  const int64_t ld = int64_t{r.L} * r.D;
  const ReadoutPush push{r.L, r.D, r.N, r.lti ? 0 : 1, r.bidirectional ? 1 : 0, r.gated ? 1 : 0,
                         r.is_complex ? 2.0f : 1.0f};
  rec.dispatch(k.readout,
               {&b.at("ssm.u"), &b.at("ssm.C"), &b.at("ssm.Dskip"), &b.at("ssm.h"), &b.at("ssm.h_bwd"),
                &b.at("ssm.z"), &b.ensure("ssm.y", ld * sizeof(float)),
                &b.ensure("ssm.y_gated", r.gated ? ld * sizeof(float) : 16)},
               push, groups_for(ld, kGroup));
}

void record_kernel(Recorder& rec, const Kernels& k, BufferPool& b, const SsmJob& job) {
  const SsmResults& r = job.r;
  gpu::GpuBuffer& out = b.ensure("ssm.kernel", int64_t{r.D} * r.L * sizeof(float));
  if (r.dense) {
    gpu::GpuBuffer& state = b.ensure("ssm.kernel_state", int64_t{r.D} * r.N * 2 * sizeof(float));
    for (int lo = 0; lo < r.L; lo += job.dense_steps) {
      const int hi = static_cast<int>(std::min<int64_t>(r.L, int64_t{lo} + job.dense_steps));
      rec.dispatch(k.kernel_dense, {&b.at("ssm.dense_abar"), &b.at("ssm.dense_bbar"), &b.at("ssm.C"), &out, &state},
                   DensePush{r.L, r.D, r.N, lo, hi}, r.D);
    }
    return;
  }
  const int64_t chunks = (r.L + kKernelTaps - 1) / kKernelTaps;
  rec.dispatch(k.kernel,
               {&b.at("ssm.abar_lti"), &b.at("ssm.bbar_lti"), &b.at("ssm.C"),
                &b.ensure("ssm.kernel_acc", int64_t{r.D} * r.L * kComplex), &out},
               KernelPush{r.L, r.D, r.N, r.is_complex ? 2.0f : 1.0f}, groups_for(r.D * chunks, kGroup));
}

void record_hidden_attention(Recorder& rec, const Kernels& k, BufferPool& b, const SsmJob& job) {
  const SsmResults& r = job.r;
  const int channels = static_cast<int>(r.hidden_attention_channels.size());
  const bool exp_decay = job.method == compute::Discretization::Zoh || job.method == compute::Discretization::Mamba;
  gpu::GpuBuffer& prefix = b.ensure("ssm.ha_prefix", r.lti ? 16 : int64_t{channels} * r.L * r.N * 4 * sizeof(float));
  if (!r.lti)
    rec.dispatch(k.hidden_prefix,
                 {&b.at("ssm.delta"), &b.at("ssm.A"), &b.at("ssm.Abar"), &b.at("ssm.channels"), &prefix},
                 PrefixPush{r.L, r.D, r.N, channels, exp_decay ? 1 : 0}, groups_for(int64_t{channels} * r.N, kGroup));
  const TilesPush push{r.L, r.D, r.N, r.lti ? 1 : 0, r.bidirectional ? 1 : 0, r.is_complex ? 1 : 0,
                       r.is_complex ? 2.0f : 1.0f};
  // LTI models bind the kernel; selective ones C [L, N], Bbar and the prefix.
  gpu::GpuBuffer& kernel = r.lti ? b.at("ssm.kernel") : b.ensure("ssm.kernel", 16);
  gpu::GpuBuffer& bbar = r.dense ? b.ensure("ssm.Bbar", 16) : b.at("ssm.Bbar");
  if (job.pooled_size > 0) {  // the overview: one workgroup per (query bin, channel)
    const int P = job.pooled_size;
    const int64_t pooled = int64_t{channels} * P * P * sizeof(float);
    gpu::GpuBuffer& pool_max = b.ensure("ssm.alpha_pool_max", pooled);
    gpu::GpuBuffer& pool_mean = b.ensure("ssm.alpha_pool_mean", pooled);
    const int rows = (r.L + P - 1) / P;  // the most rows a row bin has
    for (int lo = 0; lo < rows; lo += job.pool_rows) {
      const int hi = static_cast<int>(std::min<int64_t>(rows, int64_t{lo} + job.pool_rows));
      rec.dispatch(k.hidden_pool,
                   {&b.at("ssm.C"), &bbar, &prefix, &kernel, &b.at("ssm.channels"), &pool_max, &pool_mean},
                   PoolPush{push, P, lo, hi, hi == rows ? 1 : 0}, P, channels);
    }
    return;
  }
  gpu::GpuBuffer& alpha = b.ensure("ssm.alpha", int64_t{channels} * r.L * r.L * sizeof(float));
  rec.dispatch(k.hidden_tiles, {&b.at("ssm.C"), &bbar, &prefix, &kernel, &b.at("ssm.channels"), &alpha}, push,
               groups_for(r.L, kTile), groups_for(r.L, kTile), channels);
}

}  // namespace

void record_ssm(Recorder& rec, const Kernels& kernels, BufferPool& buffers, const SsmJob& job) {
  const SsmResults& r = job.r;
  rec.begin_op("ssm_scan");
  if (r.dense)
    record_dense_scan(rec, kernels, buffers, job);
  else
    record_diagonal_scan(rec, kernels, buffers, job);
  record_readout(rec, kernels, buffers, job);
  rec.end_op();
  if (r.lti) {
    rec.begin_op("kernel");
    record_kernel(rec, kernels, buffers, job);
    rec.end_op();
  }
  if (!r.hidden_attention_channels.empty()) {
    rec.begin_op("hidden_attention");
    record_hidden_attention(rec, kernels, buffers, job);
    rec.end_op();
  }
}

// [SECTION] read back

void read_ssm(const BufferPool& buffers, SsmJob& job) {
  SsmResults& r = job.r;
  const int64_t L = r.L, D = r.D, N = r.N;
  const auto read_complex = [&](const char* name, compute::TensorC& out) {
    out = compute::TensorC({L, D, N});
    get(buffers, name, out.data.data(), out.data.size() * sizeof(Complex));
  };
  if (!job.read_states) {
    r.y = Matrix(L, D);
    get(buffers, "ssm.y", r.y.data(), r.y.size() * sizeof(float));
    if (r.gated) {
      r.y_gated = Matrix(L, D);
      get(buffers, "ssm.y_gated", r.y_gated.data(), r.y_gated.size() * sizeof(float));
    }
    return;
  }
  if (!r.dense) {
    read_complex("ssm.Abar", r.Abar);
    read_complex("ssm.Bbar", r.Bbar);
  }
  read_complex("ssm.h", r.h);
  if (r.bidirectional) read_complex("ssm.h_bwd", r.h_bwd);
  r.y = Matrix(L, D);
  get(buffers, "ssm.y", r.y.data(), r.y.size() * sizeof(float));
  if (r.gated) {
    r.y_gated = Matrix(L, D);
    get(buffers, "ssm.y_gated", r.y_gated.data(), r.y_gated.size() * sizeof(float));
  }
  if (r.lti) {
    r.kernel = Matrix(D, L);
    get(buffers, "ssm.kernel", r.kernel.data(), r.kernel.size() * sizeof(float));
  }
  const int64_t channels = static_cast<int64_t>(r.hidden_attention_channels.size());
  if (job.pooled_size > 0) {
    r.hidden_attention_overview = compute::make_overview(static_cast<int>(channels), r.L);
    compute::MapOverview& o = r.hidden_attention_overview;
    if (channels > 0) {
      get(buffers, "ssm.alpha_pool_max", o.max_abs.data.data(), o.max_abs.data.size() * sizeof(float));
      get(buffers, "ssm.alpha_pool_mean", o.mean.data.data(), o.mean.data.size() * sizeof(float));
    }
  } else {
    r.hidden_attention = compute::Tensor({channels, L, L});
    if (channels > 0)
      get(buffers, "ssm.alpha", r.hidden_attention.data.data(), r.hidden_attention.data.size() * sizeof(float));
  }
  compute::make_eigenvalues(r.params, r);
}

}  // namespace seqscope::vk
