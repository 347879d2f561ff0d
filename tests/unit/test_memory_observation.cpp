// --observe-memory: the observed-SRAM liveness on hand-made access sequences, the
// out-of-bounds write check on hand-made layouts and events, and end to end: a firmware
// writing one byte past its buffer (tests/firmware/memobs/oob_write.c), its clean twin,
// and a real model run.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "mcuprof/profiler/memory_check.hpp"
#include "mcuprof/profiler/observed_memory.hpp"
#include "mcuprof/sim/elf_image.hpp"
#include "mcuprof/traces/store.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;
using profiler::AddressRange;
using profiler::MemoryCheck;
using profiler::MemoryLayout;
using profiler::ObservedMemory;
using profiler::ObservedSeries;

namespace {

constexpr uint32_t kSram = 0x20000000;

// The series' value at `cycle` (a step function).
uint64_t value_at(const ObservedSeries& s, uint64_t cycle) {
  uint64_t v = 0;
  for (const auto& p : s.points)
    if (p.cycle <= cycle) v = p.bytes;
  return v;
}

}  // namespace

TEST(ObservedMemory, ABytesValueLivesFromItsWriteToItsLastReadInclusive) {
  ObservedMemory m({{kSram, 1024}});
  m.write(kSram + 16, 4, 10);
  m.read(kSram + 16, 4, 15);
  m.read(kSram + 18, 2, 20);   // the last read of bytes 18-19; bytes 16-17 end at 15
  m.write(kSram + 16, 4, 30);  // new values, never read: dead
  const auto s = m.finish(40);
  EXPECT_EQ(s.resolution_cycles, 1u);
  EXPECT_EQ(value_at(s, 9), 0u);
  EXPECT_EQ(value_at(s, 10), 4u);
  EXPECT_EQ(value_at(s, 15), 4u);
  EXPECT_EQ(value_at(s, 16), 2u);
  EXPECT_EQ(value_at(s, 20), 2u);
  EXPECT_EQ(value_at(s, 21), 0u);
  EXPECT_EQ(value_at(s, 35), 0u);
  EXPECT_EQ(s.peak_bytes, 4u);
  EXPECT_EQ(s.peak_cycle, 10u);
}

TEST(ObservedMemory, DeadWritesNeverCountAndResetValuesLiveFromCycleZero) {
  ObservedMemory m({{kSram, 256}});
  m.write(kSram, 4, 5);
  m.write(kSram, 4, 6);       // overwrites unread values
  m.read(kSram + 100, 1, 7);  // a value from reset (loaded image or zero)
  const auto s = m.finish(10);
  EXPECT_EQ(value_at(s, 0), 1u);
  EXPECT_EQ(value_at(s, 7), 1u);
  EXPECT_EQ(value_at(s, 8), 0u);
  EXPECT_EQ(s.peak_bytes, 1u);
}

TEST(ObservedMemory, OverlappingValuesAddUpAndAccessesOutsideAreIgnored) {
  ObservedMemory m({{kSram, 64}, {0x10000000, 64}});
  m.write(kSram, 8, 100);       // A: 8 bytes, read at 300
  m.write(0x10000000, 4, 150);  // B in the second memory, read at 200
  m.write(0x30000000, 4, 160);  // outside every memory
  m.read(0x10000000, 4, 200);
  m.read(kSram, 8, 300);
  m.read(0x30000000, 4, 310);
  const auto s = m.finish(400);
  EXPECT_EQ(value_at(s, 120), 8u);
  EXPECT_EQ(value_at(s, 150), 12u);
  EXPECT_EQ(value_at(s, 200), 12u);
  EXPECT_EQ(value_at(s, 201), 8u);
  EXPECT_EQ(value_at(s, 301), 0u);
  EXPECT_EQ(s.peak_bytes, 12u);
  EXPECT_EQ(s.peak_cycle, 150u);
}

