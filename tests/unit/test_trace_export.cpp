// Exporters: the Chrome trace is valid JSON with one complete ("X") event per span,
// strictly nested per thread, timestamps in microseconds at the run's clock, and counter
// ("C") events for every stored sample; folded stacks add up to the run's cycles.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mcuprof/traces/export.hpp"
#include "mcuprof/traces/store.hpp"
#include "mcuprof/traces/window.hpp"
#include "mcuprof/traces/writer.hpp"
#include "paths.hpp"
#include "process.hpp"
#include "synthetic_run.hpp"

using namespace mcuprof::traces;

namespace {

Span function_span(const char* name, uint64_t ts, uint64_t dur,
                   const char* track = track::kFunctionsTimeline) {
  Span s;
  s.track = track;
  s.name = name;
  s.kind = "function";
  s.ts = ts;
  s.dur = dur;
  return s;
}

struct Exported {
  mcuprof::test::ScratchDir dir;
  TraceStore store = TraceStore::open(dir / "t.db", TraceStore::Mode::ReadWrite);
  mcuprof::test::SyntheticRun run = mcuprof::test::make_synthetic_run({.seed = 31});
  int64_t id = 0;
  Exported() {
    RunWriter writer(store, run.record);
    run.write_to(writer);
    // A second span track, to check that nesting is per thread: the calls in time.
    writer.add_span(function_span("main", 0, run.record.total_cycles));
    writer.add_span(function_span("conv", 500, 9000));
    // The calling-context tree is a flame-graph layout, not a timeline: not exported.
    writer.add_span(function_span("tree-main", 0, run.record.total_cycles, track::kFunctions));
    id = writer.finish();
  }
};

int64_t ns(const nlohmann::json& us) {
  return std::llround(us.get<double>() * 1000.0);
}

}  // namespace

TEST(TraceExport, ChromeTraceHasNestedCompleteEventsAndCounters) {
  Exported e;
  std::ostringstream out;
  write_chrome_trace(e.store, e.id, out);
  const auto doc = nlohmann::json::parse(out.str());  // throws on invalid JSON
  ASSERT_TRUE(doc.contains("traceEvents"));
  const auto& events = doc["traceEvents"];
  ASSERT_TRUE(events.is_array());

  std::map<int64_t, std::vector<std::pair<int64_t, int64_t>>> by_tid;  // [begin, end) in ns
  std::map<std::string, size_t> counters;
  std::map<int64_t, std::string> thread_names;
  size_t complete = 0;
  for (const auto& ev : events) {
    const std::string ph = ev.at("ph");
    if (ph == "X") {
      ++complete;
      EXPECT_TRUE(ev.at("name").is_string());
      EXPECT_TRUE(ev.at("cat").is_string());
      EXPECT_NE(ev.at("name"), "tree-main");
      EXPECT_EQ(ev.at("pid"), e.id);
      EXPECT_GE(ev.at("dur").get<double>(), 0.0);
      const int64_t begin = ns(ev.at("ts"));
      by_tid[ev.at("tid").get<int64_t>()].emplace_back(begin, begin + ns(ev.at("dur")));
      if (ev.at("cat") == "run") {
        EXPECT_EQ(ev.at("ts").get<double>(), 0.0);
        const double expected_us = static_cast<double>(e.run.record.total_cycles) / 216.0;
        EXPECT_NEAR(ev.at("dur").get<double>(), expected_us, 0.001);
        EXPECT_EQ(ev.at("args").at("cycles"), e.run.record.total_cycles);
      }
    } else if (ph == "C") {
      ++counters[ev.at("name")];
      EXPECT_TRUE(ev.at("args").at("bytes").is_number_integer());
    } else if (ph == "M" && ev.at("name") == "thread_name") {
      thread_names[ev.at("tid").get<int64_t>()] = ev.at("args").at("name");
    }
  }
  EXPECT_EQ(complete, e.run.spans.size() + 2);
  ASSERT_EQ(by_tid.size(), 2u);
  for (const auto& [tid, spans] : by_tid) EXPECT_TRUE(thread_names.count(tid)) << tid;
  EXPECT_EQ(std::count_if(thread_names.begin(), thread_names.end(),
                          [](const auto& t) { return t.second == "functions"; }),
            1);  // the timeline, under the name users know

  // Strict nesting per tid: sorted by start (longer first), every event lies inside the
  // innermost still-open event, or starts after it ends.
  for (auto [tid, spans] : by_tid) {
    std::sort(spans.begin(), spans.end(), [](auto& a, auto& b) {
      return a.first != b.first ? a.first < b.first : a.second > b.second;
    });
    std::vector<std::pair<int64_t, int64_t>> open;
    for (const auto& s : spans) {
      while (!open.empty() && open.back().second <= s.first) open.pop_back();
      if (!open.empty()) {
        EXPECT_GE(s.first, open.back().first);
        EXPECT_LE(s.second, open.back().second) << "event at " << s.first << " ns on tid " << tid;
      }
      open.push_back(s);
    }
  }
  for (const auto& [name, points] : e.run.counters)
    EXPECT_EQ(counters[name], points.size()) << name;
}

