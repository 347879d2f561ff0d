// Shared pieces of the reading commands (see report_support.hpp).
#include "report_support.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"

namespace mcuprof::profiler {

traces::TraceStore open_store_for_reading(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw CommandError(exit_code::kNoInput, fmt::format("{}: no such trace database", path));
  try {
    return traces::TraceStore::open(path, traces::TraceStore::Mode::ReadOnly);
  } catch (const traces::TraceError& e) {
    throw CommandError(exit_code::kDataError, e.what());
  }
}

traces::RunRecord find_run_or_latest(const traces::TraceStore& store,
                                     const std::string& id_or_name) {
  if (id_or_name.empty()) {
    const auto runs = store.runs();
    if (runs.empty())
      throw CommandError(exit_code::kDataError, fmt::format("{}: no runs", store.path().string()));
    return runs.back();
  }
  if (auto run = store.find_run(id_or_name)) return *run;
  std::string ids;
  for (const auto& r : store.runs())
    ids += (ids.empty() ? "" : ", ") + std::to_string(r.id) +
           (r.name.empty() ? "" : " (" + r.name + ")");
  throw CommandError(exit_code::kDataError,
                     fmt::format("{}: no run '{}' (runs: {})", store.path().string(), id_or_name,
                                 ids.empty() ? "none" : ids));
}

TableFormat table_format(const std::string& name) {
  if (name == "markdown") return TableFormat::Markdown;
  if (name == "csv") return TableFormat::Csv;
  return TableFormat::Text;
}

std::string flash_data_text(const traces::RunRecord& run, uint64_t bytes) {
  return run.flash_data_measured ? format_bytes(bytes) : "not measured";
}

namespace {
std::string ms_text(uint64_t cycles, uint64_t clock_hz) {
  if (clock_hz == 0) return fmt::format("{} cycles", format_count(cycles));
  const double ms = static_cast<double>(cycles) * 1000.0 / static_cast<double>(clock_hz);
  if (ms < 0.1) return fmt::format("{:.3f} µs ({} cycles)", ms * 1000.0, format_count(cycles));
  return fmt::format("{:.3f} ms ({} cycles)", ms, format_count(cycles));
}
}  // namespace

std::string peak_time_text(const traces::RunRecord& run, const traces::InferenceWindow& w) {
  const uint64_t at = run.peak_sram_ts;
  switch (w.phase_of(at)) {
    case traces::Phase::StartUp:
      return fmt::format("during start-up, {} before the inference",
                         ms_text(w.begin - at, run.clock_hz));
    case traces::Phase::WindDown:
      return fmt::format("during wind-down, {} after the inference",
                         ms_text(at - w.end, run.clock_hz));
    case traces::Phase::Inference:
      break;
  }
  const uint64_t rel = at - w.begin;
  if (run.clock_hz == 0) return fmt::format("at cycle {} of the inference", format_count(rel));
  return fmt::format("at {:.3f} ms (cycle {} of the inference)",
                     static_cast<double>(rel) * 1000.0 / static_cast<double>(run.clock_hz),
                     format_count(rel));
}

Table summary_table(const traces::RunRecord& run, const traces::InferenceWindow& window) {
  Table t({"figure", "value"});
  t.add_row({"run", std::to_string(run.id) + (run.name.empty() ? "" : " (" + run.name + ")")});
  t.add_row({"target", run.target});
  t.add_row({"firmware", run.firmware_path});
  if (!run.model_path.empty()) t.add_row({"model", run.model_path});
  if (!run.schedule.empty()) t.add_row({"schedule", run.schedule});
  t.add_row({"status", run.stop_reason == "exited"
                           ? fmt::format("exit {}", run.exit_code)
                           : run.stop_reason + (run.fault.empty() ? "" : ": " + run.fault)});
  t.add_row({"cycles", format_count(run.total_cycles)});
  t.add_row({"latency", fmt::format("{:.3f} ms at {:g} MHz", run.latency_ms(),
                                    static_cast<double>(run.clock_hz) / 1e6)});
  t.add_row({"instructions", format_count(run.instructions)});
  if (run.macs > 0) {
    t.add_row({"MACs", format_count(run.macs)});
    t.add_row({"cycles/MAC", fmt::format("{:.2f}", static_cast<double>(run.total_cycles) /
                                                       static_cast<double>(run.macs))});
  }
  if (run.peak_sram_bytes > 0)
    t.add_row(
        {"peak SRAM",
         fmt::format("{} {}{}", format_bytes(run.peak_sram_bytes), peak_time_text(run, window),
                     run.peak_sram_where.empty() ||
                             window.phase_of(run.peak_sram_ts) != traces::Phase::Inference
                         ? ""
                         : " in " + run.peak_sram_where)});
  if (run.arena_bytes > 0) t.add_row({"arena", format_bytes(run.arena_bytes)});
  if (run.flash_ifetch_bytes + run.flash_data_bytes > 0)
    t.add_row({"flash reads",
               fmt::format("{} instructions, {} data", format_bytes(run.flash_ifetch_bytes),
                           flash_data_text(run, run.flash_data_bytes))});
  t.add_row({"cycle model", run.cycle_model});
  t.add_row({"started", run.started_at});
  return t;
}

nlohmann::json run_json(const traces::RunRecord& r) {
  return {{"id", r.id},
          {"name", r.name},
          {"status", r.status},
          {"target", r.target},
          {"firmware", r.firmware_path},
          {"model", r.model_path},
          {"schedule", r.schedule},
          {"total_cycles", r.total_cycles},
          {"latency_ms", r.latency_ms()},
          {"clock_hz", r.clock_hz},
          {"instructions", r.instructions},
          {"macs", r.macs},
          {"peak_sram_bytes", r.peak_sram_bytes},
          {"peak_sram_cycle", r.peak_sram_ts},
          {"peak_sram_where", r.peak_sram_where},
          {"arena_bytes", r.arena_bytes},
          {"flash_ifetch_bytes", r.flash_ifetch_bytes},
          {"flash_data_bytes",
           r.flash_data_measured ? nlohmann::json(r.flash_data_bytes) : nlohmann::json()},
          {"stop_reason", r.stop_reason},
          {"exit_code", r.exit_code},
          {"fault", r.fault},
          {"started_at", r.started_at}};
}

void add_time_axis(nlohmann::json& j, const traces::RunRecord& r,
                   const traces::InferenceWindow& w) {
  j["peak_sram_cycle"] = w.relative(r.peak_sram_ts);  // from the inference start
  j["peak_sram_phase"] = std::string(traces::to_string(w.phase_of(r.peak_sram_ts)));
  j["inference_window"] = {{"begin_cycle", w.begin}, {"end_cycle", w.end}, {"markers", w.marked}};
}

nlohmann::json layer_json(const traces::LayerRow& l, bool flash_data_measured) {
  return {{"index", l.layer_index},
          {"name", l.name},
          {"op", l.op},
          {"spans", l.spans},
          {"cycles", l.cycles},
          {"ms", l.ms},
          {"share", l.share},
          {"macs", l.macs},
          {"cycles_per_mac", l.cycles_per_mac},
          {"flash_data_bytes",
           flash_data_measured ? nlohmann::json(l.flash_data_bytes) : nlohmann::json()},
          {"flash_ifetch_bytes", l.flash_ifetch_bytes},
          {"sram_peak_bytes", l.sram_peak_bytes}};
}

}  // namespace mcuprof::profiler
