// The safetensors index on in-memory buffers: a valid file, each bound that must be checked,
// and the F16 / BF16 widening.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "compute/checkpoint/safetensors.h"

namespace ckpt = seqscope::compute::checkpoint;
using seqscope::compute::UserError;

namespace {

std::vector<unsigned char> file_with(const std::string& header, size_t buffer_bytes, uint64_t declared_len = 0) {
  const uint64_t len = declared_len ? declared_len : header.size();
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[static_cast<size_t>(i)] = static_cast<char>((len >> (8 * i)) & 0xFF);
  bytes += header;
  bytes += std::string(buffer_bytes, '\0');
  return std::vector<unsigned char>(bytes.begin(), bytes.end());
}

std::string error_of(const std::vector<unsigned char>& bytes) {
  try {
    ckpt::SafetensorsIndex index(bytes.data(), bytes.size(), "t.safetensors");
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Safetensors, ReadsAValidFile) {
  const auto bytes = file_with(
      R"({"__metadata__":{"format":"pt"},"b":{"dtype":"F16","shape":[3],"data_offsets":[8,14]},)"
      R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
      14);
  ckpt::SafetensorsIndex index(bytes.data(), bytes.size(), "t");
  ASSERT_EQ(index.tensors().size(), 2u);
  EXPECT_EQ(index.at("a").shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(index.at("b").nbytes, 6u);
  EXPECT_EQ(index.at("b").data - index.at("a").data, 8);
  EXPECT_THROW(index.at("c"), UserError);
}

TEST(Safetensors, ChecksEveryBound) {
  const std::string ok_entry = R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  EXPECT_NE(error_of({1, 2, 3}).find("truncated"), std::string::npos);
  EXPECT_NE(error_of(file_with("{" + ok_entry + "}", 8, 200'000'000)).find("exceeds 100 MB"), std::string::npos);
  EXPECT_NE(error_of(file_with("{" + ok_entry + "}", 8, 5000)).find("past the end"), std::string::npos);
  EXPECT_NE(error_of(file_with("[1,2]", 0)).find("not a JSON object"), std::string::npos);
  EXPECT_NE(error_of(file_with("{\"a\":", 0)).find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of(file_with("{" + ok_entry + "}", 4)).find("past the buffer"), std::string::npos);
  EXPECT_NE(error_of(file_with("{" + ok_entry + "}", 12)).find("cover 8 of"), std::string::npos);
  EXPECT_NE(error_of(file_with(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8)).find("needs 12"),
            std::string::npos);
  EXPECT_NE(error_of(file_with(R"({"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}})", 8)).find("unknown dtype"),
            std::string::npos);
  EXPECT_NE(error_of(file_with(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                               R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                               12))
                .find("overlaps"),
            std::string::npos);
  EXPECT_NE(error_of(file_with(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12)).find("gap"),
            std::string::npos);
  EXPECT_NE(error_of(file_with(R"({"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}})", 8))
                .find("overflows"),
            std::string::npos);
  EXPECT_NE(error_of(file_with(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8)).find("non-negative"),
            std::string::npos);
  EXPECT_NE(error_of(file_with(R"({"a":{"dtype":"F32","shape":[2]}})", 8)).find("no data_offsets"), std::string::npos);
}

TEST(Safetensors, WidensHalfAndBfloat16) {
  EXPECT_EQ(ckpt::half_to_float(0x3C00), 1.0f);
  EXPECT_EQ(ckpt::half_to_float(0xC000), -2.0f);
  EXPECT_EQ(ckpt::half_to_float(0x0001), 5.960464477539063e-08f);  // smallest subnormal
  EXPECT_EQ(ckpt::half_to_float(0x7BFF), 65504.0f);
  EXPECT_TRUE(std::isinf(ckpt::half_to_float(0x7C00)));
  EXPECT_EQ(ckpt::bfloat16_to_float(0x3F80), 1.0f);
  EXPECT_EQ(ckpt::bfloat16_to_float(0xC040), -3.0f);
}
