// Patch executor under emulation: `mcuprof run MODEL.tflite --schedule ...` on the model
// runner firmware gives outputs byte-identical to the layer-wise run and to the host
// executor; the firmware's patch events give one patch span per grid cell with its row
// and column; the measured arena peak (from the tensor alloc/free events) stays at or
// below estimate_schedule's live-bytes peak (model input included) and above it less one
// stage-output tile (the estimate counts the tile as a patch buffer; the executor writes
// it straight into the output map); invalid schedules are refused before running.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "files.hpp"
#include "mcuprof/compiler/generator.hpp"
#include "mcuprof/compiler/patch_image.hpp"
#include "mcuprof/compiler/patch_plan.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/model_run.hpp"
#include "model_run_support.hpp"
#include "paths.hpp"
#include "process.hpp"

namespace mcuprof::test {
namespace {

const char* kBoard = "stm32f412";

std::filesystem::path generated(const std::filesystem::path& dir, const char* name,
                                const compiler::GeneratorOptions& options) {
  const auto path = dir / (std::string(name) + ".tflite");
  write_bytes(path, compiler::generate_model(options));
  return path;
}

struct Result {
  std::vector<uint8_t> output;
  nlohmann::json summary;
};

Result run(const std::filesystem::path& model, const std::string& schedule,
           const std::filesystem::path& dir) {
  profiler::ModelRunRequest r;
  r.model = model;
  r.target_name = kBoard;
  r.schedule = schedule;
  const std::string stem =
      model.stem().string() + "." + std::to_string(std::hash<std::string>{}(schedule));
  r.output = dir / (stem + ".out");
  r.summary = dir / (stem + ".json");
  std::ostringstream out, err;
  const auto outcome = profiler::run_model(r, out, err);
  EXPECT_EQ(outcome.exit_status, 0) << err.str();
  return {read_bytes(*r.output), read_json(*r.summary)};
}

Result run_on(const std::filesystem::path& model, const std::string& schedule, const char* board,
              const std::filesystem::path& dir) {
  profiler::ModelRunRequest r;
  r.model = model;
  r.target_name = board;
  r.schedule = schedule;
  const std::string stem = model.stem().string() + "." + board + "." +
                           std::to_string(std::hash<std::string>{}(schedule));
  r.output = dir / (stem + ".out");
  r.summary = dir / (stem + ".json");
  std::ostringstream out, err;
  const auto outcome = profiler::run_model(r, out, err);
  EXPECT_EQ(outcome.exit_status, 0) << err.str();
  return {read_bytes(*r.output), read_json(*r.summary)};
}

// Runs `schedule` and checks it against the layer-wise run of the same model.
void check(const std::filesystem::path& model, const std::string& schedule,
           const std::filesystem::path& dir) {
  SCOPED_TRACE(model.filename().string() + " " + schedule);
  const auto layer = run(model, "layer", dir);
  const auto patch = run(model, schedule, dir);
  ASSERT_FALSE(layer.output.empty());
  EXPECT_EQ(patch.output, layer.output);
  const auto& s = patch.summary;
  const std::string ran = s["schedule"].get<std::string>();
  ASSERT_EQ(ran.rfind("patch:", 0), 0u) << ran;
  EXPECT_TRUE(s["trace_problems"].empty()) << s["trace_problems"].dump();

  // The schedule that ran, as the planner sees it.
  int grid = 0, split = 0;
  ASSERT_EQ(std::sscanf(ran.c_str(), "patch:%dx%*d@%d", &grid, &split), 2);
  const auto compiled = profiler::compile_model(model, ran, 0);
  const auto plan = compiler::plan_stage(compiled.graph, split, grid);
  const auto inputs = profiler::model_inputs(compiled, std::nullopt);
  EXPECT_EQ(patch.output, host_run(compiled.image, inputs));

  // One patch span per cell, row-major, each with the stage's layers inside it.
  std::set<std::pair<int, int>> cells;
  size_t patches = 0;
  for (const auto& span : s["spans"]) {
    if (span["kind"] != "patch") continue;
    EXPECT_EQ(span["index"].get<size_t>(), patches);
    cells.insert({span["row"].get<int>(), span["column"].get<int>()});
    ++patches;
  }
  EXPECT_EQ(patches, static_cast<size_t>(grid * grid));
  EXPECT_EQ(cells.size(), static_cast<size_t>(grid * grid));
  EXPECT_EQ(cells.begin()->first, 0);
  EXPECT_EQ(cells.rbegin()->first, grid - 1);
  size_t stage_layers = 0;
  for (const auto& p : plan.patches) stage_layers += p.ops.size();
  EXPECT_EQ(s["layers"].size(),
            stage_layers + compiled.graph.ops.size() - static_cast<size_t>(split));
  uint64_t macs = 0;
  for (const auto& l : s["layers"]) macs += l["macs"].get<uint64_t>();
  const auto est = compiler::estimate_schedule(compiled.graph, plan);
  // Per-patch MACs are rounded down per op: within 0.5 % of the planner's count.
  EXPECT_NEAR(static_cast<double>(macs), static_cast<double>(est.macs),
              0.005 * static_cast<double>(est.macs));

  // Memory: the measured live peak against the planner's live-bytes peak (model input
  // included). The executor writes the last stage op straight into the output map, so
  // it holds one tile less than the estimate counts at that op: at or below, and close.
  const auto measured = s["arena_live_peak_bytes"].get<int64_t>();
  const auto& map = compiled.graph.tensor(plan.output_tensor);
  int64_t tile = 0;
  for (const auto& p : plan.patches)
    tile = std::max(tile, p.out.pixels() * map.shape[3] *
                              static_cast<int64_t>(compiler::element_size(map.dtype)));
  EXPECT_LE(measured, est.peak_bytes);
  EXPECT_GE(measured, est.peak_bytes - tile);
  EXPECT_LE(s["arena_peak_extent_bytes"].get<int64_t>(), compiled.planned_arena_bytes);
  std::cout << "[   INFO   ] " << model.filename().string() << " " << ran << " on " << kBoard
            << ": layer-wise " << layer.summary["total_cycles"].get<uint64_t>()
            << " cycles, arena peak " << layer.summary["arena_live_peak_bytes"].get<int64_t>()
            << " B; patch " << s["total_cycles"].get<uint64_t>() << " cycles, arena peak "
            << measured << " B (estimate " << est.peak_bytes << " B, less one output tile " << tile
            << " B; MACs +" << est.mac_overhead_pct << " %, cycles +"
            << 100.0 * (static_cast<double>(s["total_cycles"].get<uint64_t>()) /
                            static_cast<double>(layer.summary["total_cycles"].get<uint64_t>()) -
                        1.0)
            << " %)\n";
}

bool have_runner() {
  return std::filesystem::exists(firmware(kBoard, "model_runner"));
}

TEST(PatchRunFirmware, GeneratedModelsMatchLayerwise) {
  if (!have_runner()) GTEST_SKIP() << kBoard << " has no model runner build";
  ScratchDir dir;
  const auto mbv2 = generated(dir.path(), "mbv2", {"mobilenetv2", 0.35, 64, 7, 10});
  check(mbv2, "patch:2x2@4", dir.path());
  // An uneven 3x3 grid over the longest stage that holds a residual ADD.
  const auto g = profiler::compile_model(mbv2).graph;
  int32_t split = 0;
  for (const auto& o : compiler::search_schedules(g, int64_t{1} << 40, 1e9, 3).options) {
    bool add = false;
    for (int32_t i = 0; i < o.split; ++i)
      add = add || g.ops[static_cast<size_t>(i)].type == compiler::OpType::kAdd;
    if (o.grid == 3 && add) split = std::max(split, o.split);
  }
  ASSERT_GT(split, 0) << "no 3x3 stage with a residual ADD";
  check(mbv2, "patch:3x3@" + std::to_string(split), dir.path());
  const auto mcunet = generated(dir.path(), "mcunet", {"mcunet", 0.5, 64, 3, 2});
  check(mcunet, "patch", dir.path());
}

TEST(PatchRunFirmware, SharedModelsMatchLayerwise) {
  if (!have_runner()) GTEST_SKIP() << kBoard << " has no model runner build";
  ScratchDir dir;
  int ran = 0;
  for (const char* file : {"vww_96_int8.tflite", "kws_ref_model.tflite", "mcunet-vww1.tflite"}) {
    const auto path = shared_models_dir() / file;
    if (!std::filesystem::exists(path)) {
      std::cout << "[ SKIPPED  ] " << path.string() << " not found\n";
      continue;
    }
    check(path, "patch", dir.path());
    ++ran;
  }
  if (ran == 0) GTEST_SKIP() << "no shared model found in " << shared_models_dir();
}

TEST(PatchRunFirmware, InvalidSchedulesAreRefusedBeforeRunning) {
  ScratchDir dir;
  const auto mbv2 = generated(dir.path(), "mbv2", {"mobilenetv2", 0.35, 64, 7, 10});
  const auto refused = [&](const std::string& schedule) -> std::pair<int, std::string> {
    profiler::ModelRunRequest r;
    r.model = mbv2;
    r.target_name = kBoard;
    r.schedule = schedule;
    std::ostringstream out, err;
    try {
      profiler::run_model(r, out, err);
    } catch (const profiler::CommandError& e) {
      return {e.exit_status(), e.what()};
    }
    return {0, ""};
  };
  const size_t n_ops = profiler::compile_model(mbv2).graph.ops.size();
  // A stage reaching the global pooling at the end.
  auto [status, message] = refused("patch:2x2@" + std::to_string(n_ops - 1));
  EXPECT_EQ(status, profiler::exit_code::kDataError);
  EXPECT_NE(message.find("cannot tile layer"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
  std::tie(status, message) = refused("patch:64x64@4");  // grid larger than the map
  EXPECT_EQ(status, profiler::exit_code::kDataError);
  EXPECT_NE(message.find("larger than the stage output map"), std::string::npos) << message;
  std::tie(status, message) = refused("patch:3x4@4");
  EXPECT_EQ(status, profiler::exit_code::kUsage);
  std::tie(status, message) = refused("tiles");
  EXPECT_EQ(status, profiler::exit_code::kUsage);
}

// Squeeze-excite blocks: a chain of stages (the SE's MEAN and 1x1 convs layer by layer
// between them) on a Cortex-M4 and a Cortex-M7 board. The output equals the layer-wise
// run's and the host executor's; one stage span per stage and grid x grid patch spans in
// each; the run's figures (peak SRAM and its parts) are the ones `plan --json` gives for
// that schedule; the measured arena peak is at most the plan's live peak.
TEST(PatchRunFirmware, SqueezeExciteChainOnM4AndM7) {
  ScratchDir dir;
  const auto model =
      generated(dir.path(), "mbv2-se", {"mobilenetv2", 0.35, 48, 1, 10, true, false});
  const auto compiled = profiler::compile_model(model);
  const auto host = host_run(compiled.image, profiler::model_inputs(compiled, std::nullopt));
  for (const char* board : {"stm32f412", "stm32f746"}) {
    SCOPED_TRACE(board);
    if (!std::filesystem::exists(firmware(board, "model_runner"))) {
      ADD_FAILURE() << board << " has no model runner build";
      continue;
    }
    const auto plan = run_process(
        {mcuprof_binary().string(), "plan", model.string(), "--target", board, "--json"});
    ASSERT_EQ(plan.status, 0) << plan.err;
    const auto j = nlohmann::json::parse(plan.out);
    // The chained option ending at block 2's SE input with the least peak SRAM.
    nlohmann::json pick;
    for (const auto& o : j["options"])
      if (o["stages"].size() == 2 && o["split"] == 9 &&
          (pick.is_null() || o["peak_sram_bytes"] < pick["peak_sram_bytes"]))
        pick = o;
    ASSERT_FALSE(pick.is_null());
    const std::string schedule = pick["schedule"].get<std::string>();
    SCOPED_TRACE(schedule);
    const auto layer = run_on(model, "layer", board, dir.path());
    const auto patch = run_on(model, schedule, board, dir.path());
    ASSERT_FALSE(layer.output.empty());
    EXPECT_EQ(patch.output, layer.output);
    EXPECT_EQ(patch.output, host);
    const auto& s = patch.summary;
    EXPECT_EQ(s["schedule"], schedule);
    EXPECT_TRUE(s["trace_problems"].empty()) << s["trace_problems"].dump();
    for (const char* key : {"peak_sram_bytes", "static_sram_bytes", "arena_bytes",
                            "kernel_scratch_bytes", "stack_bytes", "flash_bytes", "fits"})
      EXPECT_EQ(s[key], pick[key]) << key;
    EXPECT_LE(s["arena_live_peak_bytes"].get<int64_t>(),
              pick["arena_live_peak_bytes"].get<int64_t>());
    size_t stages = 0, patches = 0;
    for (const auto& span : s["spans"]) {
      stages += span["kind"] == "stage" ? 1u : 0u;
      patches += span["kind"] == "patch" ? 1u : 0u;
    }
    const auto g0 = pick["stages"][0]["grid"].get<size_t>();
    const auto g1 = pick["stages"][1]["grid"].get<size_t>();
    EXPECT_EQ(stages, 2u);
    EXPECT_EQ(patches, g0 * g0 + g1 * g1);
    uint64_t macs = 0;
    for (const auto& l : s["layers"]) macs += l["macs"].get<uint64_t>();
    EXPECT_NEAR(static_cast<double>(macs), pick["macs"].get<double>(),
                0.005 * pick["macs"].get<double>());
    std::cout << "[   INFO   ] mbv2-se 0.35x48 " << schedule << " on " << board << ": layer-wise "
              << layer.summary["total_cycles"].get<uint64_t>() << " cycles, peak SRAM "
              << layer.summary["peak_sram_bytes"].get<uint64_t>() << " B; patch "
              << s["total_cycles"].get<uint64_t>() << " cycles, peak SRAM "
              << s["peak_sram_bytes"].get<uint64_t>() << " B, MACs +"
              << pick["mac_overhead_pct"].get<double>() << " %\n";
  }
}

// Schedule strings: a malformed one is a usage error (64), a well-formed one whose stage
// cannot be tiled a data error (65) naming the layer; one line each, nothing run.
TEST(PatchRunFirmware, BadStageSchedulesAreOneLine) {
  ScratchDir dir;
  const auto model =
      generated(dir.path(), "mbv2-se", {"mobilenetv2", 0.35, 48, 1, 10, true, false});
  const auto run = [&](const std::string& schedule) {
    return run_process({mcuprof_binary().string(), "run", model.string(), "--target", kBoard,
                        "--schedule", schedule});
  };
  for (const char* bad : {"patch:4x4@5+4x4@3-9", "patch:2x2@2+2x2@9", "patch:2x2@2+3x2@5-9",
                          "patch:2x2@2+2x2@5-", "patch:2x2@2+"}) {
    const auto r = run(bad);
    EXPECT_EQ(r.status, profiler::exit_code::kUsage) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("PxP@A-B"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  const auto mean = run("patch:2x2@2+2x2@2-9");  // the second stage starts at the MEAN
  EXPECT_EQ(mean.status, profiler::exit_code::kDataError) << mean.err;
  EXPECT_NE(mean.err.find("cannot tile layer 2 (MEAN"), std::string::npos) << mean.err;
  EXPECT_EQ(std::count(mean.err.begin(), mean.err.end(), '\n'), 1) << mean.err;
  const auto through = run("patch:2x2@6");  // one stage through the SE
  EXPECT_EQ(through.status, profiler::exit_code::kDataError) << through.err;
  EXPECT_NE(through.err.find("cannot tile layer 2 (MEAN"), std::string::npos) << through.err;
}

// The point of it all: a MobileNetV2 0.35 at 160x160 whose layer-wise arena does not fit
// the stm32f412 is refused layer-wise and runs with `--schedule auto`, with the output of
// the layer-wise schedule (host executor).
TEST(PatchRunFirmware, AutoRunsAModelWhoseLayerwiseArenaDoesNotFit) {
  if (!have_runner()) GTEST_SKIP() << kBoard << " has no model runner build";
  ScratchDir dir;
  const auto model = generated(dir.path(), "mbv2-160", {"mobilenetv2", 0.35, 160, 1, 10});
  profiler::ModelRunRequest r;
  r.model = model;
  r.target_name = kBoard;
  std::ostringstream out, err;
  try {
    profiler::run_model(r, out, err);
    ADD_FAILURE() << "the layer-wise schedule was expected not to fit";
  } catch (const profiler::CommandError& e) {
    EXPECT_EQ(e.exit_status(), profiler::exit_code::kDataError);
    EXPECT_NE(std::string(e.what()).find("does not fit"), std::string::npos) << e.what();
  }
  const auto patch = run(model, "auto", dir.path());
  const std::string ran = patch.summary["schedule"].get<std::string>();
  EXPECT_EQ(ran.rfind("patch:", 0), 0u) << ran;
  EXPECT_LT(patch.summary["peak_sram_bytes"].get<uint64_t>(), 256u * 1024u);
  const auto layer = profiler::compile_model(model);
  EXPECT_EQ(patch.output, host_run(layer.image, profiler::model_inputs(layer, std::nullopt)));
}

// The command line: `--schedule patch:PxP@N` runs, says so on the run line, in the summary
// (layers inside patches carry their patch) and in the stored run; an invalid (N, P) is
// one line with status 65 and nothing stored.
TEST(PatchRunFirmware, CommandLineSchedule) {
  if (!have_runner()) GTEST_SKIP() << kBoard << " has no model runner build";
  ScratchDir dir;
  const auto mbv2 = generated(dir.path(), "mbv2", {"mobilenetv2", 0.35, 64, 7, 10});
  const auto db = dir / "runs.db";
  const auto summary = dir / "run.json";
  const auto ok = run_process({mcuprof_binary().string(), "run", mbv2.string(), "--target", kBoard,
                               "--schedule", "patch:2x2@4", "--db", db.string(), "--summary",
                               summary.string()});
  ASSERT_EQ(ok.status, 0) << ok.err;
  EXPECT_NE(ok.err.find("schedule patch:2x2@4"), std::string::npos) << ok.err;
  const auto s = read_json(summary);
  EXPECT_EQ(s["schedule"], "patch:2x2@4");
  std::set<int> patches_seen;
  for (const auto& layer : s["layers"])
    if (layer.contains("patch")) patches_seen.insert(layer["patch"]["index"].get<int>());
  EXPECT_EQ(patches_seen, (std::set<int>{0, 1, 2, 3}));
  {
    SQLite::Database d(db.string());
    EXPECT_EQ(d.execAndGet("SELECT schedule FROM runs").getString(), "patch:2x2@4");
  }
  const size_t n_ops = profiler::compile_model(mbv2).graph.ops.size();
  const auto bad =
      run_process({mcuprof_binary().string(), "run", mbv2.string(), "--target", kBoard,
                   "--schedule", "patch:2x2@" + std::to_string(n_ops - 1), "--db", db.string()});
  EXPECT_EQ(bad.status, profiler::exit_code::kDataError);
  EXPECT_NE(bad.err.find("cannot tile layer"), std::string::npos) << bad.err;
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  SQLite::Database d(db.string());
  EXPECT_EQ(d.execAndGet("SELECT count(*) FROM runs").getInt(), 1);
}

}  // namespace
}  // namespace mcuprof::test