TEST(ObservedMemory, ACoarserGridNeverHidesAPeak) {
  // Two short values that never overlap, then one long one: exact peak 2 bytes (the long
  // one's 1 byte overlaps a short one's 1 byte once).
  ObservedMemory m({{kSram, 64}}, 4);
  m.write(kSram + 0, 1, 3);
  m.read(kSram + 0, 1, 4);  // [3,4]
  m.write(kSram + 1, 1, 5);
  m.read(kSram + 1, 1, 6);  // [5,6]
  m.write(kSram + 2, 1, 6);
  m.read(kSram + 2, 1, 90);  // [6,90]
  const auto s = m.finish(100);
  // 100 cycles on at most 4 cells: cells of 32 cycles.
  EXPECT_EQ(s.resolution_cycles, 32u);
  EXPECT_GE(s.peak_bytes, 2u);  // at least the exact peak
  EXPECT_LE(s.peak_bytes, 3u);  // at most every value touching the cell
  EXPECT_EQ(s.peak_cycle, 0u);
  EXPECT_GE(value_at(s, 64), 1u);  // the long value still counts in its last cell
  EXPECT_EQ(value_at(s, 96), 0u);
  EXPECT_LE(s.points.back().cycle, 101u);  // the series does not run past the run's end
}

namespace {

// SRAM at 0x20000000 (64 KiB): static data [0x20000000,+0x100), heap up to the stack
// limit 0x2000F000, stack up to 0x20010000.
MemoryLayout small_layout() {
  MemoryLayout l;
  l.memories = {{kSram, 0x10000}};
  l.statics = {{kSram, 0x100}};
  l.stack_top = kSram + 0x10000;
  l.stack_limit = kSram + 0xF000;
  l.heap = AddressRange{kSram + 0x100, 0xF000 - 0x100};
  return l;
}

std::string locate(uint32_t pc) {
  return "f+" + std::to_string(pc);
}

}  // namespace

