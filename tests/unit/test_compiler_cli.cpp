// `mcuprof generate` and `mcuprof inspect` as a user runs them.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "mcuprof/profiler/exit_codes.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;
namespace exit_code = mcuprof::profiler::exit_code;

namespace {

test::ProcessResult cli(std::vector<std::string> args) {
  args.insert(args.begin(), test::mcuprof_binary().string());
  return test::run_process(args);
}

}  // namespace

TEST(CompilerCli, GenerateThenInspectJson) {
  test::ScratchDir dir;
  const auto model = (dir / "m.tflite").string();
  const auto g = cli({"generate", "mobilenetv2", "--width", "0.35", "--resolution", "144", "--seed",
                      "1", "-o", model});
  ASSERT_EQ(g.status, 0) << g.err;
  ASSERT_TRUE(std::filesystem::exists(model));
  const auto r = cli({"inspect", model, "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_TRUE(doc["layers"].is_array());
  EXPECT_GT(doc["layers"].size(), 50u);
  int64_t macs = 0;
  for (const auto& l : doc["layers"]) macs += l["macs"].get<int64_t>();
  EXPECT_EQ(macs, doc["totals"]["macs"].get<int64_t>());
  const auto& mem = doc["memory"];
  EXPECT_LE(mem["arena_bytes"].get<int64_t>(), mem["tflm_greedy_bytes"].get<int64_t>());
  EXPECT_LE(mem["lower_bound_bytes"].get<int64_t>(), mem["without_in_place_bytes"].get<int64_t>());
  EXPECT_EQ(doc["layers"][0]["op"], "CONV_2D");
  EXPECT_EQ(doc["inputs"][0]["shape"], (std::vector<int>{1, 144, 144, 3}));
}

TEST(CompilerCli, InspectSharedModelText) {
  const auto path = test::shared_models_dir() / "vww_96_int8.tflite";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared model missing: " << path;
  const auto r = cli({"inspect", path.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("TFLite Micro greedy 64512 B, lower bound 55296 B"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("DEPTHWISE_CONV_2D"), std::string::npos);
}

TEST(CompilerCli, BadModelsGetOneLineAndDataError) {
  test::ScratchDir dir;
  const auto junk = dir / "junk.tflite";
  {
    std::ofstream f(junk);
    f << "this is not a model";
  }
  const auto r = cli({"inspect", junk.string()});
  EXPECT_EQ(r.status, exit_code::kDataError);
  EXPECT_NE(r.err.find("not a TensorFlow Lite model"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  const auto missing = cli({"inspect", (dir / "none.tflite").string()});
  EXPECT_EQ(missing.status, exit_code::kNoInput);
  const auto family = cli({"generate", "vgg", "-o", (dir / "x.tflite").string()});
  EXPECT_EQ(family.status, exit_code::kUsage);
}
