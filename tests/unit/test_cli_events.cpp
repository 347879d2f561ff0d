// End to end: a firmware emitting trace-protocol events, run by mcuprof, yields the
// expected nested spans, arena peaks and per-span figures in the run summary.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "mcuprof/traces/store.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;

TEST(CliEvents, SpansAndArenaFromTheFirmwaresEvents) {
  const auto elf = test::test_firmware("stm32f412", "events");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  test::ScratchDir dir;
  const auto summary = dir / "run.json";
  const auto r = test::run_process({test::mcuprof_binary().string(), "run", "--target", "stm32f412",
                                    elf.string(), "--summary", summary.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  std::ifstream in(summary);
  const auto s = nlohmann::json::parse(in);
  const auto& spans = s["spans"];
  // run, stage, 2 x (patch, layer, layer), layer
  ASSERT_EQ(spans.size(), 9u) << spans.dump(1);
  EXPECT_EQ(spans[0]["kind"], "run");
  EXPECT_EQ(spans[1]["kind"], "stage");
  EXPECT_EQ(spans[2]["kind"], "patch");
  EXPECT_EQ(spans[5]["kind"], "patch");
  EXPECT_EQ(spans[5]["column"], 1);
  EXPECT_EQ(spans[8]["kind"], "layer");
  EXPECT_EQ(spans[8]["parent"], 0);
  EXPECT_EQ(spans[4]["macs"], 2000);
  EXPECT_EQ(spans[4]["op"], 4);  // TFLite's DEPTHWISE_CONV_2D, as the firmware sent it

  // The run span covers the whole machine run; patches add up to less than the stage
  // (only the patch bodies), layers inside a patch to less than the patch.
  EXPECT_EQ(spans[0]["cycles"], s["machine_cycles"]);
  EXPECT_LE(s["total_cycles"].get<uint64_t>(), s["machine_cycles"].get<uint64_t>());
  const uint64_t stage = spans[1]["cycles"];
  const uint64_t patches = spans[2]["cycles"].get<uint64_t>() + spans[5]["cycles"].get<uint64_t>();
  EXPECT_LE(patches, stage);
  EXPECT_GT(patches, stage * 9 / 10);
  // Layer 1 does twice the work of layer 0.
  const double ratio = spans[4]["cycles"].get<double>() / spans[3]["cycles"].get<double>();
  EXPECT_GT(ratio, 1.7);
  EXPECT_LT(ratio, 2.3);

  // Arena: stage output 256 + layer-0 input 128 + layer-1 output 64 = 448 at the peak.
  EXPECT_EQ(s["arena_live_peak_bytes"], 448);
  EXPECT_EQ(spans[2]["arena_live_peak_bytes"], 448);
  EXPECT_EQ(spans[8]["arena_live_peak_bytes"], 256);
}

TEST(CliEvents, StoredRunHasSpansLayerTableAndSramCounters) {
  const auto elf = test::test_firmware("stm32f412", "events");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  test::ScratchDir dir;
  const auto db = dir / "t.db";
  const auto r = test::run_process({test::mcuprof_binary().string(), "run", "--target", "stm32f412",
                                    elf.string(), "--db", db.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto store = traces::TraceStore::open(db, traces::TraceStore::Mode::ReadOnly);
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 1u);
  const auto& run = runs[0];
  EXPECT_EQ(run.macs, 2u * (1000 + 2000) + 500);
  EXPECT_EQ(run.arena_bytes, 1024u);

  const auto patches = store.spans(run.id, {.track = "", .kind = "patch"});
  ASSERT_EQ(patches.size(), 2u);
  EXPECT_EQ(patches[1].patch_col.value_or(-1), 1);
  const auto in_patch = store.spans(run.id, {.track = "", .kind = "layer-in-patch"});
  EXPECT_EQ(in_patch.size(), 4u);
  for (const auto& s : in_patch) EXPECT_GE(s.depth, 3);

  // Layer table: layers 0 and 1 ran once per patch; layer 2 once.
  const auto layers = store.layer_table(run.id);
  ASSERT_EQ(layers.size(), 3u);
  uint64_t layer_cycles = 0;
  for (const auto& l : layers) layer_cycles += l.cycles;
  EXPECT_LT(layer_cycles, run.total_cycles);
  EXPECT_EQ(layers[0].spans, 2u);
  EXPECT_EQ(layers[0].macs, 2000u);
  // Named from TFLite's builtin codes (MCUPROF_BUILTIN_*, trace protocol 2).
  EXPECT_EQ(layers[0].op, "CONV_2D");
  EXPECT_EQ(layers[1].op, "DEPTHWISE_CONV_2D");
  EXPECT_EQ(layers[2].op, "FULLY_CONNECTED");

  // The arena counter peaks at 448 bytes; the stack is sampled at every event; the total
  // is static + arena + stack and its highest sample is the run's peak.
  const auto arena = store.counters(run.id, "sram.arena");
  ASSERT_FALSE(arena.empty());
  int64_t peak = 0;
  for (const auto& p : arena) peak = std::max(peak, p.value);
  EXPECT_EQ(peak, 448);
  const auto fixed = store.counters(run.id, "sram.static");
  ASSERT_FALSE(fixed.empty());
  // .bss holds the 1 KiB arena buffer, which counts on the arena track, not as static.
  EXPECT_LT(fixed[0].value, 1024);
  const auto stack = store.counters(run.id, "sram.stack");
  ASSERT_GE(stack.size(), 2u);
  int64_t stack_peak = 0;
  for (const auto& p : stack) stack_peak = std::max(stack_peak, p.value);
  EXPECT_GT(stack_peak, 0);     // main() and work() have frames
  EXPECT_LT(stack_peak, 1024);  // but small ones
  const auto total = store.counters(run.id, "sram.total");
  int64_t total_peak = 0;
  for (const auto& p : total) {
    EXPECT_GE(p.value, fixed[0].value);
    EXPECT_LE(p.value, fixed[0].value + 448 + stack_peak);
    total_peak = std::max(total_peak, p.value);
  }
  EXPECT_GE(total_peak, fixed[0].value + 448);
  EXPECT_EQ(run.sram_in_use_peak_bytes, static_cast<uint64_t>(total_peak));
  // Peak SRAM (figures.hpp): static + the announced arena + the stack reserve.
  EXPECT_EQ(run.peak_sram_bytes, run.static_sram_bytes + run.arena_bytes + run.stack_bytes);
  EXPECT_EQ(run.stack_bytes, 8192u);  // stm32f412's stack_bytes, from the linker script
  EXPECT_EQ(run.stack_peak_bytes, static_cast<uint64_t>(stack_peak));
}
