// .npy files: header layout as numpy writes it, float32 / complex64 / int32 round trips of several
// ranks, numpy itself reading them (when /usr/bin/python3 has numpy), atomic writes and the
// one-line errors for paths that cannot be written.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "compute/io/npy.h"
#include "core/atomic_file.h"

namespace seqscope::compute {
namespace {

class Npy : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("seqscope_test_npy_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all, std::filesystem::perm_options::add);
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

std::string read_all(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

TEST(NpyHeader, MatchesNumpyLayout) {
  for (const auto& shape : {std::vector<int64_t>{}, {5}, {2, 3}, {4, 16, 16}, {1000000, 3, 7, 9}}) {
    const std::string header = npy_header(NpyType::Float32, shape);
    EXPECT_EQ(header.size() % 64, 0u);
    EXPECT_EQ(header.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
    const size_t length = static_cast<unsigned char>(header[8]) | (static_cast<unsigned char>(header[9]) << 8);
    EXPECT_EQ(length + 10, header.size());
    EXPECT_EQ(header.back(), '\n');
  }
  const std::string header = npy_header(NpyType::Complex64, {5});
  EXPECT_EQ(header.substr(10, header.find('}') - 9),
            "{'descr': '<c8', 'fortran_order': False, 'shape': (5,), }");
  EXPECT_NE(npy_header(NpyType::Int32, {}).find("'shape': ()"), std::string::npos);
  EXPECT_NE(npy_header(NpyType::Int32, {2, 3}).find("'descr': '<i4'"), std::string::npos);
  EXPECT_NE(npy_header(NpyType::Int32, {2, 3}).find("'shape': (2, 3)"), std::string::npos);
}

TEST_F(Npy, FloatTensorRoundTrips) {
  Tensor tensor({3, 4, 5});
  for (int64_t i = 0; i < tensor.size(); ++i) tensor.data[static_cast<size_t>(i)] = 0.5f * static_cast<float>(i) - 7.25f;
  write_npy(dir_ / "t.npy", tensor);
  const NpyArray back = read_npy(dir_ / "t.npy");
  EXPECT_EQ(back.type, NpyType::Float32);
  EXPECT_EQ(back.shape, tensor.shape);
  EXPECT_EQ(back.floats(), std::vector<float>(tensor.data.begin(), tensor.data.end()));
  EXPECT_EQ(std::filesystem::file_size(dir_ / "t.npy"), npy_header(NpyType::Float32, {3, 4, 5}).size() + 60 * 4);
}

TEST_F(Npy, MatrixIsWrittenRowMajor) {
  Matrix m(2, 3);
  m << 1, 2, 3, 4, 5, 6;
  write_npy(dir_ / "m.npy", m);
  const NpyArray back = read_npy(dir_ / "m.npy");
  EXPECT_EQ(back.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(back.floats(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST_F(Npy, ComplexAndIntRoundTrip) {
  MatrixC a(2, 2);
  a << Complex(-0.5f, 1.0f), Complex(-0.5f, -1.0f), Complex(3.0f, 0.0f), Complex(0.0f, 2.5f);
  write_npy(dir_ / "a.npy", a);
  const NpyArray back_a = read_npy(dir_ / "a.npy");
  EXPECT_EQ(back_a.type, NpyType::Complex64);
  EXPECT_EQ(back_a.complexes(), (std::vector<Complex>{a(0, 0), a(0, 1), a(1, 0), a(1, 1)}));

  const std::vector<int> tokens{0, 5, -1, 2147483647, -2147483647 - 1};
  write_npy(dir_ / "tokens.npy", tokens);
  const NpyArray back_tokens = read_npy(dir_ / "tokens.npy");
  EXPECT_EQ(back_tokens.type, NpyType::Int32);
  EXPECT_EQ(back_tokens.shape, (std::vector<int64_t>{5}));
  EXPECT_EQ(back_tokens.ints(), (std::vector<int32_t>(tokens.begin(), tokens.end())));

  Vector v(3);
  v << 1.5f, -2.0f, 0.0f;
  write_npy(dir_ / "v.npy", v);
  EXPECT_EQ(read_npy(dir_ / "v.npy").shape, (std::vector<int64_t>{3}));
}

TEST_F(Npy, EmptyAndScalarShapes) {
  write_npy(dir_ / "empty.npy", Matrix(0, 4));
  EXPECT_EQ(read_npy(dir_ / "empty.npy").shape, (std::vector<int64_t>{0, 4}));
  const float one = 1.0f;
  write_npy(dir_ / "scalar.npy", std::span<const float>(&one, 1), {});
  const NpyArray scalar = read_npy(dir_ / "scalar.npy");
  EXPECT_TRUE(scalar.shape.empty());
  EXPECT_EQ(scalar.floats(), std::vector<float>{1.0f});
}

TEST_F(Npy, ShapeDataMismatchIsAProgrammingError) {
  std::vector<float> data(5);
  EXPECT_THROW(write_npy(dir_ / "x.npy", std::span<const float>(data), {2, 3}), std::invalid_argument);
}

TEST_F(Npy, NumpyLoadsTheFilesIdentically) {
  if (::access("/usr/bin/python3", X_OK) != 0 || std::system("/usr/bin/python3 -c 'import numpy' 2>/dev/null") != 0)
    GTEST_SKIP() << "/usr/bin/python3 with numpy is not available";
  Tensor f({2, 3, 4});
  for (int64_t i = 0; i < f.size(); ++i) f.data[static_cast<size_t>(i)] = 0.25f * static_cast<float>(i) - 3.0f;
  write_npy(dir_ / "f.npy", f);
  TensorC c({3, 2});
  for (int64_t i = 0; i < c.size(); ++i) c.data[static_cast<size_t>(i)] = Complex(static_cast<float>(i), -0.5f * static_cast<float>(i));
  write_npy(dir_ / "c.npy", c);
  write_npy(dir_ / "i.npy", std::vector<int>{3, -1, 7});
  const std::string script =
      "import numpy as np, sys\n"
      "d = sys.argv[1]\n"
      "f = np.load(d + '/f.npy'); c = np.load(d + '/c.npy'); i = np.load(d + '/i.npy')\n"
      "assert f.dtype == np.float32 and f.shape == (2, 3, 4), (f.dtype, f.shape)\n"
      "assert np.array_equal(f, (np.arange(24, dtype=np.float32) * 0.25 - 3).reshape(2, 3, 4))\n"
      "assert c.dtype == np.complex64 and c.shape == (3, 2)\n"
      "assert np.array_equal(c, (np.arange(6) - 0.5j * np.arange(6)).astype(np.complex64).reshape(3, 2))\n"
      "assert i.dtype == np.int32 and list(i) == [3, -1, 7]\n";
  std::ofstream(dir_ / "check.py") << script;
  const std::string command = "/usr/bin/python3 " + (dir_ / "check.py").string() + " " + dir_.string();
  EXPECT_EQ(std::system(command.c_str()), 0);
}

TEST_F(Npy, ReadsWhatNumpyWrites) {
  if (::access("/usr/bin/python3", X_OK) != 0 || std::system("/usr/bin/python3 -c 'import numpy' 2>/dev/null") != 0)
    GTEST_SKIP() << "/usr/bin/python3 with numpy is not available";
  const std::string command = "/usr/bin/python3 -c \"import numpy as np; np.save('" + (dir_ / "np.npy").string() +
                              "', np.arange(12, dtype='<f4').reshape(3, 4) / 4)\"";
  ASSERT_EQ(std::system(command.c_str()), 0);
  const NpyArray back = read_npy(dir_ / "np.npy");
  EXPECT_EQ(back.shape, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(back.floats()[5], 1.25f);
}

TEST_F(Npy, UnwritablePathsThrowOneLineNamingThePath) {
  const auto missing_dir = dir_ / "no" / "such" / "dir" / "x.npy";
  try {
    write_npy(missing_dir, Matrix::Zero(2, 2).eval());
    FAIL() << "no error";
  } catch (const UserError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(missing_dir.string()), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  if (::geteuid() != 0) {  // root ignores directory permissions
    const auto locked = dir_ / "locked";
    std::filesystem::create_directory(locked);
    std::filesystem::permissions(locked, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    EXPECT_THROW(write_npy(locked / "x.npy", Matrix::Zero(2, 2).eval()), UserError);
    std::filesystem::permissions(locked, std::filesystem::perms::owner_all);
  }
  EXPECT_THROW(read_npy(dir_ / "absent.npy"), UserError);
}

TEST_F(Npy, AtomicFileLeavesNoTemporaryAndKeepsTheOldFileOnAbort) {
  const auto path = dir_ / "state.json";
  write_file_atomic(path, "old");
  {
    AtomicFile file(path);
    file.write("new, but never committed");
  }  // destroyed without commit()
  EXPECT_EQ(read_all(path), "old");
  write_file_atomic(path, "new");
  EXPECT_EQ(read_all(path), "new");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1u) << "a temporary file was left behind";
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0644u);
}

TEST_F(Npy, RejectsFilesItDoesNotUnderstand) {
  write_file_atomic(dir_ / "junk.npy", "not an npy file at all");
  EXPECT_THROW(read_npy(dir_ / "junk.npy"), UserError);
  const std::string truncated = npy_header(NpyType::Float32, {4}) + std::string(8, '\0');  // 2 of 4 floats
  write_file_atomic(dir_ / "short.npy", truncated);
  EXPECT_THROW(read_npy(dir_ / "short.npy"), UserError);
}

}  // namespace
}  // namespace seqscope::compute
