// `seqscope train`, `seqscope eval` and `export --grads` through the real binary (label cli),
// on tiny models (d 8, L 16) so that each test takes about a second: the folder and its logs,
// --steps 0 and eval, same seed same bytes, one-line errors with exit code 2, a refused foreign
// folder, Ctrl-C (exit 130 with a loadable folder of the steps done), and the exported
// gradients against the library's own on the same folder.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "compute/checkpoint/seqscope_folder.h"
#include "compute/io/npy.h"
#include "compute/model/folder.h"
#include "compute/model/model.h"
#include "compute/session/tasks.h"
#include "tests/support/process.h"

namespace seqscope {
namespace {

namespace fs = std::filesystem;
using compute::model::Parameters;

const std::string k_bin = SEQSCOPE_BINARY;
const std::string k_tiny = " --d-model 8 --state 4 --heads 2 --length 16 --tokens 4 --batch 4";

fs::path scratch(const std::string& name) {
  const fs::path path = testing::scratch_dir("test_train_cli") / name;
  fs::remove_all(path);
  return path;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

int line_count(const std::string& text) {
  return static_cast<int>(lines_of(text).size());
}

testing::ProcessResult train(const fs::path& out, const std::string& args) {
  return testing::run_process(k_bin + " train --out " + out.string() + args);
}


TEST(TrainCli, ShortRunWritesTheFolderAndTheLogs) {
  const fs::path out = scratch("short"), copy = scratch("copy.jsonl");
  const auto r = train(
      out, " --task selective_copy --pattern MM --steps 5 --eval-every 0 --json " + copy.string() + k_tiny);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* file : {"config.json", "model.safetensors", "train_log.jsonl", "eval.json"})
    EXPECT_TRUE(fs::exists(out / file)) << file;

  const std::string log = read_bytes(out / "train_log.jsonl");
  EXPECT_EQ(read_bytes(copy), log);
  const auto lines = lines_of(log);
  ASSERT_EQ(lines.size(), 5u);
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto j = nlohmann::json::parse(lines[i]);
    EXPECT_EQ(j.at("step"), static_cast<int>(i) + 1);
    for (const char* field : {"loss", "accuracy", "lr", "tokens_per_s", "elapsed_s"})
      EXPECT_TRUE(j.contains(field) && j[field].is_number()) << field << " in " << lines[i];
  }

  const auto eval = nlohmann::json::parse(read_bytes(out / "eval.json"));
  ASSERT_EQ(eval.at("lengths").size(), 1u);
  EXPECT_EQ(eval["lengths"][0].at("length"), 16);
  EXPECT_TRUE(eval["lengths"][0].at("accuracy").is_number());
  EXPECT_TRUE(eval["lengths"][0].at("sequence_accuracy").is_number());

  const auto config = nlohmann::json::parse(read_bytes(out / "config.json"));
  EXPECT_EQ(config.at("pattern"), "MM");
  EXPECT_EQ(config.at("d_model"), 8);
  EXPECT_EQ(config.at("vocab_size"), 16);
  EXPECT_EQ(config.at("settings").at("task").at("task"), "selective_copy");
  EXPECT_EQ(config["settings"]["task"].at("length"), 16);
  EXPECT_EQ(config["settings"].at("train").at("steps"), 5);
  EXPECT_EQ(config["settings"].at("steps_done"), 5);
  EXPECT_EQ(config["settings"].at("status"), "finished");
  // Not a TTY: one line per evaluation and a final line on stdout, nothing on stderr.
  EXPECT_EQ(line_count(r.out), 2) << r.out;
  EXPECT_EQ(r.err, "");

