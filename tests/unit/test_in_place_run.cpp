// In-place ops as the runtime runs them (planner.hpp, docs/runtime.md "In place"): the
// memory planner lets depthwise convolutions (depth multiplier 1) and ADD/MUL write over
// an input that dies there; the firmware's alloc/free events then show, layer by layer,
// exactly the bytes the planner counts (an in-place op holds the larger of its input and
// output), and `mcuprof plan`'s layer-wise figures under the default `runtime` convention
// are the ones `mcuprof run` measures. Outputs stay bit-exact (every tensor against the
// reference: test_model_run_firmware, test_model_run_int8_io).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "files.hpp"
#include "mcuprof/compiler/generator.hpp"
#include "mcuprof/profiler/model_run.hpp"
#include "model_run_support.hpp"
#include "paths.hpp"
#include "process.hpp"

namespace mcuprof::test {
namespace {

struct Case {
  std::string name;
  std::filesystem::path path;
  std::string board;
  bool int8_io = false;
};

// Live arena bytes per op as the runtime holds them: every tensor live at the op, less
// the bytes an op that runs in place shares between its input and output.
std::vector<int64_t> runtime_live(const profiler::CompiledModel& m) {
  auto live = m.memory.live_bytes;
  const auto& plan = m.memory.plan;
  for (std::size_t k = 0; k < plan.in_place_ops.size(); ++k)
    live[static_cast<std::size_t>(plan.in_place_ops[k])] -=
        compiler::in_place_overlap(m.graph, plan, k);
  return live;
}

TEST(InPlaceRun, PlanFiguresAreWhatTheRunMeasures) {
  ScratchDir dir;
  std::vector<Case> cases;
  {
    compiler::GeneratorOptions o;
    o.family = "mobilenetv2";
    o.width = 0.35;
    o.resolution = 64;
    o.classes = 10;
    write_bytes(dir / "mbv2.tflite", compiler::generate_model(o));
    cases.push_back({"mbv2", dir / "mbv2.tflite", "stm32f412"});
    o.resolution = 48;
    o.se = o.float_io = true;
    write_bytes(dir / "mbv2-se.tflite", compiler::generate_model(o));
    cases.push_back({"mbv2-se --io int8", dir / "mbv2-se.tflite", "stm32f412", true});
  }
  const auto vww1 = shared_models_dir() / "mcunet-vww1.tflite";
  if (std::filesystem::exists(vww1))
    cases.push_back({"mcunet-vww1 --io int8", vww1, "stm32h743", true});
  else
    std::cout << "[ SKIPPED  ] " << vww1.string() << " not found\n";
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    if (!std::filesystem::exists(firmware(c.board, "model_runner")))
      GTEST_SKIP() << "board " << c.board << " has no model runner build";
    const auto m = profiler::compile_model(c.path, "layer", nullptr, c.int8_io);
    // Depthwise convs and residual ADDs among the in-place ops, and they pay.
    int depthwise = 0, add = 0, mul = 0;
    for (const auto i : m.memory.plan.in_place_ops) {
      const auto type = m.graph.ops[static_cast<std::size_t>(i)].type;
      depthwise += type == compiler::OpType::kDepthwiseConv2D ? 1 : 0;
      add += type == compiler::OpType::kAdd ? 1 : 0;
      mul += type == compiler::OpType::kMul ? 1 : 0;
    }
    if (c.name == "mbv2-se --io int8") {
      EXPECT_GT(mul, 0);  // the squeeze-excite MUL writes over the block's map
    }
    EXPECT_GT(depthwise, 0);
    if (c.name == "mbv2") {
      EXPECT_GT(add, 0);
    }
    EXPECT_LT(m.memory.plan.arena_bytes, m.memory.without_in_place);

    std::vector<std::string> io;
    if (c.int8_io) io = {"--io", "int8"};
    std::vector<std::string> plan_args = {
        mcuprof_binary().string(), "plan", c.path.string(), "--target", c.board, "--json"};
    plan_args.insert(plan_args.end(), io.begin(), io.end());
    const auto p = run_process(plan_args);
    ASSERT_EQ(p.status, 0) << p.err;
    const auto plan = nlohmann::json::parse(p.out)["layerwise"];
    std::vector<std::string> run_args = {mcuprof_binary().string(),
                                         "run",
                                         c.path.string(),
                                         "--target",
                                         c.board,
                                         "--summary",
                                         (dir / (c.name + ".json")).string()};
    run_args.insert(run_args.end(), io.begin(), io.end());
    const auto r = run_process(run_args);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto s = read_json(dir / (c.name + ".json"));
    EXPECT_TRUE(s["trace_problems"].empty()) << s["trace_problems"].dump();
    for (const char* key :
         {"peak_sram_bytes", "arena_bytes", "kernel_scratch_bytes", "flash_bytes"})
      EXPECT_EQ(plan[key], s[key]) << key;
    // The planner's live peak (the `runtime` convention) is what the events show.
    EXPECT_EQ(plan["arena_live_peak_bytes"], s["arena_live_peak_bytes"]);
    const auto live = runtime_live(m);
    EXPECT_EQ(s["arena_live_peak_bytes"].get<int64_t>(),
              *std::max_element(live.begin(), live.end()));
    ASSERT_EQ(s["layers"].size(), m.graph.ops.size());
    for (std::size_t i = 0; i < live.size(); ++i)
      EXPECT_EQ(s["layers"][i]["arena_live_bytes"].get<int64_t>(), live[i])
          << "layer " << i << " " << s["layers"][i]["op"];
    // What the planned arena holds never exceeds the plan.
    EXPECT_LE(s["arena_peak_extent_bytes"].get<int64_t>(), m.memory.plan.arena_bytes);
  }
}

}  // namespace
}  // namespace mcuprof::test
