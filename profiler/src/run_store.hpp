// The run's trace database, for both run forms: opened for writing (and so proven
// writable) before the machine starts, and the results kept in a summary file when the
// final write still fails. See docs/cli.md, "Trace database errors".
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "mcuprof/profiler/run.hpp"
#include "mcuprof/traces/store.hpp"

namespace mcuprof::profiler {

// Throws CommandError: status 65 for a file that is not a usable trace database
// (foreign, newer, damaged: left untouched), 73 for one that cannot be written.
traces::TraceStore open_store_for_writing(const std::filesystem::path& database);

// Why the final write of a run failed, with its exit status (65 damaged, else 74).
struct StoreFailure {
  int status = 0;
  std::string message;
};
StoreFailure store_failure(const traces::TraceError& e);

// After the summary is complete: writes it where it was not asked for (beside the
// database, else in the temporary folder) and returns the one-line error that says the
// run was not stored and where its results are.
CommandError keep_unstored_run(const StoreFailure& failure,
                               const std::optional<std::filesystem::path>& summary_path,
                               const std::filesystem::path& database, const nlohmann::json& s);

}  // namespace mcuprof::profiler
