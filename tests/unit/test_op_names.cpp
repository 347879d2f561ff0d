// Op names (profiler/src/op_names.*): TFLite's BuiltinOperator codes as the trace protocol's
// op code, the mapping to and from the compiler's op types for every op type (and the
// executor's own C table, which sends the codes), and trace protocol 1 — mcuprof's old
// numbering — still decoded with the old names, from hand-built streams and from a
// protocol-1 firmware run end to end (tests/firmware/events_v1.c).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "mcuprof/compiler/graph.hpp"
#include "mcuprof/profiler/attribution.hpp"
#include "mcuprof/profiler/trace_events.hpp"
#include "mcuprof/traces/store.hpp"
#include "mcuprof_executor.h"
#include "op_names.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;
using namespace mcuprof::profiler;
using compiler::OpType;

namespace {

constexpr auto kFirst = static_cast<uint32_t>(OpType::kConv2D);
constexpr auto kLast = static_cast<uint32_t>(OpType::kConcatenation);

}  // namespace

TEST(OpNames, BuiltinCodesAreTflitesSchemaValues) {
  // enum BuiltinOperator in TFLite's schema.fbs (docs/trace-protocol.md cites it).
  const std::vector<std::pair<uint32_t, std::string>> facts = {
      {0, "ADD"},
      {1, "AVERAGE_POOL_2D"},
      {2, "CONCATENATION"},
      {3, "CONV_2D"},
      {4, "DEPTHWISE_CONV_2D"},
      {6, "DEQUANTIZE"},
      {9, "FULLY_CONNECTED"},
      {14, "LOGISTIC"},
      {17, "MAX_POOL_2D"},
      {18, "MUL"},
      {22, "RESHAPE"},
      {25, "SOFTMAX"},
      {32, "CUSTOM"},
      {34, "PAD"},
      {39, "TRANSPOSE"},
      {40, "MEAN"},
      {97, "RESIZE_NEAREST_NEIGHBOR"},
      {114, "QUANTIZE"},
      {117, "HARD_SWISH"},
      {127, "PLACEHOLDER_FOR_GREATER_OP_CODES"},
      {158, "SIGN"},
      {209, "STABLEHLO_CASE"},
  };
  for (const auto& [code, name] : facts) EXPECT_EQ(builtin_op_name(code), name) << code;
  EXPECT_EQ(builtin_op_name(210), "BUILTIN_210");
  EXPECT_EQ(builtin_op_name(100000), "BUILTIN_100000");
  EXPECT_EQ(builtin_op_name(kNoOp), "?");
}

// The compiler's schema subset (runtime/compiler/schema/tflite_subset.fbs) lists the same
// facts for the importer: both lists must agree on every code they share.
TEST(OpNames, AgreeWithTheImportersSchemaSubset) {
  std::ifstream in(std::filesystem::path(MCUPROF_SOURCE_DIR) /
                   "runtime/compiler/schema/tflite_subset.fbs");
  ASSERT_TRUE(in) << "schema subset not found";
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  const auto begin = s.find("enum BuiltinOperator");
  ASSERT_NE(begin, std::string::npos);
  const std::string body = s.substr(begin, s.find('}', begin) - begin);
  const std::regex entry(R"(([A-Z0-9_]+) = (\d+))");
  size_t checked = 0;
  for (auto it = std::sregex_iterator(body.begin(), body.end(), entry);
       it != std::sregex_iterator(); ++it, ++checked)
    EXPECT_EQ(builtin_op_name(static_cast<uint32_t>(std::stoul((*it)[2]))), (*it)[1].str());
  EXPECT_GE(checked, 159u);  // ADD = 0 ... SIGN = 158
}

TEST(OpNames, EveryOpTypeMapsToItsBuiltinCodeAndBack) {
  std::set<uint32_t> codes;
  for (uint32_t v = kFirst; v <= kLast; ++v) {
    const auto type = static_cast<OpType>(v);
    const uint32_t code = builtin_code(type);
    SCOPED_TRACE(compiler::to_string(type));
    EXPECT_TRUE(codes.insert(code).second) << "code " << code << " used twice";
    // The compiler names the op as TFLite does, and so does the trace.
    EXPECT_EQ(builtin_op_name(code), compiler::to_string(type));
    EXPECT_EQ(op_type_from_builtin(code), type);
    // The executor's table (runtime/firmware/src/executor.c) sends the same code.
    EXPECT_EQ(mcuprof_op_builtin_code(v), code);
    // Protocol 1's op code was the image's op type.
    EXPECT_EQ(builtin_code_from_v1(v), code);
    EXPECT_EQ(image_op_name(v), compiler::to_string(type));
  }
  EXPECT_EQ(codes.size(), kLast);
  EXPECT_EQ(builtin_code(OpType::kConv2D), 3u);
  EXPECT_EQ(builtin_code(OpType::kFullyConnected), 9u);
  // TFLite ops mcuprof's runtime does not run have no op type.
  EXPECT_EQ(op_type_from_builtin(117), std::nullopt);  // HARD_SWISH
  EXPECT_EQ(op_type_from_builtin(32), std::nullopt);   // CUSTOM
  EXPECT_EQ(op_type_from_builtin(kNoOp), std::nullopt);
  // Outside the image's op types.
  EXPECT_EQ(builtin_code_from_v1(0), std::nullopt);
  EXPECT_EQ(builtin_code_from_v1(kLast + 1), std::nullopt);
  EXPECT_EQ(mcuprof_op_builtin_code(0), 32u);
  EXPECT_EQ(mcuprof_op_builtin_code(kLast + 1), 32u);
  EXPECT_EQ(image_op_name(0), "?");
  EXPECT_EQ(image_op_name(kLast + 1), "?");
}