// A run with an inference window: times count from RUN_BEGIN, nothing is negative
// (Perfetto refuses it), the start-up is a process of its own timed from reset, and
// each counter starts the inference with the value then in force.
TEST(TraceExport, ChromeTraceStartsAtTheInferenceStart) {
  mcuprof::test::ScratchDir dir;
  TraceStore store = TraceStore::open(dir / "w.db", TraceStore::Mode::ReadWrite);
  RunRecord r;
  r.target = "stm32f412";
  r.clock_hz = 1'000'000;  // 1 cycle = 1 us
  r.total_cycles = 600;
  RunWriter w(store, r);
  Span run = function_span("run", 0, 1000, track::kLayers);
  run.kind = kind::kRun;
  run.args.emplace_back(kInferenceBeginArg, int64_t{300});
  run.args.emplace_back(kInferenceEndArg, int64_t{900});
  w.add_span(run);
  Span startup = function_span(phase::kStartUp, 0, 300, track::kLayers);
  startup.kind = kind::kPhase;
  w.add_span(startup);
  Span layer = function_span("CONV_2D 0", 400, 200, track::kLayers);
  layer.kind = kind::kLayer;
  w.add_span(layer);
  w.add_span(function_span("main", 300, 600));
  w.add_counter(track::kSramTotal, 0, 10);
  w.add_counter(track::kSramTotal, 100, 50);
  w.add_counter(track::kSramTotal, 500, 70);
  const int64_t id = w.finish();

  std::ostringstream out;
  write_chrome_trace(store, id, out);
  const auto doc = nlohmann::json::parse(out.str());
  EXPECT_EQ(doc["otherData"]["inference_begin_cycle"], 300);
  std::map<std::pair<int64_t, std::string>, std::pair<double, double>> x;  // (pid, name)
  std::vector<std::pair<int64_t, double>> sram;                            // (pid, ts)
  std::map<int64_t, int64_t> first_value;
  for (const auto& ev : doc["traceEvents"]) {
    if (ev.contains("ts")) {
      EXPECT_GE(ev["ts"].get<double>(), 0.0) << ev.dump();
    }
    if (ev["ph"] == "X")
      x[{ev["pid"].get<int64_t>(), ev["name"].get<std::string>()}] = {ev["ts"], ev["dur"]};
    if (ev["ph"] == "C") {
      const int64_t pid = ev["pid"];
      if (!first_value.count(pid)) first_value[pid] = ev["args"]["bytes"];
      sram.emplace_back(pid, ev["ts"].get<double>());
    }
  }
  const int64_t startup_pid = kStartUpPidOffset + id;
  EXPECT_EQ(x.at({id, "run"}), std::make_pair(0.0, 700.0));  // cut at the inference start
  EXPECT_EQ(x.at({startup_pid, "run"}), std::make_pair(0.0, 300.0));
  EXPECT_EQ(x.at({startup_pid, "start-up"}), std::make_pair(0.0, 300.0));
  EXPECT_EQ(x.at({id, "CONV_2D 0"}), std::make_pair(100.0, 200.0));
  EXPECT_EQ(x.at({id, "main"}), std::make_pair(0.0, 600.0));
  EXPECT_FALSE(x.count({id, "start-up"}));
  EXPECT_EQ(first_value.at(id), 50);  // in force at RUN_BEGIN
  EXPECT_EQ(first_value.at(startup_pid), 10);
  EXPECT_EQ(std::count(sram.begin(), sram.end(), std::make_pair(id, 200.0)), 1);
}

