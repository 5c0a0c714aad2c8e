// The Eigen backend end to end: a session from make_inputs through Backend::run, the shapes
// of Results, timings, the size guard, and the .npy export read back with read_npy.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "compute/backend/eigen_backend.h"
#include "compute/io/npy.h"
#include "compute/io/tensor_export.h"
#include "compute/session/inputs.h"
#include "tests/compute/math_test_util.h"

namespace seqscope::compute {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("seqscope_test_backend_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

TEST(EigenBackend, DefaultSessionShapesAndTimings) {
  const Session session;  // text input, S6, D = 16, N = 16, H = 2, dh = 8
  const Inputs inputs = make_inputs(session);
  std::unique_ptr<Backend> backend = std::make_unique<EigenBackend>();
  EXPECT_EQ(backend->name(), "eigen");
  const Results r = backend->run(session, inputs);
  const int64_t L = inputs.length();
  EXPECT_EQ(r.backend, "eigen");
  EXPECT_EQ(r.ssm.h.shape, (std::vector<int64_t>{L, 16, 16}));
  EXPECT_EQ(r.ssm.Abar.shape, (std::vector<int64_t>{L, 16, 16}));
  EXPECT_EQ(r.ssm.y.rows(), L);
  EXPECT_EQ(r.ssm.hidden_attention.shape, (std::vector<int64_t>{1, L, L}));
  EXPECT_EQ(r.attention.probs.shape, (std::vector<int64_t>{2, L, L}));
  EXPECT_EQ(r.attention.kv_cache_bytes.size(), static_cast<size_t>(L));
  for (const char* op : {"ssm.scan", "ssm.hidden_attention", "attention", "total"}) EXPECT_EQ(r.timings_ms.count(op), 1u) << op;
  EXPECT_FALSE(r.ssm.unstable());
  // Generous: the default session takes a few ms; this only catches a pathological slowdown.
  EXPECT_LT(r.timings_ms.at("total"), 500.0);
  std::printf("[timing] default session (L=%lld): total %.2f ms, scan %.2f ms, hidden attention %.2f ms, attention %.2f ms\n",
              static_cast<long long>(L), r.timings_ms.at("total"), r.timings_ms.at("ssm.scan"),
              r.timings_ms.at("ssm.hidden_attention"), r.timings_ms.at("attention"));
}

TEST(EigenBackend, RefusesResultsTooLargeToHold) {
  // Maps this long are pooled, but the [L, D, N] tensors are not: Abar, Bbar, h of
  // 65,536 x 256 x 256 complex floats would need 128 GiB.
  Session session = test::ssm_session(SsmVariant::S6, SsmInit::S4DReal, Discretization::Mamba, 256, 256);
  Inputs inputs;
  inputs.u = Matrix::Zero(65536, 256);
  try {
    run_eigen(session, inputs);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("GiB"), std::string::npos);
  }
}

TEST(TensorExport, WritesEveryTensorAndAManifest) {
  Session session = test::ssm_session(SsmVariant::S4D, SsmInit::S4DLin, Discretization::Zoh, 4, 3);
  session.ssm.hidden_attention_channels = {0, 2};
  session.ssm.gate = true;
  session.ssm.conv_width = 2;
  Inputs inputs;
  inputs.u = test::random_u(9, 4);
  inputs.tokens = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const Results r = run_eigen(session, inputs);
  const fs::path dir = fresh_dir("export") / "nested";
  const std::vector<ExportedTensor> manifest = write_tensors(r, dir);

  std::ifstream file(dir / "manifest.json");
  const nlohmann::json json = nlohmann::json::parse(file);
  ASSERT_EQ(json.size(), manifest.size());
  std::vector<std::string> names;
  for (const auto& entry : json) {
    names.push_back(entry.at("name"));
    const NpyArray a = read_npy(dir / (entry.at("name").get<std::string>() + ".npy"));
    EXPECT_EQ(a.shape, entry.at("shape").get<std::vector<int64_t>>()) << entry.at("name");
    const std::string dtype = entry.at("dtype");
    EXPECT_EQ(dtype, a.type == NpyType::Float32 ? "float32" : a.type == NpyType::Complex64 ? "complex64" : "int32");
  }
  for (const char* name : {"u", "delta", "A", "B", "C", "Dskip", "Abar", "Bbar", "h", "y_ssm", "z", "y_gated", "kernel",
                           "hidden_attn", "hidden_attn_channels", "q", "k", "v", "probs", "attn_out", "tokens"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;

  // Values round-trip: the complex state, the scan input (after conv + SiLU), the channels.
  const NpyArray h = read_npy(dir / "h.npy");
  ASSERT_EQ(h.type, NpyType::Complex64);
  EXPECT_EQ(h.shape, (std::vector<int64_t>{9, 4, 3}));
  EXPECT_EQ(h.complexes(), std::vector<Complex>(r.ssm.h.data.begin(), r.ssm.h.data.end()));
  const NpyArray u = read_npy(dir / "u.npy");
  EXPECT_EQ(Eigen::Map<const Matrix>(u.floats().data(), 9, 4), r.ssm.u);
  EXPECT_EQ(read_npy(dir / "hidden_attn_channels.npy").ints(), (std::vector<int32_t>{0, 2}));
  EXPECT_EQ(read_npy(dir / "A.npy").type, NpyType::Complex64);
  EXPECT_EQ(read_npy(dir / "B.npy").type, NpyType::Float32);
  fs::remove_all(dir.parent_path());
}

TEST(TensorExport, RealModelsExportFloat32AndDenseShapes) {
  Session session = test::ssm_session(SsmVariant::Dense, SsmInit::HippoLegs, Discretization::Bilinear, 3, 5);
  session.ssm.bidirectional = true;
  Inputs inputs;
  inputs.u = test::random_u(6, 3);
  const fs::path dir = fresh_dir("dense");
  write_tensors(run_eigen(session, inputs), dir);
  EXPECT_EQ(read_npy(dir / "A.npy").shape, (std::vector<int64_t>{5, 5}));
  EXPECT_EQ(read_npy(dir / "Abar.npy").shape, (std::vector<int64_t>{3, 5, 5}));
  EXPECT_EQ(read_npy(dir / "Bbar.npy").shape, (std::vector<int64_t>{3, 5}));
  EXPECT_EQ(read_npy(dir / "h.npy").type, NpyType::Float32);
  EXPECT_TRUE(fs::exists(dir / "h_bwd.npy"));
  EXPECT_FALSE(fs::exists(dir / "tokens.npy"));
  fs::remove_all(dir);
}

TEST(TensorExport, UnwritableDirectoryIsOneLineUserError) {
  const fs::path dir = fresh_dir("file");
  fs::create_directories(dir);
  std::ofstream(dir / "plain_file") << "x";
  Inputs inputs;
  inputs.u = test::random_u(3, 16);
  const Results r = run_eigen(Session{}, inputs);
  try {
    write_tensors(r, dir / "plain_file" / "sub");
    FAIL() << "no error";
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("plain_file"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace seqscope::compute
