// The cycle model's parts on the host: the LRU line cache, the memory system built
// from a target file (ART data lines, XIP cache, L1 caches, prefetch), the checks that
// reject an inconsistent memory system naming the field, the Thumb decoder's summary,
// and static block costs (docs/cycle-model.md).
#include <gtest/gtest.h>

#include <array>
#include <fstream>

#include "../../sim/src/cycle/lru_cache.hpp"
#include "../../sim/src/cycle/memory_system.hpp"
#include "mcuprof/sim/cycle_model.hpp"
#include "mcuprof/targets/target.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;
using sim::cycle::LruCache;
using sim::cycle::MemorySystem;

namespace {

std::string board(const std::string& core, const std::string& memories, const std::string& extra,
                  uint64_t clock = 48'000'000) {
  return R"({"name": "t", "core": ")" + core + R"(", "clock_hz": )" + std::to_string(clock) +
         R"(, "code_memory": "flash", "data_memory": "sram", "memories": [)" + memories + "]" +
         extra + "}";
}

const std::string kFlash3 =
    R"({"name": "flash", "kind": "flash", "base": "0x08000000", "size": "1MiB", "wait_states": 3},
       {"name": "sram", "kind": "sram", "base": "0x20000000", "size": "128KiB"})";

targets::Target parse(const std::string& json) {
  return targets::parse_target(json, "test.json");
}

std::string error_of(const std::string& json) {
  try {
    (void)sim::make_cycle_model(parse(json));
  } catch (const targets::TargetError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(LruCache, EvictsTheLeastRecentlyUsedLineOfASet) {
  LruCache c(4, 2, 16);           // 2 sets of 2 ways
  EXPECT_FALSE(c.access(0x000));  // set 0
  EXPECT_FALSE(c.access(0x020));  // set 0
  EXPECT_TRUE(c.access(0x000));
  EXPECT_FALSE(c.access(0x040));  // set 0 again: evicts 0x020, the least recent
  EXPECT_TRUE(c.access(0x004));   // same line as 0x000
  EXPECT_FALSE(c.access(0x020));
  EXPECT_FALSE(c.access(0x010));  // set 1 is independent
  EXPECT_TRUE(c.access(0x010));
}

TEST(LruCache, FullyAssociativeLinesAreIndexedAndStillLru) {
  LruCache c(64, 64, 16);
  for (uint32_t i = 0; i < 64; ++i) EXPECT_FALSE(c.access(i * 16));
  EXPECT_TRUE(c.access(0));         // line 0 is now the most recent
  EXPECT_FALSE(c.access(64 * 16));  // evicts line 1
  EXPECT_TRUE(c.access(0));
  EXPECT_FALSE(c.access(1 * 16));
  uint32_t hint = 12345;  // a wrong hint is harmless
  EXPECT_TRUE(c.access(0, hint));
  EXPECT_TRUE(c.access(0, hint));
}

TEST(MemorySystem, ArtDataLinesServeRepeatedFlashReads) {
  MemorySystem m(parse(board("cortex-m4", kFlash3, R"(, "flash_accelerator": {"kind": "stm32-art",
      "prefetch": true, "line_bytes": 16, "icache_lines": 64, "dcache_lines": 8})")));
  uint32_t hint = 0;
  EXPECT_EQ(m.data_read(0x08000100, 4, hint), 3u);  // R-FLASH-DATA: miss pays the wait states
  EXPECT_EQ(m.data_read(0x08000104, 4, hint), 0u);  // R-ART: same 128-bit line
  for (uint32_t i = 1; i <= 8; ++i) EXPECT_EQ(m.data_read(0x08000100 + 16 * i, 4, hint), 3u);
  EXPECT_EQ(m.data_read(0x08000100, 4, hint), 3u);  // evicted by 8 newer lines
  EXPECT_EQ(m.data_read(0x20000000, 4, hint), 0u);  // SRAM: zero wait
  ASSERT_EQ(m.slow_data_ranges().size(), 1u);
  EXPECT_EQ(m.slow_data_ranges()[0].begin, 0x08000000u);
}

TEST(MemorySystem, WithoutAcceleratorEveryFlashLineReadPays) {
  MemorySystem m(parse(board("cortex-m4", kFlash3, "")));
  uint32_t hint = 0;
  EXPECT_EQ(m.data_read(0x08000100, 4, hint), 3u);
  EXPECT_EQ(m.data_read(0x08000104, 4, hint), 3u);
  EXPECT_EQ(m.data_read(0x0800010C, 8, hint), 6u);  // crosses into the next line
}

TEST(MemorySystem, XipCacheIsSharedByFetchAndData) {
  const std::string mem =
      R"({"name": "flash", "kind": "flash", "base": "0x10000000", "size": "2MiB", "wait_states": 15},
         {"name": "sram", "kind": "sram", "base": "0x20000000", "size": "256KiB"})";
  MemorySystem m(parse(board("cortex-m0plus", mem, R"(, "flash_accelerator": {"kind": "xip-cache",
      "line_bytes": 8, "icache_lines": 2048, "ways": 2})",
                             125'000'000)));
  sim::BlockTiming b;
  b.address = 0x10000100;
  b.size = 8;
  b.line_cycles = {8};
  EXPECT_EQ(m.fetch(b, nullptr), 15u);  // R-XIP: a miss is a QSPI line fill
  EXPECT_EQ(m.fetch(b, nullptr), 0u);
  uint32_t hint = 0;
  EXPECT_EQ(m.data_read(0x10000104, 4, hint), 0u);  // the line fetched as code
  EXPECT_EQ(m.data_read(0x10000200, 4, hint), 15u);
}

