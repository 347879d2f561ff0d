// Stock firmware without changes to its source (issue 14): the inference window and the
// layers from calls, on firmware of our own shaped like the real engines
// (tests/firmware/stock/): a TFLite Micro-like interpreter (registration table filled by a
// global constructor, an op loop calling through function pointers, Invoke tail-calling
// it, a tensor_arena) and TinyEngine-like generated code (invoke calling each kernel, a
// static buffer). Both also send layer markers, so the same binary gives layers from
// markers and from calls: they must agree to within the markers' own cost.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>

#include "mcuprof/sim/elf_image.hpp"
#include "model_layers.hpp"
#include "paths.hpp"
#include "process.hpp"
#include "symbol_match.hpp"

using namespace mcuprof;

namespace {

constexpr const char* kBoard = "stm32f412";
// What the markers add around a call: the rest of the begin marker after its header word
// (two payload words, each waiting on the ITM port's status, and the interrupt mask) and
// the end marker up to its header, plus the call's argument set-up — 60 to 85 cycles on
// the F412 (flash wait states). The same for every layer, whatever its length.
constexpr uint64_t kMarkerCost = 100;
constexpr uint64_t kMarkerCostSpread = 20;

struct StockRun {
  test::ProcessResult process;
  nlohmann::json summary;
};

StockRun run_fw(const std::string& program, std::vector<std::string> extra) {
  static test::ScratchDir dir;
  static int n = 0;
  const auto summary = dir / ("run" + std::to_string(++n) + ".json");
  std::vector<std::string> args = {test::mcuprof_binary().string(),
                                   "run",
                                   test::test_firmware(kBoard, program).string(),
                                   "--target",
                                   kBoard,
                                   "--summary",
                                   summary.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  StockRun r;
  r.process = test::run_process(args);
  std::ifstream in(summary);
  if (in) r.summary = nlohmann::json::parse(in);
  return r;
}

std::vector<nlohmann::json> window_layers(const nlohmann::json& s) {
  const auto from = s["inference_window"]["begin_cycle"].get<uint64_t>();
  const auto to = s["inference_window"]["end_cycle"].get<uint64_t>();
  std::vector<nlohmann::json> out;
  for (const auto& span : s["spans"])
    if (span["kind"] == "layer" && span["begin_cycle"].get<uint64_t>() >= from &&
        span["begin_cycle"].get<uint64_t>() + span["cycles"].get<uint64_t>() <= to)
      out.push_back(span);
  return out;
}

bool have(const std::string& program) {
  return std::filesystem::exists(test::test_firmware(kBoard, program));
}

// Per layer: the call's span lies inside the marker's, shorter by at most the markers' cost.
void expect_calls_match_markers(const std::vector<nlohmann::json>& markers,
                                const std::vector<nlohmann::json>& calls) {
  ASSERT_EQ(markers.size(), calls.size());
  uint64_t least = UINT64_MAX, most = 0;
  for (size_t i = 0; i < calls.size(); ++i) {
    const auto m = markers[i]["cycles"].get<uint64_t>();
    const auto c = calls[i]["cycles"].get<uint64_t>();
    EXPECT_LE(c, m) << "layer " << i;
    EXPECT_LE(m - c, kMarkerCost) << "layer " << i << ": markers " << m << ", calls " << c;
    EXPECT_GE(calls[i]["begin_cycle"].get<uint64_t>(), markers[i]["begin_cycle"].get<uint64_t>());
    EXPECT_TRUE(calls[i].contains("function"));
    least = std::min(least, m - c);
    most = std::max(most, m - c);
  }
  EXPECT_LE(most - least, kMarkerCostSpread) << "the calls' edges are not the markers' edges";
}

}  // namespace

TEST(StockFirmware, TflmShapedWindowIsTheFirstInvokeWithItsTailCall) {
  if (!have("interp_tflm")) GTEST_SKIP() << "missing firmware interp_tflm";
  const StockRun r = run_fw("interp_tflm", {"--function-cycles", "30"});
  ASSERT_EQ(r.process.status, 0) << r.process.err;
  const auto& w = r.summary["inference_window"];
  EXPECT_EQ(w["source"], "function");
  EXPECT_EQ(w["function"], "tflite::MicroInterpreter::Invoke()");
  EXPECT_EQ(w["calls"], 2);
  const auto total = r.summary["total_cycles"].get<uint64_t>();
  EXPECT_EQ(total, w["end_cycle"].get<uint64_t>() - w["begin_cycle"].get<uint64_t>());
  EXPECT_LT(total, r.summary["machine_cycles"].get<uint64_t>() / 2);  // one of two inferences
  // Invoke's inclusive figure holds the op loop it tail-called: the whole window.
  bool invoke_seen = false;
  for (const auto& f : r.summary["functions"]) {
    if (f["name"] == "tflite::MicroInterpreter::Invoke()") {
      invoke_seen = true;
      EXPECT_EQ(f["inclusive_cycles"].get<uint64_t>(), total);
      EXPECT_LT(f["exclusive_cycles"].get<uint64_t>(), 100u);
    }
    if (f["name"] == "tflite::MicroInterpreter::AllocateTensors()") {
      EXPECT_FALSE(f.contains("inclusive_cycles") && f["inclusive_cycles"] > 0) << "outside";
    }
  }
  EXPECT_TRUE(invoke_seen);
  EXPECT_NE(r.process.err.find("in the first call to tflite::MicroInterpreter::Invoke() (1 of 2 "
                               "calls)"),
            std::string::npos)
      << r.process.err;
}

TEST(StockFirmware, TflmShapedLayersFromTheOpLoopMatchTheMarkers) {
  if (!have("interp_tflm")) GTEST_SKIP() << "missing firmware interp_tflm";
  const StockRun markers = run_fw("interp_tflm", {});
  const StockRun calls =
      run_fw("interp_tflm", {"--layers-from", "tflite::MicroInterpreterGraph::InvokeSubgraph"});
  ASSERT_EQ(markers.process.status, 0) << markers.process.err;
  ASSERT_EQ(calls.process.status, 0) << calls.process.err;
  const auto m = window_layers(markers.summary);
  const auto c = window_layers(calls.summary);
  ASSERT_EQ(c.size(), 8u) << calls.process.err;  // the first Invoke's 8 ops, not the helpers
  expect_calls_match_markers(m, c);
  // Named after the called functions: two `Eval`s told apart by their namespaces.
  EXPECT_EQ(c[0]["op_name"], "conv::(anonymous namespace)::Eval");
  EXPECT_EQ(c[1]["op_name"], "depthwise_conv::(anonymous namespace)::Eval");
  EXPECT_EQ(c[3]["op_name"], "AddEval");
  EXPECT_EQ(c[7]["op_name"], "SoftmaxEval");
  uint64_t sum = 0;
  for (const auto& l : c) sum += l["cycles"].get<uint64_t>();
  const auto total = calls.summary["total_cycles"].get<uint64_t>();
  EXPECT_LE(sum, total);
  EXPECT_GT(static_cast<double>(sum), 0.99 * static_cast<double>(total));  // the op loop's own
  EXPECT_NE(calls.process.err.find("layers from calls in the inference window: 8 layers"),
            std::string::npos)
      << calls.process.err;
}

TEST(StockFirmware, TflmShapedArenaIsObservedPerLayer) {
  if (!have("interp_tflm")) GTEST_SKIP() << "missing firmware interp_tflm";
  const StockRun r = run_fw("interp_tflm", {"--observe-memory", "--layers-from",
                                            "tflite::MicroInterpreterGraph::InvokeSubgraph"});
  ASSERT_EQ(r.process.status, 0) << r.process.err;
  const auto& s = r.summary;
  EXPECT_EQ(s["arena_bytes"], 12 * 1024);  // sizeof tensor_arena
  EXPECT_EQ(s["oob_writes"], 0) << r.process.err;
  EXPECT_EQ(s["peak_sram_bytes"].get<uint64_t>(),
            s["static_sram_bytes"].get<uint64_t>() + s["arena_bytes"].get<uint64_t>() +
                s["kernel_scratch_bytes"].get<uint64_t>() + s["stack_bytes"].get<uint64_t>());
  const auto layers = window_layers(s);
  ASSERT_EQ(layers.size(), 8u);
  // Layer 0 reads 2 KiB at offset 0 and writes 2 KiB at 4096: both live while it runs;
  // the arena's other bytes (written by AllocateTensors, never read again) are not.
  const auto l0 = layers[0]["arena_live_peak_bytes"].get<uint64_t>();
  EXPECT_GE(l0, 2048u);
  EXPECT_LE(l0, 12u * 1024u);
  for (const auto& l : layers) {
    EXPECT_LE(l["arena_live_peak_bytes"].get<uint64_t>(),
              s["arena_live_peak_bytes"].get<uint64_t>());
    EXPECT_GE(l["sram_in_use_peak_bytes"].get<uint64_t>(),
              l["arena_live_peak_bytes"].get<uint64_t>());
  }
}

TEST(StockFirmware, GeneratedCodeLayersFromInvokeMatchTheMarkers) {
  if (!have("generated_invoke")) GTEST_SKIP() << "missing firmware generated_invoke";
  const StockRun markers = run_fw("generated_invoke", {"--observe-memory"});
  const StockRun calls =
      run_fw("generated_invoke", {"--layers-from", "invoke", "--observe-memory"});
  ASSERT_EQ(markers.process.status, 0) << markers.process.err;
  ASSERT_EQ(calls.process.status, 0) << calls.process.err;
  EXPECT_EQ(calls.summary["inference_window"]["source"], "function");
  EXPECT_EQ(calls.summary["inference_window"]["function"], "invoke");
  const auto c = window_layers(calls.summary);
  expect_calls_match_markers(window_layers(markers.summary), c);
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[0]["op_name"], "convolve_s8_kernel3_stride2");
  EXPECT_EQ(c[4]["op_name"], "avg_pooling");
  // TinyEngine's `buffer` is the arena by default.
  EXPECT_EQ(calls.summary["arena_bytes"], 8192);
  EXPECT_GT(c[2]["arena_live_peak_bytes"].get<uint64_t>(), 0u);
}