TEST(TraceExport, FoldedStacksAddUpToTheRunsCycles) {
  Exported e;
  std::ostringstream out;
  write_folded_stacks(e.store, e.id, out);
  std::istringstream in(out.str());
  std::string line;
  uint64_t sum = 0;
  size_t lines = 0;
  std::map<std::string, uint64_t> stacks;
  while (std::getline(in, line)) {
    const auto space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    const uint64_t cycles = std::stoull(line.substr(space + 1));
    EXPECT_GT(cycles, 0u);
    EXPECT_EQ(line.rfind("synthetic-31", 0), 0u) << line;
    stacks[line.substr(0, space)] = cycles;
    sum += cycles;
    ++lines;
  }
  EXPECT_EQ(sum, e.run.record.total_cycles);
  // A leaf's line carries its whole duration.
  const auto leaf = std::find_if(e.run.spans.begin(), e.run.spans.end(), [](const Span& s) {
    return s.kind == "layer-in-patch" && s.patch_row == 1 && s.patch_col == 0 && s.layer_index == 2;
  });
  ASSERT_NE(leaf, e.run.spans.end());
  EXPECT_EQ(stacks.at("synthetic-31;patch stage;patch 1,0;layer 2"), leaf->dur);

  std::ostringstream functions;
  write_folded_stacks(e.store, e.id, functions, track::kFunctionsTimeline);
  EXPECT_EQ(functions.str(),
            "main " + std::to_string(e.run.record.total_cycles - 9000) + "\nmain;conv 9000\n");
  EXPECT_THROW(write_folded_stacks(e.store, 999, functions), TraceError);
}

TEST(TraceExport, TheCliExportsARunByNameAndExplainsBadRequests) {
  Exported e;
  const std::string db = (e.dir / "t.db").string();
  const std::string json = (e.dir / "trace.json").string();
  const std::string folded = (e.dir / "stacks.folded").string();
  const std::string bin = mcuprof::test::mcuprof_binary().string();
  const auto ok = mcuprof::test::run_process(
      {bin, "export", db, "--run", "synthetic-31", "--chrome-trace", json, "--folded", folded});
  ASSERT_EQ(ok.status, 0) << ok.err;
  std::ifstream json_in(json);
  const auto doc = nlohmann::json::parse(json_in);
  EXPECT_EQ(doc.at("otherData").at("run_id"), e.id);
  std::ifstream folded_in(folded);
  uint64_t sum = 0;
  std::string line;
  while (std::getline(folded_in, line)) sum += std::stoull(line.substr(line.rfind(' ') + 1));
  EXPECT_EQ(sum, e.run.record.total_cycles);

  const auto no_run =
      mcuprof::test::run_process({bin, "export", db, "--run", "nope", "--folded", folded});
  EXPECT_EQ(no_run.status, 65);
  EXPECT_NE(no_run.err.find("no run 'nope'"), std::string::npos) << no_run.err;
  EXPECT_EQ(std::count(no_run.err.begin(), no_run.err.end(), '\n'), 1) << no_run.err;
  const auto no_db = mcuprof::test::run_process(
      {bin, "export", (e.dir / "missing.db").string(), "--run", "1", "--folded", folded});
  EXPECT_EQ(no_db.status, 66) << no_db.err;
  const auto no_output = mcuprof::test::run_process({bin, "export", db, "--run", "1"});
  EXPECT_EQ(no_output.status, 64) << no_output.err;
  const auto bad_path = mcuprof::test::run_process(
      {bin, "export", db, "--run", "1", "--chrome-trace", (e.dir / "no/dir/x.json").string()});
  EXPECT_EQ(bad_path.status, 73) << bad_path.err;
}