TEST(MemoryCheck, AWriteOneBytePastALiveTensorIsReportedOncePerInstruction) {
  MemoryCheck c(small_layout(), locate);
  const uint32_t arena = kSram + 0x1000;
  c.on_arena(arena, 0x400);
  c.on_alloc(12, 0x100, 16);
  c.on_write(0x0800'0100, kSram + 0xFF00, arena + 0x100, 4, 10);   // inside
  c.on_write(0x0800'0100, kSram + 0xFF00, arena + 0x10C, 4, 11);   // last 4 bytes
  c.on_write(0x0800'0200, kSram + 0xFF00, arena + 0x110, 1, 12);   // one past
  c.on_write(0x0800'0200, kSram + 0xFF00, arena + 0x112, 1, 13);   // same instruction again
  c.on_write(0x0800'0300, kSram + 0xFF00, kSram + 0x20, 4, 14);    // static data
  c.on_write(0x0800'0300, kSram + 0xFF00, kSram + 0xF004, 4, 15);  // stack, below the SP
  const auto r = c.finish();
  ASSERT_EQ(r.sites.size(), 1u);
  EXPECT_EQ(r.total, 2u);
  const auto& w = r.sites[0];
  EXPECT_EQ(w.pc, 0x0800'0200u);
  EXPECT_EQ(w.location, locate(0x0800'0200));
  EXPECT_EQ(w.address, arena + 0x110);
  EXPECT_EQ(w.bytes, 1u);
  EXPECT_EQ(w.cycle, 12u);
  EXPECT_EQ(w.count, 2u);
  EXPECT_EQ(w.what, "1 byte past tensor 12 [0x20001100,+16)");
}

TEST(MemoryCheck, FreedBuffersBytesBeforeABufferAndBelowTheStackLimit) {
  MemoryCheck c(small_layout(), locate);
  const uint32_t arena = kSram + 0x1000;
  c.on_arena(arena, 0x400);
  c.on_alloc(3, 0x000, 0x40);
  c.on_alloc(4, 0x200, 0x40);
  c.on_free(3);
  c.on_write(0x100, 0, arena + 0x10, 1, 20);        // into tensor 3 after its free
  c.on_write(0x104, 0, arena + 0x1FD, 1, 21);       // 3 bytes before tensor 4
  c.on_write(0x108, 0, kSram + 0xF000 - 8, 4, 22);  // 8 bytes below the stack limit
  c.on_write(0x10C, 0, arena + 0x400, 1, 23);       // just after the arena: heap, not allowed
  const auto r = c.finish();
  ASSERT_EQ(r.sites.size(), 4u);
  EXPECT_EQ(r.sites[0].what, "inside tensor 3 [0x20001000,+64), which is not live (freed)");
  EXPECT_EQ(r.sites[1].what, "3 bytes before tensor 4 [0x20001200,+64)");
  EXPECT_EQ(r.sites[2].what, "8 bytes before the stack [0x2000f000,+4096)");
  EXPECT_EQ(r.sites[3].what, "1 byte past the arena [0x20001000,+1024)");
}

TEST(MemoryCheck, SetUpWritesBeforeTheArenaIsAnnouncedAreJudgedByIt) {
  MemoryCheck c(small_layout(), locate);
  const uint32_t arena = kSram + 0x2000;
  c.on_write(0x200, 0, arena + 0x10, 4, 5);    // the runner copies an input in
  c.on_write(0x204, 0, kSram + 0x8000, 2, 6);  // elsewhere in the heap
  c.on_write(0x204, 0, kSram + 0x8004, 2, 7);
  c.on_arena(arena, 0x100);
  const auto r = c.finish();
  ASSERT_EQ(r.sites.size(), 1u);
  EXPECT_EQ(r.sites[0].pc, 0x204u);
  EXPECT_EQ(r.sites[0].address, kSram + 0x8000);
  EXPECT_EQ(r.sites[0].cycle, 6u);
  EXPECT_EQ(r.sites[0].count, 4u);  // bytes, when judged late
}

TEST(MemoryCheck, WithoutAnArenaTheHeapIsAllowedAndTheCapIsKept) {
  MemoryLayout l = small_layout();
  l.memories.push_back({0x10000000, 0x1000});  // a second SRAM with nothing in it
  MemoryCheck c(l, locate, 2);
  c.on_write(0x300, 0, kSram + 0x4000, 4, 1);  // heap
  c.on_write(0x304, 0, 0x10000000, 4, 2);
  c.on_write(0x308, 0, 0x10000010, 4, 3);
  c.on_write(0x30C, 0, 0x10000020, 4, 4);
  const auto r = c.finish();
  EXPECT_EQ(r.sites.size(), 2u);
  EXPECT_EQ(r.dropped_sites, 1u);
  EXPECT_EQ(r.total, 12u);  // 4 bytes each, judged at the end
  EXPECT_EQ(r.sites[0].pc, 0x304u);
}

TEST(MemoryCheck, StackWithoutALimitIsTheSpMinus128AndScratchFollowsTheArena) {
  MemoryLayout l = small_layout();
  l.stack_limit.reset();
  l.heap.reset();
  l.scratch_after_arena = 0x20;
  MemoryCheck c(l, locate);
  const uint32_t arena = kSram + 0x1000;
  c.on_arena(arena, 0x100);
  const uint32_t sp = kSram + 0xFF00;
  c.on_write(0x400, sp, sp - 128, 4, 1);              // a push: fine
  c.on_write(0x404, sp, sp - 132, 4, 2);              // below the SP's reach
  c.on_write(0x408, sp, arena + 0x100 + 0x1C, 4, 3);  // kernel scratch
  c.on_write(0x40C, sp, arena + 0x120, 1, 4);         // past the scratch
  const auto r = c.finish();
  ASSERT_EQ(r.sites.size(), 2u);
  EXPECT_EQ(r.sites[0].pc, 0x404u);
  EXPECT_EQ(r.sites[1].pc, 0x40Cu);
  EXPECT_EQ(r.sites[1].what, "1 byte past the kernel scratch [0x20001100,+32)");
}

// --- end to end --------------------------------------------------------------------

namespace {

nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST(ObserveMemoryCli, ReportsTheWriteOneBytePastTheBufferWithItsPcAndAddress) {
  const auto elf = test::test_firmware("stm32f412", "oob_write");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  const auto image = sim::ElfImage::load(elf);
  const auto* fn = [&]() -> const sim::Symbol* {
    for (const auto& s : image.symbols())
      if (s.name == "write_past_buffer") return &s;
    return nullptr;
  }();
  ASSERT_NE(fn, nullptr);
  const auto arena = image.symbol_address("oob_arena");
  ASSERT_TRUE(arena.has_value());

  test::ScratchDir dir;
  const auto summary = dir / "run.json";
  const auto db = dir / "t.db";
  const auto r = test::run_process({test::mcuprof_binary().string(), "run", "--target", "stm32f412",
                                    elf.string(), "--observe-memory", "--summary", summary.string(),
                                    "--db", db.string(), "--fail-if", "oob_writes>0"});
  EXPECT_EQ(r.status, 91) << r.err;  // the gate fails; the firmware itself exited 0
  const auto s = read_json(summary);
  EXPECT_EQ(s["exit_code"], 0);
  EXPECT_EQ(s["oob_writes"], 1);
  ASSERT_EQ(s["oob_write_sites"].size(), 1u) << s["oob_write_sites"].dump(1);
  const auto& w = s["oob_write_sites"][0];
  const auto pc = w["pc"].get<uint32_t>();
  // The store itself, not the function's (or block's) first instruction: storing the
  // constant needs an instruction that loads it first.
  EXPECT_GT(pc, fn->address);
  EXPECT_LT(pc, fn->address + std::max<uint32_t>(fn->size, 2));
  EXPECT_EQ(w["location"].get<std::string>().rfind("write_past_buffer", 0), 0u) << w.dump();
  EXPECT_EQ(w["address"].get<uint32_t>(), *arena + 32 + 64);
  EXPECT_EQ(w["bytes"], 1);
  EXPECT_EQ(w["what"], fmt::format("1 byte past tensor 1 [0x{:08x},+64)", *arena + 32));
  EXPECT_NE(r.err.find("out-of-bounds write at"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("write_past_buffer"), std::string::npos) << r.err;

  // Stored with the run: a span on the memory.oob track with the PC, and the counter.
  const auto store = traces::TraceStore::open(db, traces::TraceStore::Mode::ReadOnly);
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 1u);
  const auto spans = store.spans(runs[0].id, {.track = "memory.oob", .kind = ""});
  ASSERT_EQ(spans.size(), 1u);
  bool pc_arg = false;
  for (const auto& [name, value] : spans[0].args)
    if (name == "pc") pc_arg = std::get<int64_t>(value) == int64_t{pc};
  EXPECT_TRUE(pc_arg);
  const auto observed = store.counters(runs[0].id, traces::track::kSramObserved);
  ASSERT_FALSE(observed.empty());
  int64_t peak = 0;
  for (const auto& p : observed) peak = std::max(peak, p.value);
  EXPECT_EQ(peak, s["observed_peak_bytes"].get<int64_t>());
}

TEST(ObserveMemoryCli, TheCleanTwinHasNoOutOfBoundsWriteAndItsTensorIsObserved) {
  const auto elf = test::test_firmware("stm32f412", "oob_clean");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  test::ScratchDir dir;
  const auto summary = dir / "run.json";
  const auto r = test::run_process({test::mcuprof_binary().string(), "run", "--target", "stm32f412",
                                    elf.string(), "--observe-memory", "--summary", summary.string(),
                                    "--fail-if", "oob_writes>0"});
  EXPECT_EQ(r.status, 0) << r.err;
  const auto s = read_json(summary);
  EXPECT_EQ(s["oob_writes"], 0);
  EXPECT_TRUE(s["oob_write_sites"].empty());
  // The 64 bytes written then summed, plus the stack's saved registers.
  EXPECT_GE(s["observed_peak_bytes"].get<uint64_t>(), 64u);
  EXPECT_LE(s["observed_peak_bytes"].get<uint64_t>(), s["peak_sram_bytes"].get<uint64_t>());

  // Without --observe-memory the gate has nothing to measure: it fails, and says so.
  const auto plain = test::run_process({test::mcuprof_binary().string(), "run", "--target",
                                        "stm32f412", elf.string(), "--fail-if", "oob_writes>0"});
  EXPECT_EQ(plain.status, 91) << plain.err;
  EXPECT_NE(plain.err.find("not measured"), std::string::npos) << plain.err;
}

// Both schedules: the patch executor writes tiles and halos into patch buffers, the place
// an off-by-one would hide.
TEST(ObserveMemoryCli, ARealModelRunHasNoOutOfBoundsWriteAndStaysUnderThePlannedPeak) {
  const auto model = test::shared_models_dir() / "vww_96_int8.tflite";
  if (!std::filesystem::exists(model)) GTEST_SKIP() << "missing model " << model;
  if (!std::filesystem::exists(test::firmware("stm32f412", "model_runner")))
    GTEST_SKIP() << "missing model runner firmware";
  for (const char* schedule : {"layer", "patch"}) {
    SCOPED_TRACE(schedule);
    test::ScratchDir dir;
    const auto summary = dir / "run.json";
    const auto r =
        test::run_process({test::mcuprof_binary().string(), "run", model.string(), "--target",
                           "stm32f412", "--schedule", schedule, "--observe-memory", "--summary",
                           summary.string(), "--fail-if", "observed_sram<1KiB"});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto s = read_json(summary);
    EXPECT_EQ(s["oob_writes"], 0) << s["oob_write_sites"].dump(1);
    const auto observed = s["observed_peak_bytes"].get<uint64_t>();
    EXPECT_GT(observed, 1024u);
    EXPECT_LE(observed, s["peak_sram_bytes"].get<uint64_t>());
  }
}
