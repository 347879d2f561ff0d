// `mcuprof run --summary` against its JSON Schema (docs/schemas/run-summary.schema.json):
// a firmware ELF run and a model run both carry every key the schema requires, with the
// types it names; and the checker itself rejects a missing or mistyped key.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "json_schema.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;

namespace {

nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

nlohmann::json schema() {
  return read_json(std::filesystem::path(MCUPROF_SOURCE_DIR) / "docs" / "schemas" /
                   "run-summary.schema.json");
}

void expect_conforms(const nlohmann::json& summary) {
  const auto problems = test::schema_violations(schema(), summary);
  for (const auto& p : problems) ADD_FAILURE() << p;
}

}  // namespace

TEST(RunSummarySchema, TheCheckerRejectsMissingAndMistypedKeys) {
  const auto s = schema();
  nlohmann::json doc;
  for (const auto& key : s["required"]) doc[key.get<std::string>()] = nullptr;
  // Every required key present but null: every non-nullable one is mistyped.
  EXPECT_FALSE(test::schema_violations(s, doc).empty());
  doc = nlohmann::json::object();
  const auto missing = test::schema_violations(s, doc);
  EXPECT_EQ(missing.size(), s["required"].size());
  const nlohmann::json small{{"type", "object"},
                             {"required", {"peak_sram_bytes"}},
                             {"properties", {{"peak_sram_bytes", {{"type", "integer"}}}}}};
  EXPECT_TRUE(test::schema_violations(small, {{"peak_sram_bytes", 3}}).empty());
  EXPECT_EQ(test::schema_violations(small, {{"peak_sram_bytes", "3"}}).size(), 1u);
  EXPECT_EQ(test::schema_violations(small, {{"peak_sram_bytes", 3.5}}).size(), 1u);
  EXPECT_EQ(test::schema_violations(small, nlohmann::json::object()).size(), 1u);
}

TEST(RunSummarySchema, ElfRunConforms) {
  const auto elf = test::test_firmware("stm32f412", "events");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  test::ScratchDir dir;
  const auto r =
      test::run_process({test::mcuprof_binary().string(), "run", elf.string(), "--target",
                         "stm32f412", "--summary", (dir / "s.json").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto s = read_json(dir / "s.json");
  expect_conforms(s);
  EXPECT_EQ(s["name"], "events.elf");
  EXPECT_TRUE(s["model"].is_null());
}

TEST(RunSummarySchema, ModelRunConforms) {
  test::ScratchDir dir;
  const auto model = (dir / "small.tflite").string();
  const auto gen =
      test::run_process({test::mcuprof_binary().string(), "generate", "mobilenetv2", "--width",
                         "0.35", "--resolution", "32", "--classes", "4", "-o", model});
  ASSERT_EQ(gen.status, 0) << gen.err;
  const auto r =
      test::run_process({test::mcuprof_binary().string(), "run", model, "--target", "stm32f412",
                         "--name", "tiny", "--summary", (dir / "s.json").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto s = read_json(dir / "s.json");
  expect_conforms(s);
  EXPECT_EQ(s["name"], "tiny");
  EXPECT_EQ(s["schedule"], "layer");
  ASSERT_TRUE(s.contains("layers"));
  EXPECT_FALSE(s["layers"].empty());
}