namespace {

TraceEvent ev(EventType type, uint32_t arg, uint64_t cycle, uint32_t a = 0, uint32_t b = 0) {
  TraceEvent e;
  e.type = type;
  e.arg = arg;
  e.payload = {a, b};
  e.at = {cycle, cycle, 0, 0};
  return e;
}

// The names of the layers a stream of (op code) layers gets, after RUN_BEGIN(version) when
// `version` is given.
std::vector<std::string> layer_names(std::optional<uint32_t> version,
                                     const std::vector<uint32_t>& ops,
                                     std::vector<std::string>* problems = nullptr) {
  Attributor a({});
  uint64_t t = 1;
  if (version) a.on_event(ev(EventType::RunBegin, *version, t++));
  for (uint32_t i = 0; i < ops.size(); ++i) {
    a.on_event(ev(EventType::LayerBegin, i, t++, ops[i], 10));
    a.on_event(ev(EventType::LayerEnd, i, t++));
  }
  const Attribution r = a.finish({t, t, 0, 0});
  if (problems) *problems = r.problems;
  std::vector<std::string> names;
  for (const auto& s : r.spans)
    if (s.kind == SpanKind::Layer) names.push_back(builtin_op_name(s.op));
  return names;
}

}  // namespace

TEST(TraceProtocolVersions, Version2CarriesTflitesCodes) {
  EXPECT_EQ(kProtocolVersion, 2u);
  std::vector<std::string> problems;
  EXPECT_EQ(layer_names(2, {3, 4, 9, 0, 117}, &problems),
            (std::vector<std::string>{"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD",
                                      "HARD_SWISH"}));
  EXPECT_TRUE(problems.empty());
  // Without RUN_BEGIN (a hook that never sends it), the current protocol.
  EXPECT_EQ(layer_names(std::nullopt, {3, 1}),
            (std::vector<std::string>{"CONV_2D", "AVERAGE_POOL_2D"}));
}

TEST(TraceProtocolVersions, Version1StreamsKeepTheirOldNames) {
  std::vector<std::string> problems;
  // mcuprof_op_type 1..16, the numbering protocol 1 carried.
  EXPECT_EQ(layer_names(1, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, &problems),
            (std::vector<std::string>{"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD",
                                      "MUL", "MEAN", "AVERAGE_POOL_2D", "MAX_POOL_2D", "PAD",
                                      "RESHAPE", "SOFTMAX", "QUANTIZE", "DEQUANTIZE", "TRANSPOSE",
                                      "RESIZE_NEAREST_NEIGHBOR", "CONCATENATION"}));
  EXPECT_TRUE(problems.empty()) << problems.front();
  // A code protocol 1 never had is reported, not given another op's name.
  EXPECT_EQ(layer_names(1, {0, 17}, &problems), (std::vector<std::string>{"?", "?"}));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("op code 0 is not an op of trace protocol 1"), std::string::npos)
      << problems[0];
}

TEST(TraceProtocolVersions, UnknownVersionsAreReported) {
  std::vector<std::string> problems;
  EXPECT_EQ(layer_names(3, {3}, &problems), (std::vector<std::string>{"CONV_2D"}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("trace protocol 3, mcuprof reads 1 to 2"), std::string::npos)
      << problems[0];
  EXPECT_EQ(layer_names(0, {3}, &problems), (std::vector<std::string>{"CONV_2D"}));
  EXPECT_EQ(problems.size(), 1u);
}

// End to end: a firmware that speaks protocol 1 (tests/firmware/events_v1.c), stored and
// summarised with the old names.
TEST(TraceProtocolVersions, Version1FirmwareRunsWithTheOldNames) {
  const auto elf = test::test_firmware("stm32f412", "events_v1");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  test::ScratchDir dir;
  const auto db = dir / "t.db";
  const auto summary = dir / "run.json";
  const auto r =
      test::run_process({test::mcuprof_binary().string(), "run", "--target", "stm32f412",
                         elf.string(), "--db", db.string(), "--summary", summary.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  const auto store = traces::TraceStore::open(db, traces::TraceStore::Mode::ReadOnly);
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 1u);
  const auto layers = store.layer_table(runs[0].id);
  ASSERT_EQ(layers.size(), 4u);
  const std::vector<std::string> want = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED",
                                         "CONCATENATION"};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(layers[i].layer_index, static_cast<int64_t>(i));
    EXPECT_EQ(layers[i].op, want[i]);
    EXPECT_EQ(layers[i].name, want[i] + " " + std::to_string(i));
  }
  // The summary gives the op as TFLite's code, whatever the protocol the firmware spoke.
  std::ifstream in(summary);
  const auto s = nlohmann::json::parse(in);
  EXPECT_TRUE(s["trace_problems"].empty()) << s["trace_problems"].dump();
  std::vector<uint32_t> ops;
  for (const auto& span : s["spans"])
    if (span["kind"] == "layer") ops.push_back(span["op"]);
  EXPECT_EQ(ops, (std::vector<uint32_t>{3, 4, 9, 2}));
}
