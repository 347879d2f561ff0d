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

std::string count_cell(uint64_t v, TableFormat f) {
  return f == TableFormat::Csv ? std::to_string(v) : format_count(v);
}

std::string bytes_cell(uint64_t v, TableFormat f) {
  return f == TableFormat::Csv ? std::to_string(v) : format_bytes(v);
}

std::string pct_cell(double v, TableFormat f) {
  return f == TableFormat::Csv ? fmt::format("{:.3f}", v) : fmt::format("{:.1f} %", v);
}

std::string fixed_cell(double v, int digits, TableFormat f) {
  return f == TableFormat::Csv ? fmt::format("{:.6g}", v) : fmt::format("{:.{}f}", v, digits);
}

std::string flash_data_text(const traces::RunRecord& run, uint64_t bytes) {
  return run.flash_data_measured ? format_bytes(bytes) : "not measured";
}

Figures run_figures(const traces::RunRecord& r) {
  Figures f;
  f.board = {r.target, r.sram_bytes, r.flash_size_bytes, r.clock_hz};
  f.sram = {r.static_sram_bytes, r.arena_bytes, r.kernel_scratch_bytes, r.stack_bytes};
  f.flash = {r.firmware_flash_bytes, r.model_flash_bytes};
  return f;
}

std::string run_label(const traces::RunRecord& r) {
  std::string label = std::to_string(r.id);
  if (!r.name.empty()) label += " · " + r.name;
  label += " · " + r.target;
  if (!r.schedule.empty()) label += " · " + r.schedule;
  return label;
}