TEST(StockFirmware, BadNamesAreOneLineUsageErrors) {
  if (!have("interp_tflm")) GTEST_SKIP() << "missing firmware interp_tflm";
  const StockRun none = run_fw("interp_tflm", {"--window", "no_such_function"});
  EXPECT_EQ(none.process.status, 64);
  EXPECT_NE(none.process.err.find("--window no_such_function: no function of that name"),
            std::string::npos)
      << none.process.err;
  const StockRun ambiguous = run_fw("interp_tflm", {"--layers-from", "Eval"});
  EXPECT_EQ(ambiguous.process.status, 64);
  EXPECT_NE(ambiguous.process.err.find("'Eval' names 2 functions"), std::string::npos)
      << ambiguous.process.err;
  const StockRun arena = run_fw("interp_tflm", {"--observe-memory", "--arena", "no_such_arena"});
  EXPECT_EQ(arena.process.status, 64);
  EXPECT_NE(arena.process.err.find("--arena no_such_arena"), std::string::npos)
      << arena.process.err;
}

TEST(StockFirmware, AModelThatDoesNotLineUpIsAWarningNotWrongNames) {
  if (!have("interp_tflm")) GTEST_SKIP() << "missing firmware interp_tflm";
  const auto model = test::shared_models_dir() / "vww_96_int8.tflite";
  if (!std::filesystem::exists(model)) GTEST_SKIP() << "missing model " << model;
  const StockRun r =
      run_fw("interp_tflm", {"--layers-from", "tflite::MicroInterpreterGraph::InvokeSubgraph",
                             "--model", model.string()});
  ASSERT_EQ(r.process.status, 0) << r.process.err;
  EXPECT_NE(r.process.err.find("8 layer calls in the window but the model has 31 operators"),
            std::string::npos)
      << r.process.err;
  EXPECT_EQ(window_layers(r.summary)[0]["op_name"], "conv::(anonymous namespace)::Eval");
  // Marker layers (no --layers-from): --model has nothing to name, and says so.
  const StockRun markers = run_fw("interp_tflm", {"--model", model.string()});
  ASSERT_EQ(markers.process.status, 0) << markers.process.err;
  EXPECT_NE(markers.process.err.find("--model names layers from calls, and this run has none"),
            std::string::npos)
      << markers.process.err;
}

