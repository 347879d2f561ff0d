// What `report`, `compare` and `plot` share: opening a trace database for reading with
// CLI-grade errors, finding runs, the run summary as a table and as JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "mcuprof/profiler/figures.hpp"
#include "mcuprof/traces/store.hpp"
#include "mcuprof/traces/window.hpp"
#include "table.hpp"

namespace mcuprof::profiler {

// Throws CommandError (66 missing, 65 not a trace database).
traces::TraceStore open_store_for_reading(const std::string& path);
// By id or name; empty: the newest run. Throws CommandError (65) listing what exists.
traces::RunRecord find_run_or_latest(const traces::TraceStore& store,
                                     const std::string& id_or_name);

TableFormat table_format(const std::string& name);
// The stored run's figures (figures.hpp), rebuilt from its columns.
Figures run_figures(const traces::RunRecord& run);
// "N · name · board · schedule": how report, compare and plot name a run.
std::string run_label(const traces::RunRecord& run);
// Times are relative to the run's inference window (0 = inference start).
// `memory_system`: the firmware's caches and flash latency as stored (may be empty).
Table summary_table(const traces::RunRecord& run, const traces::InferenceWindow& window,
                    const std::string& memory_system);
// The run under the keys of `mcuprof run --summary` (same figures, same values).
nlohmann::json run_json(const traces::RunRecord& run);
// Cells of report/compare tables: raw numbers in CSV (unit in the header), readable
// otherwise ("1,234", "12.3 KiB", "4.5 %").
std::string count_cell(uint64_t v, TableFormat f);
std::string bytes_cell(uint64_t v, TableFormat f);
std::string pct_cell(double v, TableFormat f);  // v in percent
std::string fixed_cell(double v, int digits, TableFormat f);
// The per-layer table of a run; CSV headers carry units (cycles, latency_ms, ...).
Table layer_table(const traces::RunRecord& run, const std::vector<traces::LayerRow>& layers,
                  TableFormat f);
// Makes run_json's times relative to the window: peak_sram_cycle from the inference
// start (negative in start-up), peak_sram_phase, inference_window.
void add_time_axis(nlohmann::json& j, const traces::RunRecord& run,
                   const traces::InferenceWindow& window);
// When the SRAM peak happens, inside the window or in the phase around it:
// "at 12.345 ms (cycle 1,234 of the inference)", "during start-up, 0.120 ms (5,000
// cycles) before the inference", "during wind-down, 40 cycles after the inference".
std::string peak_time_text(const traces::RunRecord& run, const traces::InferenceWindow& window);
// Flash data bytes as text, or "not measured" when the run did not count them.
std::string flash_data_text(const traces::RunRecord& run, uint64_t bytes);
// flash_data_bytes is null when not measured.
nlohmann::json layer_json(const traces::LayerRow& layer, bool flash_data_measured = true);

}  // namespace mcuprof::profiler
