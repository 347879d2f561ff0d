// Merging trace databases: every complete run of a source database (its row, tracks,
// spans, arguments, counters, console) and its failed attempts, copied into a destination
// in ONE transaction — a merge killed at any moment (SIGKILL) leaves the destination as it
// was. Runs the destination already has are recognised and skipped. docs/trace-schema.md,
// "Merging databases".
#pragma once

#include <cstdint>
#include <filesystem>
#include <utility>
#include <vector>

namespace mcuprof::traces {

class TraceStore;

struct MergeResult {
  int64_t runs_added = 0;
  int64_t runs_already_present = 0;  // the same run was in the destination
  int64_t runs_incomplete = 0;       // left out: their writer never finished them
  int64_t failures_added = 0;
  int64_t failures_already_present = 0;
  std::vector<std::pair<int64_t, int64_t>> run_ids;  // (source id, destination id)
};

// Copies `source` into `destination` (opened read-write). The source is opened read-only
// first: another program's file, a damaged one, or a schema version other than this
// mcuprof's is refused (InvalidDatabase / TraceError) before anything is written. A run is
// already present when the destination has a run with the same input hash (provenance,
// when set), else with the same name, target, firmware and model hashes, schedule, start
// time and cycles. A failed attempt is already present when the destination has a run or
// an attempt with its input hash (when set), else the same attempt.
MergeResult merge_database(TraceStore& destination, const std::filesystem::path& source);

}  // namespace mcuprof::traces