TEST(StockFirmware, FunctionNamesMatchMangledDemangledAndShort) {
  const auto elf = test::test_firmware(kBoard, "interp_tflm");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware interp_tflm";
  const auto image = sim::ElfImage::load(elf);
  for (const char* name :
       {"_ZN6tflite16MicroInterpreter6InvokeEv", "tflite::MicroInterpreter::Invoke()",
        "tflite::MicroInterpreter::Invoke", "MicroInterpreter::Invoke", "Invoke"}) {
    const auto m = profiler::find_function(image, name);
    ASSERT_TRUE(m) << name;
    EXPECT_EQ(m->name, "tflite::MicroInterpreter::Invoke()") << name;
    EXPECT_EQ(m->addresses.size(), 1u);
  }
  EXPECT_FALSE(profiler::find_function(image, "nvoke"));
  EXPECT_THROW(profiler::find_function(image, "Eval"), std::invalid_argument);
  const auto arena = profiler::find_object(image, "tensor_arena");
  ASSERT_TRUE(arena);
  EXPECT_EQ(arena->size, 12u * 1024u);
}

TEST(StockFirmware, ModelMatchNamesLayersOnlyWhenTheCallsLineUp) {
  using profiler::ModelOperator;
  const std::vector<ModelOperator> ops = {
      {"CONV_2D", 3, 100}, {"DEPTHWISE_CONV_2D", 4, 50}, {"CONV_2D", 3, 80}, {"ADD", 0, 0}};
  const std::vector<std::string> names = {"conv", "dw", "conv", "add"};
  const auto ok = profiler::match_model(ops, {1, 2, 1, 3}, names);
  EXPECT_TRUE(ok.warning.empty()) << ok.warning;
  ASSERT_EQ(ok.names.ops.size(), 4u);
  EXPECT_EQ(ok.names.ops[1], "DEPTHWISE_CONV_2D");
  EXPECT_EQ(ok.names.codes[1], 4u);
  EXPECT_EQ(ok.names.macs[2], 80u);
  // One function serving two kinds of op: the calls are off by one somewhere.
  const auto shifted = profiler::match_model(ops, {1, 1, 2, 3}, names);
  EXPECT_TRUE(shifted.names.ops.empty());
  EXPECT_NE(shifted.warning.find("runs layer 0 (CONV_2D) and layer 1 (DEPTHWISE_CONV_2D)"),
            std::string::npos)
      << shifted.warning;
  const auto fewer = profiler::match_model(ops, {1, 2, 1}, {"conv", "dw", "conv"});
  EXPECT_NE(fewer.warning.find("3 layer calls in the window but the model has 4 operators"),
            std::string::npos);
}

