// Inference-relative time (docs/trace-schema.md, "The inference window"): per-function
// figures cover the same RUN_BEGIN..RUN_END window as the headline cycles, the report's
// peak time lies inside that window or names the phase around it, and the Chrome trace's
// timelines start at the inference start with the calls as they ran.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "mcuprof/traces/store.hpp"
#include "mcuprof/traces/window.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;

namespace {

test::ProcessResult cli(std::vector<std::string> args) {
  args.insert(args.begin(), test::mcuprof_binary().string());
  return test::run_process(args);
}

struct WindowedRun {
  test::ScratchDir dir;
  std::string db;
  nlohmann::json summary;
  std::string err;
};

// tests/firmware/profiler/windowed_calls.c with --function-cycles.
bool run_windowed(WindowedRun& w) {
  const auto elf = test::test_firmware("stm32f412", "windowed_calls");
  if (!std::filesystem::exists(elf)) return false;
  w.db = (w.dir / "t.db").string();
  const auto summary = w.dir / "run.json";
  const auto r = cli({"run", "--target", "stm32f412", elf.string(), "--function-cycles", "100",
                      "--summary", summary.string(), "--db", w.db});
  EXPECT_EQ(r.status, 0) << r.err;
  w.err = r.err;
  std::ifstream in(summary);
  w.summary = nlohmann::json::parse(in);
  return true;
}

}  // namespace

TEST(TimeAxes, FunctionSharesCoverTheInferenceWindow) {
  WindowedRun w;
  if (!run_windowed(w)) GTEST_SKIP() << "missing firmware windowed_calls";
  const auto& s = w.summary;
  const auto total = s["total_cycles"].get<uint64_t>();
  ASSERT_LT(total, s["machine_cycles"].get<uint64_t>());  // the firmware's markers
  EXPECT_TRUE(s["functions_window"]["markers"].get<bool>());
  EXPECT_EQ(s["functions_window"]["end_cycle"].get<uint64_t>() -
                s["functions_window"]["begin_cycle"].get<uint64_t>(),
            total);
  std::map<std::string, nlohmann::json> fn;
  uint64_t exclusive_sum = 0;
  for (const auto& row : s["functions"]) {
    fn[row["name"].get<std::string>()] = row;
    exclusive_sum += row.value("exclusive_cycles", uint64_t{0});
  }
  EXPECT_EQ(exclusive_sum, total);  // the window's cycles, no more
  ASSERT_TRUE(fn.count("main") && fn.count("mid_a") && fn.count("leaf_b"));
  EXPECT_LE(fn["main"]["inclusive_cycles"].get<uint64_t>(), total);
  EXPECT_GT(fn["main"]["inclusive_cycles"].get<uint64_t>(), total * 9 / 10);
  EXPECT_EQ(fn["main"]["call_stack_calls"], 1);  // in progress at RUN_BEGIN
  EXPECT_EQ(fn["mid_a"]["call_stack_calls"], 3);
  EXPECT_EQ(fn["leaf_b"]["call_stack_calls"], 4);
  // start_up ran before RUN_BEGIN, wind_down after RUN_END: nothing of theirs counts.
  for (const char* outside : {"start_up", "wind_down"}) {
    ASSERT_TRUE(fn.count(outside)) << outside;  // they ran (flat profile, whole run)
    EXPECT_GT(fn[outside]["cycles"].get<uint64_t>(), 0u) << outside;
    EXPECT_EQ(fn[outside].value("inclusive_cycles", uint64_t{0}), 0u) << outside;
  }
  // The table says which window, and its shares are of the headline's cycles.
  EXPECT_NE(w.err.find("functions in the inference window RUN_BEGIN..RUN_END"), std::string::npos)
      << w.err;
  EXPECT_EQ(w.err.find("start_up"), std::string::npos) << w.err;

  // The stored tree: same figures, shares of total_cycles adding up to at most 100 %.
  const auto store = traces::TraceStore::open(w.db, traces::TraceStore::Mode::ReadOnly);
  const auto run = store.runs().back();
  EXPECT_EQ(run.total_cycles, total);
  double self_shares = 0;
  for (const auto& r : store.function_table(run.id)) {
    self_shares += r.self_share;
    EXPECT_LE(r.share, 1.0 + 1e-12) << r.name;
    EXPECT_LE(r.cycles, run.total_cycles) << r.name;
    if (r.name == "main") {
      EXPECT_EQ(r.cycles, fn["main"]["inclusive_cycles"].get<uint64_t>());
    }
  }
  EXPECT_NEAR(self_shares, 1.0, 1e-9);
  const auto report = cli({"report", w.db});
  ASSERT_EQ(report.status, 0) << report.err;
  EXPECT_NE(report.out.find("Functions in the inference window RUN_BEGIN..RUN_END"),
            std::string::npos)
      << report.out;
}