namespace {
std::string ms_text(uint64_t cycles, uint64_t clock_hz) {
  if (clock_hz == 0) return fmt::format("{} cycles", format_count(cycles));
  const double ms = latency_ms(cycles, clock_hz);
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
  return fmt::format("at {:.3f} ms (cycle {} of the inference)", latency_ms(rel, run.clock_hz),
                     format_count(rel));
}

Table summary_table(const traces::RunRecord& run, const traces::InferenceWindow& window,
                    const std::string& memory_system) {
  const Figures f = run_figures(run);
  Table t({"figure", "value"});
  t.add_row({"run", run_label(run)});
  t.add_row({"target", run.target});
  t.add_row({"firmware", run.firmware_path});
  if (!run.model_path.empty()) t.add_row({"model", run.model_path});
  if (!run.schedule.empty()) t.add_row({"schedule", run.schedule});
  t.add_row({"status", run.stop_reason == "exited"
                           ? fmt::format("exit {}", run.exit_code)
                           : run.stop_reason + (run.fault.empty() ? "" : ": " + run.fault)});
  t.add_row({"cycles", format_count(run.total_cycles)});
  t.add_row({"measured over", window.describe()});
  t.add_row({"latency", fmt::format("{:.3f} ms at {:g} MHz", run.latency_ms(),
                                    static_cast<double>(run.clock_hz) / 1e6)});
  if (!memory_system.empty()) t.add_row({"memory system", memory_system});
  t.add_row({"instructions", format_count(run.instructions)});
  t.add_row({"MACs", run.macs > 0 ? format_count(run.macs) : "n/a"});
  t.add_row({"cycles/MAC", run.macs > 0
                               ? fmt::format("{:.2f}", static_cast<double>(run.total_cycles) /
                                                           static_cast<double>(run.macs))
                               : "n/a"});
  if (run.sram_bytes > 0) {
    t.add_row(
        {"peak SRAM",
         fmt::format("{} ({:.1f} % of {}): static {} + arena {} + kernel scratch {} + "
                     "stack {}",
                     format_bytes(f.peak_sram_bytes()), f.sram_pct(),
                     format_bytes(f.board.sram_bytes), format_bytes(f.sram.static_bytes),
                     format_bytes(f.sram.arena_bytes), format_bytes(f.sram.kernel_scratch_bytes),
                     format_bytes(f.sram.stack_bytes))});
    t.add_row({"flash",
               fmt::format("{} ({:.1f} % of {}): firmware {} + model image {}",
                           format_bytes(f.flash_bytes()), f.flash_pct(),
                           format_bytes(f.board.flash_bytes), format_bytes(f.flash.firmware_bytes),
                           format_bytes(f.flash.model_bytes))});
    t.add_row({"fits", f.fits() ? "yes" : (f.fits_flash() ? "no (SRAM)" : "no (flash)")});
  } else if (run.peak_sram_bytes > 0) {  // stored before schema version 4
    t.add_row({"peak SRAM", format_bytes(run.peak_sram_bytes)});
  }
  if (run.sram_in_use_peak_bytes > 0 || !run.peak_sram_where.empty())
    t.add_row({"SRAM in use, highest",
               fmt::format("{} {}{} (stack {} deep)", format_bytes(run.sram_in_use_peak_bytes),
                           peak_time_text(run, window),
                           run.peak_sram_where.empty() ||
                                   window.phase_of(run.peak_sram_ts) != traces::Phase::Inference
                               ? ""
                               : " in " + run.peak_sram_where,
                           format_bytes(run.stack_peak_bytes))});
  if (run.arena_bytes > 0) t.add_row({kArenaLabel, format_bytes(run.arena_bytes)});
  if (run.flash_ifetch_bytes + run.flash_data_bytes > 0)
    t.add_row({"flash reads",
               fmt::format("{} instructions, {} data", format_bytes(run.flash_ifetch_bytes),
                           flash_data_text(run, run.flash_data_bytes))});
  t.add_row({"cycle model", run.cycle_model});
  t.add_row({"started", run.started_at});
  return t;
}

nlohmann::json run_json(const traces::RunRecord& r) {
  nlohmann::json j{
      {"id", r.id},
      {"name", r.name},
      {"label", run_label(r)},
      {"status", r.status},
      {"target", r.target},
      {"firmware", r.firmware_path},
      {"model", r.model_path.empty() ? nlohmann::json() : nlohmann::json(r.model_path)},
      {"schedule", r.schedule.empty() ? nlohmann::json() : nlohmann::json(r.schedule)},
      {"total_cycles", r.total_cycles},
      {"latency_ms", r.latency_ms()},
      {"clock_hz", r.clock_hz},
      {"instructions", r.instructions},
      {"macs", macs_json(r.macs)},
      {"cycles_per_mac", cycles_per_mac(r.total_cycles, r.macs)},
      {"sram_in_use_peak_bytes", r.sram_in_use_peak_bytes},
      {"peak_sram_cycle", r.peak_sram_ts},
      {"peak_sram_where", r.peak_sram_where},
      {"stack_peak_bytes", r.stack_peak_bytes},
      {"flash_ifetch_bytes", r.flash_ifetch_bytes},
      {"flash_data_bytes",
       r.flash_data_measured ? nlohmann::json(r.flash_data_bytes) : nlohmann::json()},
      {"stop_reason", r.stop_reason},
      {"exit_code", r.exit_code},
      {"fault", r.fault},
      {"started_at", r.started_at}};
  add_figures(run_figures(r), j);
  j["peak_sram_bytes"] = r.peak_sram_bytes;  // as stored (older runs: their own figure)
  return j;
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
          {"latency_ms", l.ms},
          {"share_pct", 100.0 * l.share},
          {"macs", l.macs},
          {"cycles_per_mac", cycles_per_mac(l.cycles, l.macs)},
          {"flash_data_bytes",
           flash_data_measured ? nlohmann::json(l.flash_data_bytes) : nlohmann::json()},
          {"flash_ifetch_bytes", l.flash_ifetch_bytes},
          {"sram_in_use_peak_bytes", l.sram_peak_bytes}};
}

Table layer_table(const traces::RunRecord& run, const std::vector<traces::LayerRow>& layers,
                  TableFormat f) {
  const bool csv = f == TableFormat::Csv;
  Table t(csv ? std::vector<std::string>{"index", "layer", "op", "spans", "cycles", "latency_ms",
                                         "share_pct", "macs", "cycles_per_mac", "flash_data_bytes",
                                         "flash_ifetch_bytes", "sram_in_use_peak_bytes"}
              : std::vector<std::string>{">#", "layer", "op", ">spans", ">cycles", ">ms", ">share",
                                         ">MACs", ">cycles/MAC", ">flash data", ">flash fetch",
                                         ">SRAM in use (peak)"});
  for (const auto& l : layers)
    t.add_row(
        {l.layer_index >= 0 ? std::to_string(l.layer_index) : "", l.name, l.op,
         std::to_string(l.spans), count_cell(l.cycles, f), fixed_cell(l.ms, 3, f),
         pct_cell(100.0 * l.share, f), count_cell(l.macs, f),
         l.macs ? fixed_cell(l.cycles_per_mac, 2, f) : (csv ? "" : "n/a"),
         run.flash_data_measured ? bytes_cell(l.flash_data_bytes, f) : (csv ? "" : "not measured"),
         bytes_cell(l.flash_ifetch_bytes, f), bytes_cell(l.sram_peak_bytes, f)});
  return t;
}

}  // namespace mcuprof::profiler