TEST(StockFirmware, ModelMatchLinesUpAGeneratorsFewerCalls) {
  using profiler::ModelOperator;
  // TinyEngine-like: the float ends and PAD have no call, two MEANs run in one pooling
  // kernel, the classifier is a 1x1 convolution kernel.
  const std::vector<ModelOperator> ops = {{"QUANTIZE", 114, 0},
                                          {"PAD", 34, 0},
                                          {"CONV_2D", 3, 100},
                                          {"DEPTHWISE_CONV_2D", 4, 50},
                                          {"CONV_2D", 3, 80},
                                          {"ADD", 0, 0},
                                          {"MEAN", 40, 0},
                                          {"MEAN", 40, 0},
                                          {"FULLY_CONNECTED", 9, 10},
                                          {"DEQUANTIZE", 6, 0}};
  const std::vector<std::string> kernels = {"convolve_s8_kernel3_stride2",
                                            "depthwise_kernel3x3",
                                            "convolve_1x1_s8",
                                            "add_fpreq",
                                            "avg_pooling",
                                            "convolve_1x1_s8"};
  const auto m = profiler::match_model(ops, {1, 2, 3, 4, 5, 3}, kernels);
  ASSERT_TRUE(m.warning.empty()) << m.warning;
  EXPECT_FALSE(m.note.empty());
  const std::vector<std::string> expected = {"CONV_2D", "DEPTHWISE_CONV_2D", "CONV_2D", "ADD",
                                             "MEAN",    "FULLY_CONNECTED"};
  EXPECT_EQ(m.names.ops, expected);
  EXPECT_EQ(m.names.macs, (std::vector<uint64_t>{100, 50, 80, 0, 0, 10}));
  // A kernel that says it adds cannot run a convolution: no alignment, the names stay.
  auto wrong = kernels;
  std::swap(wrong[2], wrong[3]);
  const auto bad = profiler::match_model(ops, {1, 2, 4, 3, 5, 3}, wrong);
  EXPECT_TRUE(bad.names.ops.empty());
  EXPECT_NE(bad.warning.find("do not line up"), std::string::npos) << bad.warning;
}
