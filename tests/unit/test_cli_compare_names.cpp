// Runs carry a name (`run --name`, default the file's name) into the summary, the store,
// `report` and `compare` ("N · name · board · schedule"); `compare` of two different models
// says so and matches layers by op and index within the op kind; a run without MACs shows
// "n/a" (null in JSON), never 0.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "files.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;

namespace {

test::ProcessResult cli(const std::vector<std::string>& args) {
  std::vector<std::string> argv{test::mcuprof_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run_process(argv);
}

}  // namespace

TEST(CliCompareNames, DifferentModelsAndRunsWithoutMacs) {
  const auto elf = test::test_firmware("stm32f412", "spin_forever");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  test::ScratchDir dir;
  const auto db = (dir / "t.db").string();
  const auto small = (dir / "small.tflite").string();
  const auto wide = (dir / "wide.tflite").string();
  ASSERT_EQ(cli({"generate", "mobilenetv2", "--width", "0.35", "--resolution", "32", "--classes",
                 "4", "-o", small})
                .status,
            0);
  ASSERT_EQ(cli({"generate", "mobilenetv2", "--width", "0.5", "--resolution", "32", "--classes",
                 "4", "-o", wide})
                .status,
            0);
  const auto a = cli({"run", small, "--target", "stm32f412", "--db", db, "--name", "first"});
  ASSERT_EQ(a.status, 0) << a.err;
  EXPECT_EQ(a.err.rfind("mcuprof: first on stm32f412:", 0), 0u) << a.err;
  const auto b = cli({"run", wide, "--target", "stm32f412", "--db", db});  // default name
  ASSERT_EQ(b.status, 0) << b.err;
  const auto c =
      cli({"run", elf.string(), "--target", "stm32f412", "--db", db, "--max-cycles", "20000"});
  EXPECT_NE(c.status, 0);  // stopped by the cycle budget, but stored

  const auto text = cli({"compare", db, "1", "2"});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("different models (small.tflite and wide.tflite)"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("1 · first · stm32f412 · layer"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("2 · wide.tflite · stm32f412 · layer"), std::string::npos) << text.out;
  const auto json =
      nlohmann::json::parse(cli({"compare", db, "first", "2", "--format", "json"}).out);
  EXPECT_FALSE(json["same_model"].get<bool>());
  ASSERT_FALSE(json["layers"].empty());
  // Matched by op and index within the op kind: both sides have the same op.
  size_t both = 0;
  for (const auto& l : json["layers"]) {
    if (l["a"].is_null() || l["b"].is_null()) continue;
    ++both;
    EXPECT_EQ(l["a"]["op"], l["b"]["op"]) << l.dump();
    EXPECT_EQ(l["match"].get<std::string>().rfind(l["a"]["op"].get<std::string>() + " #", 0), 0u);
  }
  EXPECT_GT(both, 0u);

  // The ELF run has no MACs: n/a, null — never 0.
  const auto elf_text = cli({"compare", db, "1", "3"});
  ASSERT_EQ(elf_text.status, 0) << elf_text.err;
  EXPECT_NE(elf_text.out.find("n/a"), std::string::npos) << elf_text.out;
  EXPECT_EQ(elf_text.out.find("cycles/MAC            0.00"), std::string::npos) << elf_text.out;
  const auto elf_json =
      nlohmann::json::parse(cli({"compare", db, "1", "3", "--format", "json"}).out);
  EXPECT_TRUE(elf_json["b"]["macs"].is_null());
  EXPECT_TRUE(elf_json["b"]["cycles_per_mac"].is_null());
  EXPECT_TRUE(elf_json["delta"]["macs"].is_null());
  EXPECT_EQ(elf_json["b"]["name"], "spin_forever.elf");
  const auto report =
      nlohmann::json::parse(cli({"report", db, "--run", "3", "--format", "json"}).out);
  EXPECT_TRUE(report["run"]["macs"].is_null());
  const auto csv = cli({"compare", db, "1", "2", "--format", "csv"});
  EXPECT_EQ(csv.out.rfind("match,layer_a,layer_b,cycles_a", 0), 0u) << csv.out;
}
