// write_tensors (see tensor_export.h). Each file goes through write_npy (atomic, one-line
// errors); the manifest is written last, so a manifest on disk means the export finished.
#include "compute/io/tensor_export.h"

#include <nlohmann/json.hpp>
#include <system_error>

#include "compute/io/npy.h"
#include "core/atomic_file.h"

namespace seqscope::compute {

namespace {

// Hands each tensor to the visitor with its manifest entry (shape and dtype as written).
class Collector {
 public:
  explicit Collector(const TensorVisitor& visit) : visit_(visit) {}

  void add(const std::string& name, const Matrix& m) {
    visit_({name, {m.rows(), m.cols()}, "float32"}, NpyType::Float32, m.data());
  }
  void add(const std::string& name, const Vector& v) { visit_({name, {v.size()}, "float32"}, NpyType::Float32, v.data()); }
  void add(const std::string& name, const Tensor& t) { visit_({name, t.shape, "float32"}, NpyType::Float32, t.data.data()); }
  // Complex64 when `as_complex`, else the real part as float32 (imaginary parts are 0 then).
  void add(const std::string& name, const TensorC& t, bool as_complex) {
    if (!as_complex) return add(name, real_part(t));
    visit_({name, t.shape, "complex64"}, NpyType::Complex64, t.data.data());
  }
  void add(const std::string& name, const MatrixC& m, bool as_complex) {
    if (!as_complex) return add(name, Matrix(m.real()));
    visit_({name, {m.rows(), m.cols()}, "complex64"}, NpyType::Complex64, m.data());
  }
  void add(const std::string& name, const std::vector<int>& values) {
    static_assert(sizeof(int) == sizeof(int32_t));
    visit_({name, {static_cast<int64_t>(values.size())}, "int32"}, NpyType::Int32, values.data());
  }

 private:
  const TensorVisitor& visit_;
};

}  // namespace

void ensure_export_dir(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw UserError("cannot create export directory '" + dir.string() + "': " + error.message());
  if (!std::filesystem::is_directory(dir, error))
    throw UserError("cannot export to '" + dir.string() + "': not a directory");
}

namespace {

void add_ssm(Collector& out, const SsmResults& s) {
  const bool cplx = s.is_complex;
  out.add("u", s.u);
  out.add("delta", s.delta);
  out.add("A", s.A, cplx);
  out.add("B", s.B);
  out.add("C", s.C, cplx);
  out.add("Dskip", s.Dskip);
  // Diagonal: [L, D, N] (LTI repeats along L); dense: Abar [D, N, N], Bbar [D, N].
  out.add("Abar", s.Abar, cplx);
  out.add("Bbar", s.Bbar, cplx);
  out.add("h", s.h, cplx);
  if (s.bidirectional) out.add("h_bwd", s.h_bwd, cplx);
  out.add("y_ssm", s.y);
  if (s.gated) {
    out.add("z", s.z);
    out.add("y_gated", s.y_gated);
  }
  if (s.lti) out.add("kernel", s.kernel);
  // L beyond a full map: the pooled overview (max |alpha|, mean alpha per block) instead.
  if (s.pooled()) {
    out.add("hidden_attn_pool_max", s.hidden_attention_overview.max_abs);
    out.add("hidden_attn_pool_mean", s.hidden_attention_overview.mean);
  } else {
    out.add("hidden_attn", s.hidden_attention);
  }
  out.add("hidden_attn_channels", s.hidden_attention_channels);
  if (!s.eig_continuous.data.empty()) out.add("eig_continuous", s.eig_continuous, true);
}

void add_attention(Collector& out, const AttentionResults& a) {
  out.add("q", a.q);
  out.add("k", a.k);
  out.add("v", a.v);
  if (a.pooled()) {
    out.add("probs_pool_max", a.probs_overview.max_abs);
    out.add("probs_pool_mean", a.probs_overview.mean);
  } else {
    out.add("probs", a.probs);
  }
  out.add("attn_out", a.out);
}

}  // namespace

void for_each_tensor(const Results& r, const TensorVisitor& visit) {
  Collector out(visit);
  // A real checkpoint runs one of the two models (L == 0 for the other): only its tensors.
  if (r.ssm.L > 0) add_ssm(out, r.ssm);
  if (r.attention.L > 0) add_attention(out, r.attention);
  if (!r.inputs.tokens.empty()) out.add("tokens", r.inputs.tokens);
  if (r.logits.size() > 0) out.add("logits", r.logits);
}

std::vector<ExportedTensor> write_tensors(const Results& r, const std::filesystem::path& dir) {
  ensure_export_dir(dir);
  std::vector<ExportedTensor> manifest;
  for_each_tensor(r, [&](const ExportedTensor& entry, NpyType type, const void* data) {
    write_npy(dir / (entry.name + ".npy"), type, entry.shape, data);
    manifest.push_back(entry);
  });
  // The manifest goes last: a manifest on disk means the export finished.
  nlohmann::json list = nlohmann::json::array();
  for (const ExportedTensor& t : manifest) list.push_back({{"name", t.name}, {"shape", t.shape}, {"dtype", t.dtype}});
  write_file_atomic(dir / "manifest.json", list.dump(2) + "\n");
  return manifest;
}

}  // namespace seqscope::compute
