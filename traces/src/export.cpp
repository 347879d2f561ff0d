// Chrome trace event JSON and folded-stack exporters (see export.hpp).
#include "mcuprof/traces/export.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "mcuprof/traces/store.hpp"
#include "mcuprof/traces/window.hpp"
#include "muldiv.hpp"

namespace mcuprof::traces {
namespace {

RunRecord require_run(const TraceStore& store, int64_t run_id) {
  auto run = store.run(run_id);
  if (!run) throw TraceError(fmt::format("{}: no run {}", store.path().string(), run_id));
  return *run;
}

// Cycles to whole nanoseconds at the clock, rounded to nearest; monotonic, so nesting
// in cycles stays nesting in nanoseconds.
int64_t to_ns(uint64_t cycles, uint64_t clock_hz) {
  return static_cast<int64_t>(muldiv_round(cycles, 1'000'000'000u, clock_hz));
}

double to_us(int64_t ns) {
  return static_cast<double>(ns) / 1000.0;
}

nlohmann::json arg_json(const ArgValue& v) {
  return std::visit([](const auto& x) { return nlohmann::json(x); }, v);
}

std::string frame(std::string name) {
  for (char& c : name)
    if (c == ';')
      c = ':';
    else if (c == '\n' || c == '\r')
      c = ' ';
  return name;
}

}  // namespace

void write_chrome_trace(const TraceStore& store, int64_t run_id, std::ostream& out) {
  const RunRecord run = require_run(store, run_id);
  if (run.clock_hz == 0)
    throw TraceError(
        fmt::format("run {} has no clock frequency; cannot convert cycles to time", run_id));
  // Time 0 is the inference start. Perfetto refuses negative timestamps, so what ran
  // before it (the start-up, reset -> RUN_BEGIN) goes to a process of its own whose time
  // counts from reset (docs/trace-schema.md, "Exports").
  const InferenceWindow window = inference_window(store, run);
  const int64_t pid = run.id;
  const int64_t startup_pid = kStartUpPidOffset + run.id;
  const bool has_startup = window.begin > 0;
  const int64_t origin_ns = to_ns(window.begin, run.clock_hz);
  bool first = true;
  const auto emit = [&](const nlohmann::json& event) {
    out << (first ? "\n" : ",\n") << event.dump();
    first = false;
  };
  out << R"({"displayTimeUnit":"ns","otherData":)"
      << nlohmann::json({{"run_id", run.id},
                         {"name", run.name},
                         {"target", run.target},
                         {"clock_hz", run.clock_hz},
                         {"total_cycles", run.total_cycles},
                         {"latency_ms", run.latency_ms()},
                         {"schedule", run.schedule},
                         {"macs", run.macs},
                         {"peak_sram_bytes", run.peak_sram_bytes},
                         {"arena_bytes", run.arena_bytes},
                         {"sram_in_use_peak_bytes", run.sram_in_use_peak_bytes},
                         {"sram_bytes", run.sram_bytes},
                         {"flash_bytes", run.flash_bytes},
                         {"time_zero", window.marked ? "inference start (RUN_BEGIN)"
                                                     : "run start (no RUN_BEGIN/RUN_END)"},
                         {"inference_begin_cycle", window.begin},
                         {"inference_end_cycle", window.end},
                         {"firmware_sha256", run.firmware_sha256},
                         {"tool_version", run.tool_version}})
             .dump()
      << R"(,"traceEvents":[)";
  std::string process = fmt::format("run {}", run.id);
  if (!run.name.empty()) process += " " + run.name;
  if (!run.target.empty()) process += " (" + run.target + ")";
  emit({{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"args", {{"name", process}}}});
  emit({{"ph", "M"}, {"name", "process_sort_index"}, {"pid", pid}, {"args", {{"sort_index", 0}}}});
  if (has_startup) {
    emit({{"ph", "M"},
          {"name", "process_name"},
          {"pid", startup_pid},
          {"args", {{"name", process + " start-up (reset to RUN_BEGIN; time from reset)"}}}});
    emit({{"ph", "M"},
          {"name", "process_sort_index"},
          {"pid", startup_pid},
          {"args", {{"sort_index", 1}}}});
  }

  // Span tracks that are timelines; the calling-context tree ("functions") is laid out as
  // a flame graph, not in time: its timeline ("functions.timeline") is shown instead.
  std::unordered_map<std::string, int64_t> tid;
  for (const auto& t : store.tracks(run_id)) {
    if (t.type != "slice" || t.name == track::kFunctions) continue;
    tid[t.name] = t.id;
    const std::string name = t.name == track::kFunctionsTimeline ? "functions" : t.name;
    for (const int64_t p : {pid, startup_pid}) {
      if (p == startup_pid && !has_startup) continue;
      emit({{"ph", "M"},
            {"name", "thread_name"},
            {"pid", p},
            {"tid", t.id},
            {"args", {{"name", name}}}});
    }
  }
  for (const auto& s : store.spans(run_id)) {
    const auto t = tid.find(s.track);
    if (t == tid.end()) continue;
    nlohmann::json args = {{"cycles", s.cycles},
                           {"instructions", s.instructions},
                           {"flash_ifetch_bytes", s.flash_ifetch_bytes},
                           {"flash_data_bytes", s.flash_data_bytes},
                           {"sram_peak_bytes", s.sram_peak_bytes},
                           {"macs", s.macs},
                           {"ts_cycles", s.ts},
                           {"dur_cycles", s.dur}};
    if (s.self_cycles) args["self_cycles"] = *s.self_cycles;
    if (!s.op.empty()) args["op"] = s.op;
    if (s.layer_index) args["layer_index"] = *s.layer_index;
    if (s.patch_row) args["patch_row"] = *s.patch_row;
    if (s.patch_col) args["patch_col"] = *s.patch_col;
    for (const auto& [key, value] : s.args) args[key] = arg_json(value);
    const int64_t begin = to_ns(s.ts, run.clock_hz);
    const int64_t end = to_ns(s.ts + s.dur, run.clock_hz);
    // A span crossing the inference start (the run) is cut there, one part per process.
    if (has_startup && begin < origin_ns)
      emit({{"ph", "X"},
            {"name", s.name},
            {"cat", s.kind},
            {"pid", startup_pid},
            {"tid", t->second},
            {"ts", to_us(begin)},
            {"dur", to_us(std::min(end, origin_ns) - begin)},
            {"args", args}});
    if (end > origin_ns || (end == origin_ns && begin == origin_ns))
      emit({{"ph", "X"},
            {"name", s.name},
            {"cat", s.kind},
            {"pid", pid},
            {"tid", t->second},
            {"ts", to_us(std::max(begin, origin_ns) - origin_ns)},
            {"dur", to_us(end - std::max(begin, origin_ns))},
            {"args", std::move(args)}});
  }
  for (const auto& t : store.tracks(run_id)) {
    if (t.type != "counter") continue;
    const std::string key = t.unit.empty() ? "value" : t.unit;
    std::optional<int64_t> in_force;  // the value at the inference start
    bool at_origin = false;
    for (const auto& p : store.counters(run_id, t.name)) {
      const int64_t ns = to_ns(p.ts, run.clock_hz);
      if (ns < origin_ns) {
        in_force = p.value;
        emit({{"ph", "C"},
              {"name", t.name},
              {"pid", startup_pid},
              {"ts", to_us(ns)},
              {"args", {{key, p.value}}}});
        continue;
      }
      if (!at_origin && ns > origin_ns && in_force)
        emit({{"ph", "C"},
              {"name", t.name},
              {"pid", pid},
              {"ts", 0.0},
              {"args", {{key, *in_force}}}});
      at_origin = true;
      emit({{"ph", "C"},
            {"name", t.name},
            {"pid", pid},
            {"ts", to_us(ns - origin_ns)},
            {"args", {{key, p.value}}}});
    }
    if (!at_origin && in_force)
      emit(
          {{"ph", "C"}, {"name", t.name}, {"pid", pid}, {"ts", 0.0}, {"args", {{key, *in_force}}}});
  }
  out << "\n]}\n";
  if (!out) throw TraceError("cannot write the Chrome trace");
}

void write_folded_stacks(const TraceStore& store, int64_t run_id, std::ostream& out,
                         const std::string& track) {
  require_run(store, run_id);
  const auto spans = store.spans(run_id, {track, ""});
  std::unordered_map<int64_t, size_t> index;
  for (size_t i = 0; i < spans.size(); ++i) index[spans[i].id] = i;
  // Self cycles = duration minus the durations of the direct children.
  std::vector<uint64_t> self(spans.size());
  for (size_t i = 0; i < spans.size(); ++i) self[i] = spans[i].dur;
  for (const auto& s : spans)
    if (s.parent_id != 0) self[index.at(s.parent_id)] -= s.dur;
  // Spans come parents first, so each path extends its parent's.
  std::vector<std::string> path(spans.size());
  std::map<std::string, uint64_t> folded;
  for (size_t i = 0; i < spans.size(); ++i) {
    const auto& s = spans[i];
    path[i] = s.parent_id == 0 ? frame(s.name) : path[index.at(s.parent_id)] + ";" + frame(s.name);
    if (self[i] > 0) folded[path[i]] += self[i];
  }
  for (const auto& [stack, cycles] : folded) out << stack << ' ' << cycles << '\n';
  if (!out) throw TraceError("cannot write the folded stacks");
}

}  // namespace mcuprof::traces
