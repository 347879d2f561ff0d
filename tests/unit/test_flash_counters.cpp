// Flash byte counters end to end: a firmware reads known numbers of bytes from a const
// table in flash inside user regions (tests/firmware/profiler/flash_reads.c); the
// regions' flash data bytes must differ by exactly the bytes read, on boards where the
// cycle model already watches flash reads (wait states) and on a zero-wait board
// (counting-only hook). Children's flash bytes add up within their parent.
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;

namespace {

struct Board {
  std::string name;
  std::filesystem::path elf;
  std::vector<std::string> target;  // --target NAME or --target-file FILE
};

std::vector<Board> boards() {
  const std::filesystem::path test_boards =
      std::filesystem::path(MCUPROF_SOURCE_DIR) / "tests/targets";
  const std::filesystem::path board_firmware = MCUPROF_TEST_BOARD_FIRMWARE_DIR;
  return {
      {"stm32f412", test::test_firmware("stm32f412", "flash_reads"), {"--target", "stm32f412"}},
      {"stm32f746", test::test_firmware("stm32f746", "flash_reads"), {"--target", "stm32f746"}},
      {"cyc-m4",
       board_firmware / "cyc-m4" / "flash_reads.elf",
       {"--target-file", (test_boards / "cyc-m4.json").string()}},
      {"cyc-m0plus",
       board_firmware / "cyc-m0plus" / "flash_reads.elf",
       {"--target-file", (test_boards / "cyc-m0plus.json").string()}},
  };
}

nlohmann::json run_summary(const Board& b, const test::ScratchDir& dir) {
  const auto summary = dir / "run.json";
  std::vector<std::string> argv = {test::mcuprof_binary().string(), "run", b.elf.string(),
                                   "--summary", summary.string()};
  argv.insert(argv.end(), b.target.begin(), b.target.end());
  const auto r = test::run_process(argv);
  EXPECT_EQ(r.status, 0) << r.err;
  std::ifstream in(summary);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST(FlashCounters, RegionsSeeExactlyTheBytesReadFromFlash) {
  for (const Board& b : boards()) {
    SCOPED_TRACE(b.name);
    if (!std::filesystem::exists(b.elf)) GTEST_SKIP() << "missing firmware " << b.elf;
    test::ScratchDir dir;
    const auto s = run_summary(b, dir);
    std::map<uint64_t, nlohmann::json> region;
    for (const auto& span : s["spans"])
      if (span["kind"] == "region") region[span["index"].get<uint64_t>()] = span;
    ASSERT_EQ(region.size(), 7u) << s["spans"].dump(1);
    const auto data = [&](uint64_t id) { return region[id]["flash_data_bytes"].get<int64_t>(); };
    // Same code path, only the reads of the table differ.
    EXPECT_EQ(data(2) - data(1), 200);      // 200 more LDRB
    EXPECT_EQ(data(4) - data(3), 64 * 4);   // 64 more LDR
    EXPECT_EQ(data(6) - data(5), 16 * 16);  // 16 more four-register LDMs
    // Each region reads at least its table bytes, plus at most a few literals.
    EXPECT_GE(data(1), 100);
    EXPECT_LE(data(1), 100 + 32);
    EXPECT_GE(data(3), 16 * 4);
    EXPECT_LE(data(3), 16 * 4 + 32);
    EXPECT_GE(data(5), 8 * 16);
    EXPECT_LE(data(5), 8 * 16 + 32);
    EXPECT_LE(data(7), 16);  // the marker's own code only
    // Instruction fetch: every executed Thumb instruction is 2 or 4 bytes of flash.
    for (const auto& [id, span] : region) {
      const auto fetch = span["flash_ifetch_bytes"].get<uint64_t>();
      const auto insns = span["instructions"].get<uint64_t>();
      EXPECT_GE(fetch, 2 * insns) << "region " << id;
      EXPECT_LE(fetch, 4 * insns) << "region " << id;
    }
    EXPECT_GT(region[2]["flash_ifetch_bytes"].get<uint64_t>(),
              region[1]["flash_ifetch_bytes"].get<uint64_t>());
    // The run's totals are those of its RUN_BEGIN..RUN_END window, inside the run span (the
    // whole machine run), and the regions fit inside them.
    const auto& run = s["spans"][0];
    EXPECT_LE(s["flash_data_bytes"].get<uint64_t>(), run["flash_data_bytes"].get<uint64_t>());
    EXPECT_LE(s["flash_ifetch_bytes"].get<uint64_t>(), run["flash_ifetch_bytes"].get<uint64_t>());
    uint64_t sum_data = 0, sum_fetch = 0;
    for (const auto& [id, span] : region) {
      sum_data += span["flash_data_bytes"].get<uint64_t>();
      sum_fetch += span["flash_ifetch_bytes"].get<uint64_t>();
    }
    EXPECT_LE(sum_data, s["flash_data_bytes"].get<uint64_t>());
    EXPECT_LE(sum_fetch, s["flash_ifetch_bytes"].get<uint64_t>());
    EXPECT_GE(s["flash_ifetch_bytes"].get<uint64_t>(), 2 * s["instructions"].get<uint64_t>());
    EXPECT_GE(run["flash_ifetch_bytes"].get<uint64_t>(),
              2 * s["machine_instructions"].get<uint64_t>());
  }
}

// Attribution sums: on the events firmware (stage > patches > layers), each span's
// children's flash bytes add up to no more than the span's own, and the gap is the
// code between the children (markers and loop control): small, never negative.
TEST(FlashCounters, ChildrenAddUpWithinTheirParent) {
  const auto elf = test::test_firmware("stm32f412", "events");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  test::ScratchDir dir;
  const auto s = run_summary({"stm32f412", elf, {"--target", "stm32f412"}}, dir);
  const auto& spans = s["spans"];
  ASSERT_GT(spans.size(), 3u);
  std::map<int64_t, std::array<uint64_t, 3>> children;  // parent -> fetch, data, cycles
  for (const auto& span : spans) {
    const int64_t parent = span["parent"].get<int64_t>();
    if (parent < 0) continue;
    auto& c = children[parent];
    c[0] += span["flash_ifetch_bytes"].get<uint64_t>();
    c[1] += span["flash_data_bytes"].get<uint64_t>();
    c[2] += span["cycles"].get<uint64_t>();
  }
  ASSERT_FALSE(children.empty());
  for (const auto& [parent, c] : children) {
    const auto& p = spans[static_cast<size_t>(parent)];
    SCOPED_TRACE(p.dump());
    EXPECT_LE(c[0], p["flash_ifetch_bytes"].get<uint64_t>());
    EXPECT_LE(c[1], p["flash_data_bytes"].get<uint64_t>());
    EXPECT_GT(c[0], p["flash_ifetch_bytes"].get<uint64_t>() * 8 / 10);
  }
  EXPECT_GT(spans[0]["flash_ifetch_bytes"].get<uint64_t>(), 0u);
}

// `--no-flash-data`: the figures say "not measured" (null in JSON), never 0.
TEST(FlashCounters, RunsWithoutFlashDataCountingSayNotMeasured) {
  const auto elf = test::test_firmware("stm32f412", "flash_reads");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  test::ScratchDir dir;
  const auto summary = dir / "run.json";
  const auto db = dir / "t.db";
  const auto r = test::run_process({test::mcuprof_binary().string(), "run", elf.string(),
                                    "--target", "stm32f412", "--no-flash-data", "--summary",
                                    summary.string(), "--db", db.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream in(summary);
  const auto s = nlohmann::json::parse(in);
  EXPECT_TRUE(s["flash_data_bytes"].is_null());
  EXPECT_TRUE(s["spans"][1]["flash_data_bytes"].is_null());
  EXPECT_GT(s["flash_ifetch_bytes"].get<uint64_t>(), 0u);  // fetch is always counted
  const auto text = test::run_process({test::mcuprof_binary().string(), "report", db.string()});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("not measured"), std::string::npos) << text.out;
  const auto json = test::run_process(
      {test::mcuprof_binary().string(), "report", db.string(), "--format", "json"});
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_TRUE(nlohmann::json::parse(json.out)["run"]["flash_data_bytes"].is_null());
}