  // `seqscope eval` with the defaults reproduces the run's eval.json (the same evaluation set).
  const fs::path eval_json = scratch("eval_out.json");
  const auto e =
      testing::run_process(k_bin + " eval --model " + out.string() + " --json " + eval_json.string());
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const auto again = nlohmann::json::parse(read_bytes(eval_json));
  EXPECT_EQ(again.at("lengths")[0].at("accuracy"), eval["lengths"][0]["accuracy"]);
  EXPECT_EQ(again["lengths"][0].at("sequence_accuracy"), eval["lengths"][0]["sequence_accuracy"]);
}

TEST(TrainCli, StepsZeroWritesALoadableModelThatEvalReads) {
  const fs::path out = scratch("init");
  const auto r = train(out, " --task delayed_recall --pattern 'M*' --steps 0" + k_tiny);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Parameters<float> p = compute::checkpoint::load_model_folder(out);
  EXPECT_EQ(p.config.pattern, "M*");
  EXPECT_EQ(read_bytes(out / "train_log.jsonl"), "");  // no step
  EXPECT_TRUE(fs::exists(out / "eval.json"));          // the initialised model is evaluated

  const auto e =
      testing::run_process(k_bin + " eval --model " + out.string() + " --lengths 16,32 --samples 16");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("accuracy"), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("\n      16       16 "), std::string::npos) << e.out;  // length, samples
  EXPECT_NE(e.out.find("\n      32       16 "), std::string::npos) << e.out;
  // Another task on the same model, and an unknown one.
  EXPECT_EQ(
      testing::run_process(k_bin + " eval --model " + out.string() + " --task copy --samples 8").exit_code,
      0);
  const auto bad = testing::run_process(k_bin + " eval --model " + out.string() + " --task nope");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(line_count(bad.err), 1) << bad.err;
  // --tokens: another count of the task's tokens, and one that does not fit the length.
  EXPECT_EQ(testing::run_process(k_bin + " eval --model " + out.string() + " --task copy --tokens 2 --samples 8")
                .exit_code,
            0);
  const auto too_many =
      testing::run_process(k_bin + " eval --model " + out.string() + " --task copy --tokens 200 --samples 8");
  EXPECT_EQ(too_many.exit_code, 2);
  EXPECT_EQ(line_count(too_many.err), 1) << too_many.err;
}

TEST(TrainCli, SameSeedGivesTheSameBytes) {
  const fs::path a = scratch("seed_a"), b = scratch("seed_b"), c = scratch("seed_c");
  const std::string args = " --task copy --pattern 'M-' --steps 6" + k_tiny;
  ASSERT_EQ(train(a, args + " --seed 3").exit_code, 0);
  ASSERT_EQ(train(b, args + " --seed 3").exit_code, 0);
  ASSERT_EQ(train(c, args + " --seed 4").exit_code, 0);
  const std::string bytes = read_bytes(a / "model.safetensors");
  EXPECT_FALSE(bytes.empty());
  EXPECT_EQ(bytes, read_bytes(b / "model.safetensors"));
  EXPECT_NE(bytes, read_bytes(c / "model.safetensors"));
  // --log-every thins the log (steps 4 and the last, 6) and changes nothing else.
  const fs::path d = scratch("seed_d");
  ASSERT_EQ(train(d, args + " --seed 3 --log-every 4").exit_code, 0);
  EXPECT_EQ(read_bytes(d / "model.safetensors"), bytes);
  EXPECT_EQ(line_count(read_bytes(d / "train_log.jsonl")), 2);
  EXPECT_EQ(line_count(read_bytes(a / "train_log.jsonl")), 6);
}

TEST(TrainCli, MistakesAreOneLineWithExitCode2AndWriteNothing) {
  const struct {
    std::string args, needle;
  } cases[] = {
      {" --pattern MxM", "'x'"},
      {" --task nope", "nope"},
      {" --task copy --tokens 8 --length 10", "too short"},
      {" --vocab 1", "vocab"},
      {" --eval-lengths 16,abc", "abc"},
      {" --log-every 0", "log-every"},
  };
  for (const auto& c : cases) {
    const fs::path out = scratch("bad");
    const auto r = train(out, c.args + " --steps 3 --d-model 8");
    EXPECT_EQ(r.exit_code, 2) << c.args;
    EXPECT_EQ(line_count(r.err), 1) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << c.args << ": " << r.err;
    EXPECT_FALSE(fs::exists(out)) << c.args;
  }
}

