// One answer to every question (issue 12): every shared figure (docs/cli.md, "Figures") is
// identical — or an identified part of it — in `inspect --target`, `plan --json`,
// `run --summary`, `report --format json`, `compare --format json` and `export
// --chrome-trace`, for the shared models and for generated models near the SRAM and flash
// limits, on stm32f412, stm32l4r5 and stm32h743, layer-wise and patch-based; and `plan`'s
// fit verdict is `run`'s for models within ±2 % of each limit.
//
// Bounded work (2 cores): plan and inspect simulate nothing; every run stops after
// kMaxCycles cycles (the figures compared do not depend on the run finishing: sizes are
// fixed before it starts, and cycles/latency are compared between commands of the same
// run). inspect and plan: every shared model on all three boards. Runs: each shared model
// on one board (rotating over the three: vww_96_int8 and mcunet-vww1 on stm32f412,
// kws_ref_model on stm32l4r5, ad01_int8 on stm32h743, pretrainedResnet_quant on stm32h743),
// layer-wise and patch-based (plan's recommendation when it is patch-based, else its first
// fitting patch option). The near-limit models run only far enough to be refused or
// started (--max-cycles 1).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "files.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;

namespace {

constexpr const char* kMaxCycles = "3000000";
const std::vector<std::string> kBoards = {"stm32f412", "stm32l4r5", "stm32h743"};
const std::vector<std::string> kSharedModels = {"vww_96_int8", "kws_ref_model", "ad01_int8",
                                                "pretrainedResnet_quant", "mcunet-vww1"};

// The figures of figures.hpp: the same key, the same value in every command.
const std::vector<std::string> kFigureKeys = {"peak_sram_bytes",
                                              "static_sram_bytes",
                                              "arena_bytes",
                                              "kernel_scratch_bytes",
                                              "stack_bytes",
                                              "sram_bytes",
                                              "sram_pct",
                                              "flash_bytes",
                                              "firmware_flash_bytes",
                                              "model_flash_bytes",
                                              "flash_size_bytes",
                                              "flash_pct",
                                              "fits",
                                              "fits_sram",
                                              "fits_flash"};
// A stored run's figures beyond those: the summary's are report's and compare's.
const std::vector<std::string> kRunKeys = {"name",
                                           "target",
                                           "schedule",
                                           "total_cycles",
                                           "latency_ms",
                                           "macs",
                                           "cycles_per_mac",
                                           "flash_ifetch_bytes",
                                           "flash_data_bytes",
                                           "sram_in_use_peak_bytes",
                                           "peak_sram_cycle",
                                           "stack_peak_bytes"};

test::ProcessResult cli(const std::vector<std::string>& args) {
  std::vector<std::string> argv{test::mcuprof_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run_process(argv);
}

nlohmann::json cli_json(const std::vector<std::string>& args) {
  const auto r = cli(args);
  EXPECT_EQ(r.status, 0) << args[0] << ": " << r.err;
  return r.status == 0 ? nlohmann::json::parse(r.out) : nlohmann::json::object();
}

void expect_same(const nlohmann::json& a, const nlohmann::json& b,
                 const std::vector<std::string>& keys, const std::string& what) {
  for (const auto& k : keys) {
    ASSERT_TRUE(a.contains(k)) << what << ": first lacks " << k;
    ASSERT_TRUE(b.contains(k)) << what << ": second lacks " << k;
    if (a[k].is_number_float() || b[k].is_number_float())
      EXPECT_NEAR(a[k].get<double>(), b[k].get<double>(), 1e-9) << what << ": " << k;
    else
      EXPECT_EQ(a[k], b[k]) << what << ": " << k;
  }
}

// Peak SRAM is the sum of its parts, flash the sum of its parts, and fits is their check.
void expect_parts(const nlohmann::json& f, const std::string& what) {
  const auto u = [&](const char* k) { return f[k].get<uint64_t>(); };
  EXPECT_EQ(u("peak_sram_bytes"), u("static_sram_bytes") + u("arena_bytes") +
                                      u("kernel_scratch_bytes") + u("stack_bytes"))
      << what;
  EXPECT_EQ(u("flash_bytes"), u("firmware_flash_bytes") + u("model_flash_bytes")) << what;
  EXPECT_EQ(f["fits_sram"].get<bool>(), u("peak_sram_bytes") <= u("sram_bytes")) << what;
  EXPECT_EQ(f["fits_flash"].get<bool>(), u("flash_bytes") <= u("flash_size_bytes")) << what;
  EXPECT_EQ(f["fits"].get<bool>(), f["fits_sram"].get<bool>() && f["fits_flash"].get<bool>())
      << what;
}

// Runs `schedule` of the model on the board into `db` and checks the run's figures against
// `expected` (plan's option) in the summary, report, compare and the Chrome trace.
void run_and_compare(const std::string& model, const std::string& board,
                     const std::string& schedule, const nlohmann::json& expected,
                     const std::filesystem::path& dir, const std::string& db) {
  const std::string name = std::filesystem::path(model).stem().string() + "@" + board + "@" +
                           (schedule == "auto" ? "auto" : "fixed");
  const auto summary = dir / (name + ".json");
  const auto r = cli({"run", model, "--target", board, "--schedule", schedule, "--max-cycles",
                      kMaxCycles, "--db", db, "--name", name, "--summary", summary.string()});
  const std::string what = name + " " + schedule;
  if (!expected["fits"].get<bool>()) {
    // plan says it does not fit: run refuses it, before running.
    EXPECT_EQ(r.status, 65) << what << ": " << r.err;
    EXPECT_NE(r.err.find("does not fit"), std::string::npos) << r.err;
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(summary)) << what << ": " << r.err;
  const auto s = test::read_json(summary);
  // plan's option is what ran: same schedule, same figures.
  EXPECT_EQ(s["schedule"], expected["schedule"]) << what;
  expect_same(expected, s, kFigureKeys, what + " plan/run");
  expect_parts(s, what);
  // A run that finished found the arena's live peak where plan said, of the same size.
  if (s["stop_reason"] == "exited") {
    EXPECT_EQ(s["arena_live_peak_where"], expected["arena_live_peak_where"]) << what;
    EXPECT_EQ(s["arena_live_peak_bytes"], expected["arena_live_peak_bytes"]) << what;
  }
  // The summary line names the schedule that ran.
  EXPECT_NE(r.err.find("schedule " + s["schedule"].get<std::string>()), std::string::npos) << r.err;

  const auto id = std::to_string(s["run_id"].get<int64_t>());
  const auto report = cli_json({"report", db, "--run", id, "--format", "json"});
  ASSERT_TRUE(report.contains("run")) << what;
  expect_same(s, report["run"], kFigureKeys, what + " run/report");
  expect_same(s, report["run"], kRunKeys, what + " run/report");
  // compare with itself: a and b are report's run, every delta 0.
  const auto cmp = cli_json({"compare", db, id, id, "--format", "json"});
  ASSERT_TRUE(cmp.contains("a")) << what;
  expect_same(report["run"], cmp["a"], kFigureKeys, what + " report/compare");
  expect_same(report["run"], cmp["b"], kRunKeys, what + " report/compare");
  EXPECT_EQ(cmp["delta"]["peak_sram_bytes"], 0);
  EXPECT_EQ(cmp["same_model"], true);
  // A layer's SRAM in use is part of the run's, which is part of peak SRAM.
  for (const auto& l : report["layers"])
    EXPECT_LE(l["sram_in_use_peak_bytes"].get<uint64_t>(),
              s["sram_in_use_peak_bytes"].get<uint64_t>());
  EXPECT_LE(s["sram_in_use_peak_bytes"].get<uint64_t>(), s["peak_sram_bytes"].get<uint64_t>());
  EXPECT_LE(s["stack_peak_bytes"].get<uint64_t>(), s["stack_bytes"].get<uint64_t>());
  // The Chrome trace's run figures.
  const auto trace = cli({"export", db, "--run", id, "--chrome-trace", "-"});
  ASSERT_EQ(trace.status, 0) << trace.err;
  const auto other = nlohmann::json::parse(trace.out)["otherData"];
  expect_same(s, other,
              {"name", "total_cycles", "latency_ms", "peak_sram_bytes", "arena_bytes",
               "sram_in_use_peak_bytes", "sram_bytes", "flash_bytes"},
              what + " run/export");
  // CSV carries raw numbers.
  const auto csv = cli({"report", db, "--run", id, "--format", "csv"});
  EXPECT_EQ(csv.out.find(" %"), std::string::npos) << csv.out;
  EXPECT_EQ(csv.out.find("KiB"), std::string::npos) << csv.out;
}

}  // namespace

class ConsistencySharedModel : public ::testing::TestWithParam<size_t> {};

TEST_P(ConsistencySharedModel, OneAnswerInEveryCommand) {
  const size_t m = GetParam();
  const auto path = test::shared_models_dir() / (kSharedModels[m] + ".tflite");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "missing shared model " << path;
  test::ScratchDir dir;
  const std::string db = (dir / "runs.db").string();
  const std::string model = path.string();
  for (size_t b = 0; b < kBoards.size(); ++b) {
    const auto& board = kBoards[b];
    SCOPED_TRACE(kSharedModels[m] + " on " + board);
    // inspect --target gives the layer-wise figures plan gives.
    const auto inspect = cli_json({"inspect", model, "--json", "--target", board});
    const auto plan = cli_json({"plan", model, "--target", board, "--json"});
    ASSERT_TRUE(inspect.contains("figures") && plan.contains("layerwise"));
    expect_same(inspect["figures"], plan["layerwise"], kFigureKeys, "inspect/plan");
    EXPECT_EQ(inspect["memory"]["arena_bytes"], plan["layerwise"]["arena_bytes"]);
    expect_parts(plan["layerwise"], "plan layerwise");
    for (const auto& o : plan["options"]) expect_parts(o, o["schedule"].get<std::string>());
    // The recommendation is layer-wise exactly when layer-wise fits.
    EXPECT_EQ(plan["recommended"]["schedule"] == "layer",
              plan["layerwise"]["fits_sram"].get<bool>())
        << plan["recommended"].dump();

    if (b != m % kBoards.size()) continue;  // runs on one board per model, rotating
    run_and_compare(model, board, "layer", plan["layerwise"], dir.path(), db);
    if (plan["recommended"]["schedule"] != "layer") {
      run_and_compare(model, board, "auto", plan["recommended"], dir.path(), db);
    } else {
      for (const auto& o : plan["options"])
        if (o["fits"].get<bool>()) {
          run_and_compare(model, board, o["schedule"].get<std::string>(), o, dir.path(), db);
          break;
        }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Consistency, ConsistencySharedModel, ::testing::Range<size_t>(0, 5),
                         [](const auto& case_info) {
                           std::string n = kSharedModels[case_info.param];
                           for (auto& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

// Generated models near the limits, found by searching the generator's width, resolution
// and classes with `inspect --target` (MobileNetV2): just under SRAM (-0.2 % to -0.4 %),
// just over it (the next resolution: +1.4 % to +2.7 %, the smallest step the generator's
// stride-2 maps allow), and within ±2 % of stm32f412's flash on both sides.
struct NearLimit {
  const char* board;
  const char* width;
  const char* resolution;
  const char* classes;
  const char* limit;         // "sram" or "flash"
  double low_pct, high_pct;  // where its figure lies, % of the board's
};

class ConsistencyNearLimit : public ::testing::TestWithParam<NearLimit> {};

TEST_P(ConsistencyNearLimit, PlanAndRunGiveTheSameVerdict) {
  const NearLimit& c = GetParam();
  test::ScratchDir dir;
  const auto model = (dir / "m.tflite").string();
  const auto gen = cli({"generate", "mobilenetv2", "--width", c.width, "--resolution", c.resolution,
                        "--classes", c.classes, "-o", model});
  ASSERT_EQ(gen.status, 0) << gen.err;
  const auto inspect = cli_json({"inspect", model, "--json", "--target", c.board});
  ASSERT_TRUE(inspect.contains("figures"));
  const auto& f = inspect["figures"];
  const double pct = f[std::string(c.limit) == "sram" ? "sram_pct" : "flash_pct"].get<double>();
  EXPECT_GE(pct, c.low_pct) << "the generator changed: search the parameters again";
  EXPECT_LE(pct, c.high_pct) << "the generator changed: search the parameters again";

  const auto plan = cli_json({"plan", model, "--target", c.board, "--json"});
  ASSERT_TRUE(plan.contains("recommended"));
  expect_same(f, plan["layerwise"], kFigureKeys, "inspect/plan");
  const std::vector<std::pair<std::string, nlohmann::json>> runs{{"layer", plan["layerwise"]},
                                                                 {"auto", plan["recommended"]}};
  for (const auto& [schedule, expected] : runs) {
    SCOPED_TRACE(schedule);
    const auto summary = dir / (schedule + ".json");
    const auto r = cli({"run", model, "--target", c.board, "--schedule", schedule, "--max-cycles",
                        "1", "--summary", summary.string()});
    // plan's verdict is run's: refused (65, before running) exactly when plan says so.
    const bool refused = r.status == 65 && r.err.find("does not fit") != std::string::npos;
    EXPECT_EQ(refused, !expected["fits"].get<bool>()) << r.err;
    if (!refused) {
      const auto s = test::read_json(summary);
      EXPECT_EQ(s["schedule"], expected["schedule"]);
      expect_same(expected, s, kFigureKeys, "plan/run");
    } else if (!expected["fits_flash"].get<bool>()) {
      // No schedule fixes flash: the hint names what can.
      EXPECT_EQ(r.err.find("patch-based"), std::string::npos) << r.err;
      EXPECT_NE(r.err.find("whatif_m7_8m"), std::string::npos) << r.err;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Consistency, ConsistencyNearLimit,
    ::testing::Values(NearLimit{"stm32f412", "0.35", "144", "10", "sram", 98.0, 100.0},
                      NearLimit{"stm32f412", "0.35", "146", "10", "sram", 100.0, 103.0},
                      NearLimit{"stm32l4r5", "0.35", "228", "10", "sram", 98.0, 100.0},
                      NearLimit{"stm32l4r5", "0.35", "230", "10", "sram", 100.0, 103.0},
                      NearLimit{"stm32h743", "0.35", "204", "10", "sram", 98.0, 100.0},
                      NearLimit{"stm32h743", "0.35", "206", "10", "sram", 100.0, 103.0},
                      NearLimit{"stm32f412", "0.35", "96", "400", "flash", 98.0, 100.0},
                      NearLimit{"stm32f412", "0.35", "96", "414", "flash", 100.0, 102.0}),
    [](const auto& case_info) {
      return std::string(case_info.param.board) + "_" + case_info.param.limit + "_" +
             std::to_string(case_info.index);
    });
