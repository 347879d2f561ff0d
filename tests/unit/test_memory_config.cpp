// The memory system follows what the firmware configures (issue 18): caches, flash
// accelerator, prefetch and flash latency start at the chip's reset values and change
// only when the firmware writes CCR, FLASH_ACR, XIP_CTRL or NVMC ICACHECNF. The same
// workload (tests/firmware/memsys/) runs after the shared start-up code's SystemInit
// (memsys_configured) and in a firmware that forgets it (memsys_forgotten): the latter
// must be measurably slower on every catalogue board that has a cache, accelerator or
// prefetch buffer, and the summary must say what the firmware left.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "../../sim/src/cycle/lru_cache.hpp"
#include "../../sim/src/cycle/memory_system.hpp"
#include "machine_test_support.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;

namespace {

struct MemsysRun {
  test::ProcessResult process;
  nlohmann::json summary;
};

MemsysRun run_memsys(const std::string& board, const std::string& program,
                     std::vector<std::string> extra = {}) {
  static test::ScratchDir dir;
  static int n = 0;
  const auto summary = dir / ("memsys" + std::to_string(++n) + ".json");
  std::vector<std::string> args = {test::mcuprof_binary().string(),
                                   "run",
                                   test::test_firmware(board, program).string(),
                                   "--target",
                                   board,
                                   "--summary",
                                   summary.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  MemsysRun r;
  r.process = test::run_process(args);
  std::ifstream in(summary);
  if (in) r.summary = nlohmann::json::parse(in);
  return r;
}

// What the forgetting firmware leaves off on each board (the rest of the board's
// switches stay as the chip resets them).
struct BoardCase {
  const char* board;
  std::vector<const char*> off;  // memory_system keys false after memsys_forgotten
  std::vector<const char*> on;   // ... still true (on after reset)
  double slower = 1.10;          // forgotten / configured cycles, at least
  friend void PrintTo(const BoardCase& c, std::ostream* os) { *os << c.board; }
};

class ForgottenMemorySystem : public ::testing::TestWithParam<BoardCase> {};

TEST_P(ForgottenMemorySystem, IsMeasurablySlowerAndTheSummarySaysWhatWasLeftOff) {
  const BoardCase& c = GetParam();
  REQUIRE_TEST_FIRMWARE(c.board, "memsys_configured");
  REQUIRE_TEST_FIRMWARE(c.board, "memsys_forgotten");
  const MemsysRun on = run_memsys(c.board, "memsys_configured");
  const MemsysRun off = run_memsys(c.board, "memsys_forgotten");
  ASSERT_EQ(on.process.status, 0) << on.process.err;
  ASSERT_EQ(off.process.status, 0) << off.process.err;
  const auto on_cycles = on.summary["total_cycles"].get<uint64_t>();
  const auto off_cycles = off.summary["total_cycles"].get<uint64_t>();
  EXPECT_GT(static_cast<double>(off_cycles), c.slower * static_cast<double>(on_cycles))
      << c.board << ": configured " << on_cycles << ", forgotten " << off_cycles;
  const auto& m_on = on.summary["memory_system"];
  const auto& m_off = off.summary["memory_system"];
  for (const char* key : c.off) {
    EXPECT_EQ(m_on[key], true) << c.board << " configured: " << key << " " << m_on.dump();
    EXPECT_EQ(m_off[key], false) << c.board << " forgotten: " << key << " " << m_off.dump();
  }
  for (const char* key : c.on) EXPECT_EQ(m_off[key], true) << c.board << ": " << key;
  EXPECT_EQ(m_on["configured_by_firmware"], true);
}

INSTANTIATE_TEST_SUITE_P(
    CatalogueBoards, ForgottenMemorySystem,
    ::testing::Values(
        BoardCase{"stm32f412", {"flash_icache", "flash_dcache", "prefetch"}, {}},
        // The L4's ART caches reset on (FLASH_ACR = 0x600): only prefetch is forgotten,
        // which costs the straight-line code (the loop runs from the ART): ~3 %.
        BoardCase{"stm32l4r5", {"prefetch"}, {"flash_icache", "flash_dcache"}, 1.02},
        BoardCase{"stm32f746", {"l1_icache", "l1_dcache"}, {}},
        BoardCase{"stm32h743", {"l1_icache", "l1_dcache"}, {}},
        BoardCase{"rp2040", {"flash_icache"}, {}}, BoardCase{"nrf52840", {"flash_icache"}, {}}),
    [](const auto& p) { return std::string(p.param.board); });

TEST(FlashLatency, BelowWhatTheClockNeedsWarnsOnceAndKeepsTheNeededWaitStates) {
  REQUIRE_TEST_FIRMWARE("stm32f412", "memsys_low_latency");
  const MemsysRun low = run_memsys("stm32f412", "memsys_low_latency");
  const MemsysRun ok = run_memsys("stm32f412", "memsys_configured");
  ASSERT_EQ(low.process.status, 0) << low.process.err;
  const std::string& err = low.process.err;
  const auto at = err.find("FLASH_ACR.LATENCY at 1, but flash at the board's 100 MHz needs 3");
  EXPECT_NE(at, std::string::npos) << err;
  EXPECT_EQ(err.find("FLASH_ACR.LATENCY at 1", at + 1), std::string::npos) << "warned twice";
  EXPECT_EQ(ok.process.err.find("FLASH_ACR.LATENCY"), std::string::npos) << ok.process.err;
  const auto& m = low.summary["memory_system"];
  EXPECT_EQ(m["flash_latency"], 1);
  EXPECT_EQ(m["flash_latency_needed"], 3);
  EXPECT_EQ(m["flash_wait_states"], 3);
  // Timed as the clock needs: the cycles of the firmware that sets 3 (its code sits a
  // few bytes elsewhere: a cycle or two of fetch alignment), far from the high-latency run.
  EXPECT_NEAR(low.summary["total_cycles"].get<double>(), ok.summary["total_cycles"].get<double>(),
              8.0);
}

TEST(FlashLatency, AboveWhatTheClockNeedsCostsTheExtraWaitStates) {
  REQUIRE_TEST_FIRMWARE("stm32f412", "memsys_high_latency");
  const MemsysRun high = run_memsys("stm32f412", "memsys_high_latency");
  const MemsysRun ok = run_memsys("stm32f412", "memsys_configured");
  ASSERT_EQ(high.process.status, 0) << high.process.err;
  EXPECT_EQ(high.process.err.find("warning"), std::string::npos) << high.process.err;
  EXPECT_EQ(high.summary["memory_system"]["flash_latency"], 5);
  EXPECT_EQ(high.summary["memory_system"]["flash_wait_states"], 5);
  EXPECT_GT(high.summary["total_cycles"].get<uint64_t>(),
            ok.summary["total_cycles"].get<uint64_t>());
}

TEST(MemorySystemReport, StoredWithTheRunAndShownByReport) {
  REQUIRE_TEST_FIRMWARE("stm32h743", "memsys_forgotten");
  test::ScratchDir dir;
  const auto db = dir / "runs.db";
  const MemsysRun r = run_memsys("stm32h743", "memsys_forgotten", {"--db", db.string()});
  ASSERT_EQ(r.process.status, 0) << r.process.err;
  const auto report = test::run_process({test::mcuprof_binary().string(), "report", db.string()});
  ASSERT_EQ(report.status, 0) << report.err;
  // The H7 resets with LATENCY 7 where 480 MHz needs 4: (7 + 1) x 2 - 1 core cycles.
  EXPECT_NE(report.out.find("L1 I-cache off, L1 D-cache off; FLASH_ACR.LATENCY 7 (4 needed): 15 "
                            "wait states"),
            std::string::npos)
      << report.out;
}

TEST(CacheMaintenance, SetWayAndAddressInvalidationDropExactlyTheirLines) {
  sim::cycle::LruCache c(8, 2, 32);                                       // 4 sets of 2 ways
  for (uint32_t a : {0x000u, 0x080u, 0x020u}) EXPECT_FALSE(c.access(a));  // set 0 twice, set 1
  const uint64_t fills = c.fills();
  c.invalidate_set_way(0, 1);  // the second line filled into set 0 (0x080)
  EXPECT_GT(c.fills(), fills);
  EXPECT_TRUE(c.access(0x000));
  EXPECT_FALSE(c.access(0x080));  // gone: filled again
  c.invalidate_line(0x020);
  EXPECT_FALSE(c.access(0x020));
  EXPECT_TRUE(c.access(0x000));
  c.invalidate_all();
  EXPECT_FALSE(c.access(0x000));
}

TEST(CacheMaintenance, UncachedM7AccessesPayTheBusEveryTime) {
  const auto& target = test::catalogue().find("stm32h743");
  sim::cycle::MemorySystem m(target);
  const uint32_t flash = 0x08000000, sram = 0x24000000;
  uint32_t hint = 0;
  sim::MemoryConfig off;
  off.l1_icache = off.l1_dcache = false;
  m.configure(off);
  // One AXI read per 64 bits: the wait states plus a bus cycle, each time.
  EXPECT_EQ(m.data_read(flash, 4, hint), 9u + 1u);
  EXPECT_EQ(m.data_read(flash, 4, hint), 9u + 1u);
  EXPECT_EQ(m.data_read(sram + 4, 8, hint), 2u);  // straddles two 64-bit beats
  m.configure(sim::MemoryConfig{});               // caches on: a line fill, then hits
  EXPECT_EQ(m.data_read(flash, 4, hint), 9u + 32u / 8u);
  EXPECT_EQ(m.data_read(flash + 4, 4, hint), 0u);
  m.invalidate(
      {sim::CacheInvalidation::Cache::L1Data, sim::CacheInvalidation::Scope::Address, flash});
  EXPECT_EQ(m.data_read(flash + 4, 4, hint), 9u + 32u / 8u);
}

TEST(CacheMaintenance, TheCmsisStyleEnableSequenceInvalidatesAndEnables) {
  REQUIRE_TEST_FIRMWARE("stm32h743", "cache_enable");
  const MemsysRun r = run_memsys("stm32h743", "cache_enable");
  ASSERT_EQ(r.process.status, 0) << r.process.err;
  const auto& m = r.summary["memory_system"];
  EXPECT_EQ(m["l1_icache"], true);
  EXPECT_EQ(m["l1_dcache"], true);
  // The shared start-up's SystemInit and the program each: ICIALLU and 128 sets x 4 ways.
  EXPECT_EQ(m["cache_invalidations"], 2 * (1 + 128 * 4));
}

}  // namespace