TEST(TrainCli, ANonFiniteStepIsOneLineAndSavesTheLastGoodStep) {
  const fs::path out = scratch("nan");
  const auto r = train(out, " --steps 5 --lr 1e30" + k_tiny);  // the second step's loss is nan
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("seqscope: step ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("finite"), std::string::npos) << r.err;
  const auto config = nlohmann::json::parse(read_bytes(out / "config.json"));
  EXPECT_EQ(config.at("settings").at("status"), "failed");
  const int64_t done = config["settings"].at("steps_done");
  EXPECT_LT(done, 5);
  EXPECT_EQ(line_count(read_bytes(out / "train_log.jsonl")), done);
  const Parameters<float> p = compute::checkpoint::load_model_folder(out);
  EXPECT_TRUE(p.embedding.allFinite());
}

TEST(TrainCli, AForeignFolderIsRefusedAndKept) {
  const fs::path out = scratch("foreign");
  fs::create_directories(out);
  { std::ofstream(out / "notes.txt") << "keep me\n"; }
  const auto r = train(out, " --steps 2" + k_tiny);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("refusing"), std::string::npos) << r.err;
  EXPECT_EQ(read_bytes(out / "notes.txt"), "keep me\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(out), fs::directory_iterator{}), 1);
}

TEST(TrainCli, CtrlCSavesTheStepsDoneAndExits130) {
  const fs::path out = scratch("interrupted"), stdout_path = scratch("interrupted.out");
  const std::vector<std::string> args = {
      k_bin,       "train", "--out",   out.string(), "--steps",  "1000000", "--eval-every", "3",
      "--d-model", "8",     "--state", "4",          "--length", "16",      "--batch",      "4"};
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int fd = ::open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, STDOUT_FILENO);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDERR_FILENO);
    ::signal(SIGINT, SIG_DFL);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  // Wait for the first evaluation line: training is under way, the handler installed.
  const auto start = std::chrono::steady_clock::now();
  while (testing::count_lines_with(read_bytes(stdout_path), "eval") < 1 &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(30))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ::kill(pid, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 130);

  const auto config = nlohmann::json::parse(read_bytes(out / "config.json"));
  EXPECT_EQ(config.at("settings").at("status"), "stopped");
  const int64_t done = config["settings"].at("steps_done");
  EXPECT_GE(done, 3);
  EXPECT_EQ(line_count(read_bytes(out / "train_log.jsonl")), done);
  EXPECT_EQ(compute::checkpoint::load_model_folder(out).config.d_model, 8);
  EXPECT_NE(read_bytes(stdout_path).find("interrupted"), std::string::npos);
}

// ---- export --grads ----

const std::string k_grads_tokens = " --tokens 1,4,5,6,7,0,0,0,2,4,5,6,7,0";
const std::string k_grads_targets = " --targets -1,-1,-1,-1,-1,-1,-1,-1,4,5,6,7,-1,-1";

testing::ProcessResult export_grads(const fs::path& model, const fs::path& out, const std::string& args) {
  return testing::run_process(k_bin + " export --model " + model.string() + " --grads " + out.string() + args);
}

TEST(GradsCli, WritesTheLossAndEveryParametersGradientAsTheLibraryComputesThem) {
  const fs::path model = scratch("grads_model"), out = scratch("grads");
  ASSERT_EQ(train(model, " --task copy --pattern 'M*' --steps 3 --eval-every 0" + k_tiny).exit_code, 0);
  const auto r = export_grads(model, out, k_grads_tokens + k_grads_targets);
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const Parameters<float> params = compute::checkpoint::load_model_folder(model);
  Parameters<float> grads = compute::model::zeros_like(params);
  const std::vector<int> tokens = {1, 4, 5, 6, 7, 0, 0, 0, 2, 4, 5, 6, 7, 0};
  const std::vector<int> targets = {-1, -1, -1, -1, -1, -1, -1, -1, 4, 5, 6, 7, -1, -1};
  const auto expected = compute::model::loss_and_gradients<float>(params, tokens, targets, grads);

  const nlohmann::json manifest = nlohmann::json::parse(read_bytes(out / "manifest.json"));
  EXPECT_EQ(manifest["tokens"].get<std::vector<int>>(), tokens);
  EXPECT_EQ(manifest["targets"].get<std::vector<int>>(), targets);
  EXPECT_EQ(manifest["targeted_positions"], 4);
  EXPECT_DOUBLE_EQ(manifest["loss"].get<double>(), expected.loss);
  EXPECT_EQ(compute::read_npy(out / "loss.npy").floats(), std::vector<float>{static_cast<float>(expected.loss)});
  size_t tensors = 0;
  compute::model::for_each_tensor(grads, [&](const compute::model::TensorSpec& spec, const float* data) {
    const compute::NpyArray a = compute::read_npy(out / (spec.name + ".npy"));
    EXPECT_EQ(a.shape, spec.shape) << spec.name;
    EXPECT_EQ(a.floats(), std::vector<float>(data, data + spec.count())) << spec.name;
    ++tensors;
  });
  EXPECT_EQ(manifest["tensors"].size(), tensors + 1);  // and loss
  EXPECT_GT(tensors, 10u);
}

