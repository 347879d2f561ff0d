// `mcuprof plan` as a user runs it: the JSON fields the issue promises, a
// recommendation that fits, and clear errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;

TEST(CliPlan, JsonListsOptionsAndRecommendsOneThatFits) {
  test::ScratchDir dir;
  const auto model = (dir / "mbv2.tflite").string();
  const auto gen =
      test::run_process({test::mcuprof_binary().string(), "generate", "mobilenetv2", "--width",
                         "0.35", "--resolution", "160", "--seed", "1", "-o", model});
  ASSERT_EQ(gen.status, 0) << gen.err;
  const auto r = test::run_process(
      {test::mcuprof_binary().string(), "plan", model, "--target", "stm32f412", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& lw = j["layerwise"];
  ASSERT_TRUE(lw.contains("peak_sram_bytes"));
  EXPECT_FALSE(lw["fits"].get<bool>());
  EXPECT_GT(lw["peak_sram_bytes"].get<int64_t>(), lw["sram_bytes"].get<int64_t>());
  ASSERT_FALSE(j["options"].empty());
  for (const auto& o : j["options"])
    for (const char* key : {"split", "grid", "peak_sram_bytes", "arena_bytes", "flash_bytes",
                            "macs", "mac_overhead_pct", "fits", "fits_sram", "fits_flash"})
      ASSERT_TRUE(o.contains(key)) << key;
  const auto& rec = j["recommended"];
  // 1000 classes: the SRAM fits with patches, but no schedule fits the model in 1 MiB of
  // flash, and plan says so (run refuses it the same way).
  EXPECT_TRUE(rec["fits_sram"].get<bool>());
  EXPECT_FALSE(rec["fits_flash"].get<bool>());
  EXPECT_FALSE(rec["fits"].get<bool>());
  EXPECT_NE(rec["problem"].get<std::string>().find("whatif_m7_8m"), std::string::npos);
  EXPECT_LE(rec["mac_overhead_pct"].get<double>(), 20.0);
  EXPECT_LT(rec["peak_sram_bytes"].get<int64_t>(), lw["peak_sram_bytes"].get<int64_t>());
  // Peak SRAM is its parts' sum, the same definition `run` reports.
  EXPECT_EQ(rec["peak_sram_bytes"].get<int64_t>(),
            rec["static_sram_bytes"].get<int64_t>() + rec["arena_bytes"].get<int64_t>() +
                rec["kernel_scratch_bytes"].get<int64_t>() + rec["stack_bytes"].get<int64_t>());
  EXPECT_EQ(rec["schedule"].get<std::string>().rfind("patch:", 0), 0u);

  const auto text =
      test::run_process({test::mcuprof_binary().string(), "plan", model, "--target", "stm32f412"});
  EXPECT_EQ(text.status, 0);
  EXPECT_NE(text.out.find("recommended: patch:"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("does NOT fit"), std::string::npos) << text.out;

  const auto missing = test::run_process({test::mcuprof_binary().string(), "plan",
                                          (dir / "none.tflite").string(), "--target", "stm32f412"});
  EXPECT_EQ(missing.status, 66);
  const auto board =
      test::run_process({test::mcuprof_binary().string(), "plan", model, "--target", "nosuch"});
  EXPECT_EQ(board.status, 65);
  EXPECT_NE(board.err.find("known:"), std::string::npos);
}