TEST(MemorySystem, PrefetchHidesSequentialLinesBehindExecution) {
  MemorySystem m(parse(board("cortex-m4", kFlash3, R"(, "flash_accelerator": {"kind": "prefetch",
      "prefetch": true, "line_bytes": 16})")));
  sim::BlockTiming b;
  b.address = 0x08000000;
  b.size = 48;  // three lines
  b.line_cycles = {2, 8, 3};
  // R-PREFETCH: first line (branch target) pays 3; the second waits 3 + 1 - 2 = 2
  // after 2 cycles in the first; the third is hidden behind 8 cycles.
  std::vector<uint32_t> per_line;
  EXPECT_EQ(m.fetch(b, nullptr, &per_line), 5u);
  EXPECT_EQ(per_line, (std::vector<uint32_t>{3, 2, 0}));
}

TEST(MemorySystem, M7L1MissFillsALineOverTheAxiBus) {
  const std::string mem =
      R"({"name": "flash", "kind": "flash", "base": "0x08000000", "size": "1MiB", "wait_states": 7},
         {"name": "sram", "kind": "sram", "base": "0x20000000", "size": "256KiB"},
         {"name": "dtcm", "kind": "tcm", "base": "0x20040000", "size": "64KiB"})";
  MemorySystem m(parse(board("cortex-m7", mem, R"(, "icache": {"size": 4096, "line_bytes": 32,
      "ways": 2}, "dcache": {"size": 4096, "line_bytes": 32, "ways": 4})",
                             216'000'000)));
  uint32_t hint = 0;
  EXPECT_EQ(m.data_read(0x20000000, 4, hint), 4u);   // R7-CACHE: 0 ws + 32/8 beats
  EXPECT_EQ(m.data_read(0x2000001C, 4, hint), 0u);   // same line
  EXPECT_EQ(m.data_read(0x08000000, 4, hint), 11u);  // 7 ws + 4 beats
  EXPECT_EQ(m.data_read(0x20040000, 4, hint), 0u);   // R7-TCM: never cached, zero wait
}

TEST(MemorySystem, InconsistentTargetsAreRejectedNamingTheField) {
  const std::string tcm_ws =
      R"({"name": "flash", "kind": "flash", "base": "0x0", "size": "64KiB"},
         {"name": "sram", "kind": "tcm", "base": "0x20000000", "size": "64KiB", "wait_states": 1})";
  EXPECT_NE(error_of(board("cortex-m7", tcm_ws, "")).find("'memories[1].wait_states'"),
            std::string::npos);
  EXPECT_NE(error_of(board("cortex-m7", tcm_ws, "")).find("target t: "), std::string::npos);
  const std::string overlap =
      R"({"name": "flash", "kind": "flash", "base": "0x0", "size": "64KiB"},
         {"name": "sram", "kind": "sram", "base": "0x8000", "size": "64KiB"})";
  const std::string e = error_of(board("cortex-m4", overlap, ""));
  EXPECT_TRUE(e.find("memories[1].base") != std::string::npos &&
              e.find("overlaps") != std::string::npos)
      << e;
  const std::string no_flash =
      R"({"name": "flash", "kind": "sram", "base": "0x0", "size": "64KiB"},
         {"name": "sram", "kind": "sram", "base": "0x20000000", "size": "64KiB"})";
  EXPECT_NE(error_of(board("cortex-m4", no_flash, R"(, "flash_accelerator": {"kind": "prefetch"})"))
                .find("flash_accelerator.kind"),
            std::string::npos);
  EXPECT_NE(error_of(board("cortex-m4", kFlash3, R"(, "icache": {"size": 4096})")).find("'icache'"),
            std::string::npos);
  const std::string fast_flash =
      R"({"name": "flash", "kind": "flash", "base": "0x08000000", "size": "1MiB"},
         {"name": "sram", "kind": "sram", "base": "0x20000000", "size": "128KiB"})";
  EXPECT_NE(
      error_of(board("cortex-m4", fast_flash, "", 168'000'000)).find("memories[0].wait_states"),
      std::string::npos);
  EXPECT_EQ(error_of(board("cortex-m4", kFlash3, "")), "");  // a consistent board is fine
}

