// The SQLite trace store: one database holds many runs so they can be compared.
// Schema (docs/trace-schema.md) is versioned with PRAGMA user_version and migrated
// forward on open. A run is written in a single transaction (RunWriter, writer.hpp): a
// run is either wholly in the database, or not at all, or (when its writer announced it
// early) present with status 'incomplete'. This class is also the reader/query API used
// by the CLI and the GUI. Knows nothing of Unicorn or Qt.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mcuprof/traces/records.hpp"

namespace SQLite {
class Database;
}

namespace mcuprof::traces {

class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The file is not a trace database this mcuprof can use: another program's SQLite file,
// a newer schema, or a damaged file (corrupted, truncated, not a database at all). When
// open() throws it, nothing was written to the file.
class InvalidDatabase : public TraceError {
 public:
  using TraceError::TraceError;
};

// The database cannot be written: no permission, a read-only folder, or a lock another
// process held longer than the busy timeout.
class UnwritableDatabase : public TraceError {
 public:
  using TraceError::TraceError;
};

// Which spans of a run to read; empty fields match everything.
struct SpanFilter {
  std::string track;
  std::string kind;
};

// One pixel column of a counter plot: the range of the (step-function) counter over
// [ts_begin, ts_end). has_value is false before the counter's first sample.
struct CounterColumn {
  uint64_t ts_begin = 0;
  uint64_t ts_end = 0;
  bool has_value = false;
  int64_t min = 0;
  int64_t max = 0;
};

// One row of the per-layer table: a layer, or all the pieces of a layer run inside
// patches (layer-in-patch spans with the same layer index) added up.
struct LayerRow {
  int64_t layer_index = -1;  // -1 when the spans carry none
  std::string name;
  std::string op;
  uint64_t spans = 0;  // 1 for a layer-wise layer, the number of patches otherwise
  uint64_t cycles = 0;
  double ms = 0;
  double share = 0;  // of the run's total cycles, 0..1
  uint64_t macs = 0;
  double cycles_per_mac = 0;  // 0 when the layer has no MACs
  uint64_t flash_data_bytes = 0;
  uint64_t flash_ifetch_bytes = 0;
  uint64_t sram_peak_bytes = 0;  // the highest peak among its spans
};

struct PatchRow {
  std::string name;
  int64_t patch_row = -1;
  int64_t patch_col = -1;
  uint64_t ts = 0;  // start, cycles from the inference start (window.hpp)
  uint64_t cycles = 0;
  double ms = 0;
  double share = 0;
  uint64_t macs = 0;
  uint64_t flash_data_bytes = 0;
  uint64_t flash_ifetch_bytes = 0;
  uint64_t sram_peak_bytes = 0;
};

// One function of a run's calling-context tree (the "functions" track), all its call
// paths added up. Inclusive figures count each outermost activation once (a recursive
// call inside its own subtree is not added again).
struct FunctionRow {
  std::string name;
  uint64_t calls = 0;
  uint64_t self_cycles = 0;  // exclusive
  uint64_t cycles = 0;       // inclusive
  double self_share = 0;     // of the run's total cycles, 0..1
  double share = 0;
  uint64_t self_instructions = 0;
  uint64_t instructions = 0;
  uint64_t flash_ifetch_bytes = 0;  // inclusive
  uint64_t flash_data_bytes = 0;    // inclusive
};

// Two runs side by side. Layers are matched by `match`, the op and its index among the
// layers of that op in the run ("CONV_2D #3": the 4th CONV_2D of A with the 4th of B), so
// two different models compare layer for layer; a layer present in only one run has the
// other side empty. `layer_index` and `name` are A's (B's when A has no such layer).
struct LayerPair {
  std::string match;
  int64_t layer_index = -1;
  std::string name;
  std::optional<LayerRow> a;
  std::optional<LayerRow> b;
};
struct RunComparison {
  RunRecord a;
  RunRecord b;
  std::vector<LayerPair> layers;
};

class TraceStore {
 public:
  static constexpr int kSchemaVersion = 5;
  enum class Mode { ReadOnly, ReadWrite };

  // Identifies the file without writing to it first (docs/trace-schema.md): another
  // program's file or a newer schema is refused untouched (InvalidDatabase). ReadWrite
  // then creates or migrates the schema in one IMMEDIATE transaction (race-free with
  // other writers), proves the file writable (UnwritableDatabase) and checks its pages
  // (PRAGMA quick_check). Throws TraceError naming the path and the problem.
  static TraceStore open(const std::filesystem::path& path, Mode mode);

  TraceStore(TraceStore&&) noexcept;
  TraceStore& operator=(TraceStore&&) noexcept;
  ~TraceStore();

  // Writes the run (status 'complete') and its console in one transaction; returns the
  // run's id. (A RunWriter without spans or counters.)
  int64_t write_run(const RunRecord& run, const std::vector<ConsoleChunk>& console);

  // Sets a stored run's provenance (input hash, job, task, host). False when no such run.
  bool set_provenance(int64_t run_id, const Provenance& provenance);
  // Records an attempt that stored no run; returns its id.
  int64_t add_failure(const FailureRecord& failure);
  // Forgets the attempts with this input hash (before they are made again); returns how many.
  int64_t remove_failures(std::string_view input_hash);
  // Attempts that stored no run, oldest first.
  std::vector<FailureRecord> failures() const;

  // Runs, oldest first, with their summary figures.
  std::vector<RunRecord> runs() const;
  std::optional<RunRecord> run(int64_t id) const;
  // A run by id ("12") or by name (the newest run of that name).
  std::optional<RunRecord> find_run(std::string_view id_or_name) const;
  std::vector<ConsoleChunk> console(int64_t run_id) const;
  std::vector<TrackInfo> tracks(int64_t run_id) const;

  // Spans ordered by track, then start, then depth (parents before their children).
  std::vector<Span> spans(int64_t run_id, const SpanFilter& filter = {}) const;
  // Stored samples of a counter track with from <= ts < to, in time order, preceded by
  // the last sample before `from` (the value in force at `from`) when there is one.
  std::vector<CounterPoint> counters(int64_t run_id, std::string_view track, uint64_t from = 0,
                                     uint64_t to = UINT64_MAX) const;
  // The counter over [from, to) cut into `columns` equal columns, min and max per column
  // (for plots: one column per pixel, no peak lost).
  std::vector<CounterColumn> counter_columns(int64_t run_id, std::string_view track, uint64_t from,
                                             uint64_t to, size_t columns) const;

  std::vector<LayerRow> layer_table(int64_t run_id) const;
  std::vector<PatchRow> patch_table(int64_t run_id) const;
  // Most exclusive cycles first; empty when the run has no "functions" track.
  std::vector<FunctionRow> function_table(int64_t run_id) const;
  RunComparison compare(int64_t run_a, int64_t run_b) const;

  int schema_version() const;
  const std::filesystem::path& path() const { return path_; }
  // The connection, for the traces library itself (writer, exporters).
  SQLite::Database& database() const { return *db_; }

 private:
  TraceStore(std::filesystem::path path, std::unique_ptr<SQLite::Database> db);

  std::filesystem::path path_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace mcuprof::traces