TEST(TimeAxes, PeakDuringStartUpIsReportedAsSuch) {
  WindowedRun w;
  if (!run_windowed(w)) GTEST_SKIP() << "missing firmware windowed_calls";
  // start_up's 2 KiB stack buffer is the run's SRAM peak, before RUN_BEGIN.
  EXPECT_EQ(w.summary["peak_sram_phase"], "start-up");
  EXPECT_LT(w.summary["peak_sram_cycle"].get<int64_t>(), 0);
  const auto json = cli({"report", w.db, "--format", "json"});
  ASSERT_EQ(json.status, 0) << json.err;
  const auto r = nlohmann::json::parse(json.out)["run"];
  EXPECT_EQ(r["peak_sram_phase"], "start-up");
  EXPECT_EQ(r["peak_sram_cycle"], w.summary["peak_sram_cycle"]);
  EXPECT_EQ(r["peak_sram_where"], "start-up");
  const auto text = cli({"report", w.db});
  EXPECT_NE(text.out.find("during start-up"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("at cycle"), std::string::npos) << text.out;
}

TEST(TimeAxes, ChromeTraceStartsAtTheInferenceWithCallsInTime) {
  WindowedRun w;
  if (!run_windowed(w)) GTEST_SKIP() << "missing firmware windowed_calls";
  const auto out = w.dir / "trace.json";
  const auto r = cli({"export", w.db, "--run", "1", "--chrome-trace", out.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream in(out);
  const auto trace = nlohmann::json::parse(in);
  const double clock = trace["otherData"]["clock_hz"].get<double>();
  const double window_us = trace["otherData"]["total_cycles"].get<double>() * 1e6 / clock;
  const int64_t pid = trace["otherData"]["run_id"].get<int64_t>();
  std::map<int64_t, std::string> threads;  // of the run's process
  std::map<int64_t, std::string> processes;
  for (const auto& e : trace["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name" && e["pid"] == pid)
      threads[e["tid"].get<int64_t>()] = e["args"]["name"].get<std::string>();
    if (e["ph"] == "M" && e["name"] == "process_name")
      processes[e["pid"].get<int64_t>()] = e["args"]["name"].get<std::string>();
  }
  int64_t functions_tid = -1;
  for (const auto& [tid, name] : threads)
    if (name == "functions") functions_tid = tid;
  ASSERT_GE(functions_tid, 0) << "no functions thread";
  ASSERT_EQ(processes.size(), 2u);  // the run, and its start-up timed from reset
  bool startup_phase = false, run_at_zero = false;
  std::vector<std::pair<double, double>> calls;  // [ts, end) of the functions thread
  std::map<std::string, int> called;
  for (const auto& e : trace["traceEvents"]) {
    if (e["ph"] != "X") continue;
    EXPECT_NE(e["cat"], "function") << "the calling-context tree is not a timeline";
    const double ts = e["ts"].get<double>(), dur = e["dur"].get<double>();
    EXPECT_GE(ts, 0.0);
    if (e["pid"] != pid) {
      startup_phase = startup_phase || e["name"] == "start-up";
      continue;
    }
    run_at_zero = run_at_zero || (e["cat"] == "run" && ts == 0.0);
    if (e["tid"] != functions_tid) continue;
    EXPECT_LE(ts + dur, window_us + 0.001) << e.dump();
    calls.emplace_back(ts, ts + dur);
    ++called[e["name"].get<std::string>()];
  }
  EXPECT_TRUE(startup_phase);
  EXPECT_TRUE(run_at_zero);
  ASSERT_FALSE(calls.empty());
  for (size_t i = 1; i < calls.size(); ++i) EXPECT_LE(calls[i - 1].first, calls[i].first);
  EXPECT_EQ(calls.front().first, 0.0);  // main, in progress at RUN_BEGIN
  EXPECT_EQ(called["main"], 1);
  EXPECT_EQ(called["mid_a"], 3);
  EXPECT_EQ(called["leaf_b"], 4);
  EXPECT_EQ(called.count("start_up"), 0u);
  EXPECT_EQ(called.count("wind_down"), 0u);
  // Calls nest: each one lies inside the last enclosing call still open.
  std::vector<std::pair<double, double>> open;
  for (const auto& c : calls) {
    while (!open.empty() && open.back().second <= c.first) open.pop_back();
    if (!open.empty()) {
      EXPECT_LE(c.second, open.back().second + 1e-9);
    }
    open.push_back(c);
  }
}

// The shared vww model: the report's peak lies inside the inference (not after the
// window's last cycle), counted from RUN_BEGIN.
TEST(TimeAxes, ModelRunPeakLiesInsideTheWindow) {
  const auto model = test::shared_models_dir() / "vww_96_int8.tflite";
  if (!std::filesystem::exists(model)) GTEST_SKIP() << "missing shared model " << model;
  test::ScratchDir dir;
  const auto db = (dir / "t.db").string();
  const auto run = cli({"run", model.string(), "--target", "stm32f412", "--db", db});
  ASSERT_EQ(run.status, 0) << run.err;
  const auto json = cli({"report", db, "--format", "json"});
  ASSERT_EQ(json.status, 0) << json.err;
  const auto r = nlohmann::json::parse(json.out)["run"];
  const auto peak = r["peak_sram_cycle"].get<int64_t>();
  EXPECT_GE(peak, 0);
  EXPECT_LE(peak, r["total_cycles"].get<int64_t>());
  EXPECT_EQ(r["peak_sram_phase"], "inference");
  EXPECT_TRUE(r["inference_window"]["markers"].get<bool>());
  EXPECT_GT(r["inference_window"]["begin_cycle"].get<uint64_t>(), 0u);  // a start-up exists
  const auto text = cli({"report", db});
  EXPECT_NE(text.out.find("of the inference"), std::string::npos) << text.out;
}
