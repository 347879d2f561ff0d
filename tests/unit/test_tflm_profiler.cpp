// The TensorFlow Lite Micro profiler adapter (runtime/firmware/include/mcuprof_tflm_profiler.h)
// end to end: tests/firmware/tflm_profiler.cpp drives it as TFLite Micro's op loop does, on
// the machine; mcuprof must report one layer per op, indexed in order and named with
// TFLite's names (custom ops as CUSTOM), nothing for a kernel's own nested event, and the
// inference window from run_begin()/run_end().
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "mcuprof/traces/store.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;

namespace {

struct Layer {
  std::string op;
  uint32_t code;
};

// tflm_profiler.cpp's graph.
const std::vector<Layer> kLayers = {
    {"CONV_2D", 3},      {"DEPTHWISE_CONV_2D", 4}, {"ADD", 0},      {"CUSTOM", 32},
    {"HARD_SWISH", 117}, {"FULLY_CONNECTED", 9},   {"SOFTMAX", 25},
};

}  // namespace

TEST(TflmProfiler, ReportsEveryOpAsALayerWithTflitesName) {
  // A Cortex-M4 board and the Cortex-M0+ one (ARMv6-M: the adapter's header must build there).
  for (const std::string board : {"stm32f412", "rp2040"}) {
    SCOPED_TRACE(board);
    const auto elf = test::test_firmware(board, "tflm_profiler");
    if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
    test::ScratchDir dir;
    const auto db = dir / "t.db";
    const auto summary = dir / "run.json";
    const auto r =
        test::run_process({test::mcuprof_binary().string(), "run", "--target", board, elf.string(),
                           "--db", db.string(), "--summary", summary.string()});
    // The firmware's exit status counts failed name -> code checks on the target.
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;

    std::ifstream in(summary);
    const auto s = nlohmann::json::parse(in);
    EXPECT_TRUE(s["trace_problems"].empty()) << s["trace_problems"].dump();
    // The run span and one layer per op, all at depth 1: the nested kernel event is no span.
    const auto& spans = s["spans"];
    ASSERT_EQ(spans.size(), 1 + kLayers.size()) << spans.dump(1);
    for (size_t i = 0; i < kLayers.size(); ++i) {
      const auto& span = spans[i + 1];
      EXPECT_EQ(span["kind"], "layer");
      EXPECT_EQ(span["index"], i);
      EXPECT_EQ(span["depth"], 1);
      EXPECT_EQ(span["op"], kLayers[i].code) << kLayers[i].op;
      EXPECT_EQ(span["macs"], 0);  // the adapter does not know them
    }
    // CONV_2D (3000 iterations) outweighs ADD (500).
    EXPECT_GT(spans[1]["cycles"].get<uint64_t>(), 4 * spans[3]["cycles"].get<uint64_t>());

    const auto store = traces::TraceStore::open(db, traces::TraceStore::Mode::ReadOnly);
    const auto runs = store.runs();
    ASSERT_EQ(runs.size(), 1u);
    const auto layers = store.layer_table(runs[0].id);
    ASSERT_EQ(layers.size(), kLayers.size());
    uint64_t layer_cycles = 0;
    for (size_t i = 0; i < kLayers.size(); ++i) {
      EXPECT_EQ(layers[i].layer_index, static_cast<int64_t>(i));
      EXPECT_EQ(layers[i].op, kLayers[i].op);
      EXPECT_EQ(layers[i].name, kLayers[i].op + " " + std::to_string(i));
      EXPECT_EQ(layers[i].spans, 1u);
      layer_cycles += layers[i].cycles;
    }
    // run_begin()/run_end() bound the inference: the layers lie inside it and fill most of
    // it (the name lookups between layers cost some thousand cycles each).
    EXPECT_LE(layer_cycles, runs[0].total_cycles);
    EXPECT_GT(layer_cycles, runs[0].total_cycles / 2);
  }
}
