// The model zoo (app/model_zoo.h, assets/zoo, scripts/train_zoo.sh): every shipped folder
// opens, fits the 3 MB budget and names its task; copy-attn retrained from the recipe its own
// config.json records gives the shipped weights bit for bit; `--model zoo:NAME` opens a zoo
// model and an unknown name is one line listing the names.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/model_zoo.h"
#include "compute/checkpoint/seqscope_folder.h"
#include "compute/session/tasks.h"
#include "tests/support/process.h"

namespace seqscope {
namespace {

namespace fs = std::filesystem;

const std::string k_bin = SEQSCOPE_BINARY;

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// "seqscope 0.1.0 (Eigen SIMD: ...)" -> "Eigen SIMD: ..."
std::string simd_of(const std::string& version_line) {
  const auto at = version_line.find("Eigen SIMD");
  return at == std::string::npos ? "" : version_line.substr(at);
}

TEST(Zoo, EveryModelOpensFitsTheBudgetAndNamesItsTask) {
  const auto models = app::zoo_models();
  std::set<std::string> names;
  for (const auto& model : models) names.insert(model.name);
  for (const char* required : {"selective_copy-MM", "selective_copy-SS", "copy-attn", "copy-MM", "copy-hybrid",
                               "induction-MM", "induction-attn", "mqar-attn", "mqar-MM-N4"})
    EXPECT_TRUE(names.count(required)) << required << " is missing from " << app::zoo_dir();
  uintmax_t bytes = 0;
  for (const auto& entry : fs::recursive_directory_iterator(app::zoo_dir()))
    if (entry.is_regular_file()) bytes += entry.file_size();
  EXPECT_LE(bytes, 3u * 1024 * 1024) << "the zoo is over its 3 MB";
  for (const auto& model : models) {
    const auto params = compute::checkpoint::load_model_folder(model.dir);
    ASSERT_TRUE(params.config.settings.contains("task")) << model.name;
    EXPECT_TRUE(compute::task_from_json(params.config.settings["task"]).has_value()) << model.name;
    EXPECT_EQ(params.config.settings.value("status", std::string()), "finished") << model.name;
    EXPECT_TRUE(fs::exists(model.dir / "eval.json")) << model.name;
  }
}

TEST(Zoo, CopyAttentionRetrainsToTheShippedBytes) {
  const fs::path shipped = app::zoo_dir() / "copy-attn";
  const auto version = testing::run_process(k_bin + " --version");
  const std::string trained_with = read_bytes(app::zoo_dir() / "TRAINED_WITH");
  if (simd_of(trained_with) != simd_of(version.out))
    GTEST_SKIP() << "the zoo was trained with " << trained_with << "this build is " << version.out
                 << "(float sums differ between instruction sets, so bits are compared on the same one only)";
  // The recipe as config.json records it: the task, the model's sizes and the training.
  const nlohmann::json config = nlohmann::json::parse(read_bytes(shipped / "config.json"));
  const nlohmann::json& task = config["settings"]["task"];
  const nlohmann::json& how = config["settings"]["train"];
  std::ostringstream args;
  args << " train --task " << task["task"].get<std::string>() << " --vocab " << task["vocab"] << " --length "
       << task["length"] << " --tokens " << task["num_tokens"] << " --pattern '" << config["pattern"].get<std::string>()
       << "' --d-model " << config["d_model"] << " --heads " << config["n_heads"] << " --state " << config["d_state"]
       << " --steps " << how["steps"] << " --batch " << how["batch"] << " --lr " << how["lr"] << " --warmup "
       << how["warmup"] << " --weight-decay " << how["weight_decay"] << " --seed " << how["seed"]
       << " --eval-every 0 --eval-samples " << how["eval_samples"];
  const fs::path out = testing::scratch_dir("test_zoo") / "copy-attn";
  fs::remove_all(out);
  const auto r = testing::run_process(k_bin + args.str() + " --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(read_bytes(out / "model.safetensors") == read_bytes(shipped / "model.safetensors"))
      << "retrained copy-attn differs from assets/zoo: rerun scripts/train_zoo.sh";
  EXPECT_EQ(read_bytes(out / "eval.json"), read_bytes(shipped / "eval.json"));
}

TEST(Zoo, ModelFlagTakesZooNames) {
  const fs::path out = testing::scratch_dir("test_zoo") / "tensors";
  fs::remove_all(out);
  auto r = testing::run_process(k_bin + " export --model zoo:selective_copy-MM --tensors " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out / "hidden_attn.npy"));
  r = testing::run_process(k_bin + " export --model zoo:nothing --tensors " + out.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("zoo:nothing: no such zoo model (copy-MM, "), std::string::npos) << r.err;
}

}  // namespace
}  // namespace seqscope