TEST(MemorySystem, CliReportsAnInconsistentTargetInOneLine) {
  const auto elf = test::test_firmware("stm32f412", "itm_exit");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  test::ScratchDir scratch;
  const auto bad = scratch / "bad.json";
  std::ofstream(bad) << board("cortex-m4",
                              R"({"name": "flash", "kind": "flash", "base": "0x08000000",
      "size": "1MiB", "wait_states": 2}, {"name": "sram", "kind": "tcm", "base": "0x20000000",
      "size": "256KiB", "wait_states": 2})",
                              "");
  const auto r = test::run_process(
      {test::mcuprof_binary().string(), "run", elf.string(), "--target-file", bad.string()});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("memories[1].wait_states"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(CycleModel, StaticBlockCostsFollowTheRules) {
  const auto m4 = sim::make_cycle_model(parse(board("cortex-m4", kFlash3, "")));
  // ldr r1,[r0]; ldr r2,[r0,#4]; adds r1,r1,r2  -> 2 + 1 (pipelined) + 1
  const uint8_t loads[] = {0x01, 0x68, 0x42, 0x68, 0x89, 0x18};
  const auto cost = m4->block_cost(0x08000000, loads);
  EXPECT_EQ(cost.instructions, 3u);
  EXPECT_EQ(cost.cycles, 4u);
  const auto t = m4->analyse_block(0x08000000, loads);
  EXPECT_EQ(t.prefix, (std::vector<uint32_t>{0, 2, 3}));
  ASSERT_EQ(t.memory.size(), 2u);
  EXPECT_EQ(t.memory[1].base, 0);
  EXPECT_EQ(t.memory[1].offset, 4);
  // push {r4-r7, lr}: 1 + 5
  const uint8_t push[] = {0xF0, 0xB5};
  EXPECT_EQ(m4->block_cost(0x08000000, push).cycles, 6u);
  const auto m0 = sim::make_cycle_model(parse(board("cortex-m0plus", kFlash3, "")));
  EXPECT_EQ(m0->block_cost(0x08000000, loads).cycles, 5u);  // R0-LDR: no pipelining
  // R-WIDE-RUN: add.w r2,r2,#1 three times: 3 word-aligned, 3 + 1 at a halfword address
  const uint8_t wide[] = {0x02, 0xF1, 0x01, 0x02, 0x02, 0xF1, 0x01, 0x02, 0x02, 0xF1, 0x01, 0x02};
  EXPECT_EQ(m4->block_cost(0x08000000, wide).cycles, 3u);
  EXPECT_EQ(m4->block_cost(0x08000002, wide).cycles, 4u);
  const auto unit = sim::make_unit_cycle_model(parse(board("cortex-m4", kFlash3, "")));
  EXPECT_EQ(unit->block_cost(0x08000000, loads).cycles, 3u);
}

namespace {
struct Registers final : sim::RegisterView {
  std::array<uint32_t, 16> r{};
  uint32_t core(unsigned n) const override { return r.at(n); }
};
}  // namespace

// R-LDR-BLOCK: a load pipelined behind another keeps its saving only when both read the
// same memory; the check runs at block entry from the registers.
TEST(CycleModel, LoadPairsAcrossTwoMemoriesLoseTheirPipelining) {
  // ldr r1,[r3]; ldr r2,[r0]: 2 + 1 statically (R-LDR-PIPE), in SRAM (no fetch stalls)
  const uint8_t pair[] = {0x19, 0x68, 0x02, 0x68};
  const uint32_t at = 0x20001000;
  Registers regs;
  regs.r[0] = 0x20000000;
  for (const char* core : {"cortex-m3", "cortex-m4"}) {
    SCOPED_TRACE(core);
    const auto m = sim::make_cycle_model(parse(board(core, kFlash3, "")));
    const auto t = m->analyse_block(at, pair);
    EXPECT_EQ(t.cycles, 3u);
    ASSERT_EQ(t.memory.size(), 2u);
    EXPECT_TRUE(t.memory[1].pipelined);
    regs.r[3] = 0x20000100;  // SRAM and SRAM: pipelined
    EXPECT_EQ(m->enter_block(t, nullptr, regs), 0u);
    regs.r[3] = 0x08000100;  // flash, then SRAM: the cycle is spent again
    EXPECT_EQ(m->enter_block(t, nullptr, regs), 1u);
    EXPECT_EQ(m->dynamic_before(1), 1u);  // before the second load's access
    regs.r[3] = 0x40000000;               // a device, then SRAM
    EXPECT_EQ(m->enter_block(t, nullptr, regs), 1u);
  }
  // The M7 has rules of its own: no such charge.
  const auto m7 = sim::make_cycle_model(parse(board("cortex-m7", kFlash3, "")));
  const auto t7 = m7->analyse_block(at, pair);
  regs.r[3] = 0x08000100;
  EXPECT_EQ(m7->enter_block(t7, nullptr, regs), 0u);
}

// R-SEAM: Unicorn cuts a block at each 1 KiB page where the core sees no boundary. The cut
// block is scheduled with the instructions that follow it, and the rest, entered from it,
// costs its share of that schedule: together they cost what the uncut block does.
TEST(CycleModel, BlocksCutAtAPageBoundaryCostWhatTheWholeBlockDoes) {
  // ldr r1,[r0] | ldr r2,[r0,#4]; adds r1,r1,r2; adds r2,#1; adds r3,#1; b .
  const std::vector<uint8_t> whole = {0x01, 0x68, 0x42, 0x68, 0x89, 0x18,
                                      0x01, 0x32, 0x01, 0x33, 0xFE, 0xE7};
  const std::span<const uint8_t> first(whole.data(), 2);
  const std::span<const uint8_t> rest(whole.data() + 2, whole.size() - 2);
  const uint32_t page = 0x20000400;  // the cut falls on this page boundary
  Registers regs;
  regs.r[0] = 0x20000000;
  for (const char* core : {"cortex-m0plus", "cortex-m4", "cortex-m33", "cortex-m7"}) {
    SCOPED_TRACE(core);
    const auto m = sim::make_cycle_model(parse(board(core, kFlash3, "")));
    const auto uncut = m->analyse_block(page - 2, whole);
    const auto a = m->analyse_cut_block(page - 2, first, rest);
    const auto b = m->analyse_block(page, rest);
    EXPECT_EQ(a.exit, sim::BlockExit::FallThrough);
    EXPECT_EQ(a.seam_instructions, b.instructions);
    EXPECT_EQ(a.cycles + m->enter_block(a, nullptr, regs) + sim::entry_static_cycles(b, &a) +
                  m->enter_block(b, &a, regs),
              uncut.cycles + m->enter_block(uncut, nullptr, regs));
    // Mid-block times (a DWT->CYCCNT read) follow the same schedule.
    ASSERT_EQ(a.seam_prefix.size(), b.instructions);
    for (size_t i = 0; i < b.instructions; ++i)
      EXPECT_EQ(a.seam_prefix[i], uncut.prefix[i + 1] - uncut.prefix[1]);
    EXPECT_TRUE(sim::continues_cut_block(b, &a));
    // Entered by a branch instead, the rest costs its own schedule.
    EXPECT_EQ(sim::entry_static_cycles(b, nullptr), b.cycles);
  }
  // Timed apart, the M4 loses the second load's pipelining behind the first (R-LDR-PIPE).
  const auto m4 = sim::make_cycle_model(parse(board("cortex-m4", kFlash3, "")));
  const auto alone = m4->analyse_block(page - 2, first);
  const auto b4 = m4->analyse_block(page, rest);
  EXPECT_EQ(alone.cycles + b4.cycles, m4->analyse_block(page - 2, whole).cycles + 1);
  // Without a branch in the bytes that follow, the block is timed alone.
  const auto m7 = sim::make_cycle_model(parse(board("cortex-m7", kFlash3, "")));
  const std::vector<uint8_t> no_branch = {0x01, 0x32, 0x01, 0x33};
  EXPECT_EQ(m7->analyse_cut_block(page - 2, first, no_branch).seam_instructions, 0u);
}

// R7-PAIR: the first instruction at a predicted branch's target shares the branch's
// cycle, one instruction and not two: the rest of the block issues after it.
TEST(CycleModel, M7BlockStartingInTheBranchCycleIssuesTheRestAfterIt) {
  const auto m7 = sim::make_cycle_model(parse(board("cortex-m7", kFlash3, "")));
  Registers regs;
  // dmb; b.n (the DMB issues alone, so does the B: its cycle is left to the target)
  const uint8_t dmb_b[] = {0xBF, 0xF3, 0x5F, 0x8F, 0xFE, 0xE7};
  // adds r1,#1; adds r2,#1; adds r3,#1; b.n: [ADDS, ADDS] [ADDS, B] on its own
  const uint8_t adds_b[] = {0x01, 0x31, 0x01, 0x32, 0x01, 0x33, 0xFE, 0xE7};
  const auto prev = m7->analyse_block(0x20000000, dmb_b);
  const auto next = m7->analyse_block(0x20000100, adds_b);
  EXPECT_EQ(prev.cycles, 1u);
  EXPECT_EQ(next.cycles, 2u);
  EXPECT_EQ(m7->enter_block(next, &prev, regs), 0u);
  EXPECT_TRUE(sim::entered_paired(next));
  // [B, ADDS] (the shared cycle) [ADDS, ADDS] [B, left to the next block]
  EXPECT_EQ(sim::entry_static_cycles(next, &prev), 2u);
  EXPECT_EQ(sim::entry_prefix(next, &prev), (std::vector<uint32_t>{0, 1, 1, 2}));
  // Entered that way, its B issues alone: the block after it shares that cycle.
  const auto after = m7->analyse_block(0x20000200, adds_b);
  EXPECT_EQ(m7->enter_block(after, &next, regs), 0u);
  EXPECT_TRUE(sim::entered_paired(after));
  // After a block whose last cycle is full ([ADDS, B]), its own schedule.
  const auto full = m7->analyse_block(0x20000300, adds_b);
  m7->enter_block(full, nullptr, regs);
  EXPECT_EQ(m7->enter_block(next, &full, regs), 0u);
  EXPECT_FALSE(sim::entered_paired(next));
  EXPECT_EQ(sim::entry_static_cycles(next, nullptr), 2u);
  EXPECT_EQ(sim::entry_prefix(next, nullptr), next.prefix);
}

// docs/cycle-model.md "Cortex-M33": the same blocks under the M33's own rules.
TEST(CycleModel, M33StaticBlockCostsFollowItsOwnRules) {
  const auto m33 = sim::make_cycle_model(parse(board("cortex-m33", kFlash3, "")));
  const auto m4 = sim::make_cycle_model(parse(board("cortex-m4", kFlash3, "")));
  // ldr r1,[r0]; ldr r2,[r0,#4]; adds r1,r1,r2 -> 1 + 1 + (1 stall, R33-LDR) 1
  const uint8_t loads[] = {0x01, 0x68, 0x42, 0x68, 0x89, 0x18};
  const auto t = m33->analyse_block(0x08000000, loads);
  EXPECT_EQ(t.prefix, (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(m33->block_cost(0x08000000, loads).cycles, 4u);
  // push {r4-r7, lr}: 5 (R33-LDM) against the M4's 1 + 5
  const uint8_t push[] = {0xF0, 0xB5};
  EXPECT_EQ(m33->block_cost(0x08000000, push).cycles, 5u);
  EXPECT_EQ(m4->block_cost(0x08000000, push).cycles, 6u);
  // subs r1,#1; bne.n back: the branch pairs with the SUBS (R33-BRANCH-PAIR), not taken 0
  const uint8_t loop[] = {0x01, 0x39, 0xFD, 0xD1};
  EXPECT_EQ(m33->block_cost(0x08000000, loop).cycles, 1u);
  EXPECT_EQ(m4->block_cost(0x08000000, loop).cycles, 2u);
}