TEST(GradsCli, BadInputIsOneLineWithExitCode2) {
  const fs::path model = scratch("grads_bad_model"), out = scratch("grads_bad");
  ASSERT_EQ(train(model, " --task copy --pattern M --steps 0 --eval-samples 0" + k_tiny).exit_code, 0);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {" --tokens 1,4 --targets 1", "--targets has 1 ids for 2 tokens"},
      {" --tokens 1,4 --targets -1,-1", "--targets has no target"},
      {" --tokens 1,4 --targets 1,x", "\"x\" is not a token id or -1"},
      {" --tokens 1,99 --targets 1,2", "token id 99 at position 1 is outside the vocabulary"},
      {" --tokens 1,4 --targets 1,99", "--targets: 99 is outside the model's vocabulary"},
      {" --targets 1,2", "export --grads needs --tokens"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = export_grads(model, out, args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(line_count(r.err), 1) << args << ": " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << ": " << r.err;
  }
  const auto foreign = export_grads(fs::temp_directory_path(), out, " --tokens 1 --targets 1");
  EXPECT_EQ(foreign.exit_code, 2);
  EXPECT_NE(foreign.err.find("is not one"), std::string::npos) << foreign.err;
  EXPECT_FALSE(fs::exists(out / "manifest.json"));
}

// [SECTION] a trained model on its task, through export --model

TEST(TaskModelCli, ExportShowsAHybridOnASampleOfItsTask) {
  const fs::path model = scratch("view_hybrid"), out = scratch("view_tensors"), png = scratch("view.png");
  ASSERT_EQ(train(model, " --task selective_copy --pattern 'M*S' --steps 2 --eval-samples 0" + k_tiny).exit_code, 0);
  auto r = testing::run_process(k_bin + " export --model " + model.string() + " --sample 5 --layer 2 --tensors " +
                                out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json description = nlohmann::json::parse(read_bytes(out / "model.json"));
  EXPECT_EQ(description["ssm_layer"], 2);
  EXPECT_EQ(description["attention_layer"], 1);
  compute::TaskSpec spec;
  spec.kind = compute::TaskKind::SelectiveCopy;
  spec.length = 16;
  spec.num_tokens = 4;
  spec.vocab = 16;
  EXPECT_EQ(description["tokens"].get<std::vector<int>>(), compute::make_task_sample(spec, uint64_t{5}).tokens);
  for (const char* name : {"u.npy", "kernel.npy", "hidden_attn.npy", "probs.npy", "logits.npy"})
    EXPECT_TRUE(fs::exists(out / name)) << name;
  EXPECT_EQ(compute::read_npy(out / "probs.npy").shape, (std::vector<int64_t>{2, 16, 16}));

  r = testing::run_process(k_bin + " export --model " + model.string() + " --png " + png.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(fs::file_size(png), 10000u);

  const std::vector<std::pair<std::string, std::string>> cases = {
      {" --text hello --tensors " + out.string(), "reads task samples, not text"},
      {" --layer 7 --tensors " + out.string(), "layer 7 is outside [0, 3)"},
      {" --tokens 1,99 --tensors " + out.string(), "token id 99 is outside the vocabulary [0, 16)"},
  };
  for (const auto& [args, message] : cases) {
    r = testing::run_process(k_bin + " export --model " + model.string() + args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(line_count(r.err), 1) << args << ": " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << ": " << r.err;
  }
}

// [SECTION] training curves as a figure

TEST(CurvesCli, DrawsSeveralRunsAndRefusesWhatItCannotRead) {
  const fs::path a = scratch("curves_a"), b = scratch("curves_b"), png = scratch("curves.png");
  ASSERT_EQ(train(a, " --task copy --pattern M --steps 4 --eval-every 0" + k_tiny).exit_code, 0);
  ASSERT_EQ(train(b, " --task copy --pattern '*' --steps 6 --eval-every 0" + k_tiny).exit_code, 0);
  auto r = testing::run_process(k_bin + " export --curves " + a.string() + "," + b.string() + " --png " + png.string() +
                                " --width 900 --height 600");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("(900x600, 2 runs)"), std::string::npos) << r.out;
  EXPECT_GT(fs::file_size(png), 10000u);

  const fs::path broken = scratch("curves_broken");
  ASSERT_EQ(train(broken, " --task copy --pattern M --steps 2 --eval-every 0" + k_tiny).exit_code, 0);
  std::ofstream(broken / "train_log.jsonl", std::ios::app) << "{\"step\": 3}\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {" --curves " + a.string(), "export --curves needs --png FILE"},
      {" --curves " + a.string() + ",," + b.string() + " --png " + png.string(), "--curves: an empty folder name"},
      {" --curves " + (a / "nothing").string() + " --png " + png.string(), "config.json"},
      {" --curves " + broken.string() + " --png " + png.string(), "train_log.jsonl line 3: no number 'loss'"},
  };
  for (const auto& [args, message] : cases) {
    r = testing::run_process(k_bin + " export" + args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(line_count(r.err), 1) << args << ": " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << ": " << r.err;
  }
}

}  // namespace
}  // namespace seqscope
