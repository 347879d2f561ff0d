// What `report`, `compare` and `plot` share: opening a trace database for reading with
// CLI-grade errors, finding runs, the run summary as a table and as JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "mcuprof/traces/store.hpp"
#include "table.hpp"

namespace mcuprof::profiler {

// Throws CommandError (66 missing, 65 not a trace database).
traces::TraceStore open_store_for_reading(const std::string& path);
// By id or name; empty: the newest run. Throws CommandError (65) listing what exists.
traces::RunRecord find_run_or_latest(const traces::TraceStore& store,
                                     const std::string& id_or_name);

TableFormat table_format(const std::string& name);
Table summary_table(const traces::RunRecord& run);
nlohmann::json run_json(const traces::RunRecord& run);
// Flash data bytes as text, or "not measured" when the run did not count them.
std::string flash_data_text(const traces::RunRecord& run, uint64_t bytes);
// flash_data_bytes is null when not measured.
nlohmann::json layer_json(const traces::LayerRow& layer, bool flash_data_measured = true);

}  // namespace mcuprof::profiler
