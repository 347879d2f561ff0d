// Schema migrations (docs/trace-schema.md). Each entry of kMigrations turns version
// i into version i+1; never edit a released step, add a new one. The caller (open.cpp)
// runs them inside its write transaction.
#include "schema.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <regex>

#include "mcuprof/traces/store.hpp"

namespace mcuprof::traces {
namespace {

constexpr std::array<const char*, TraceStore::kSchemaVersion> kMigrations = {
    // 0 -> 1: runs and their console output.
    R"sql(
    CREATE TABLE runs (
      id              INTEGER PRIMARY KEY,
      status          TEXT    NOT NULL CHECK (status IN ('complete', 'incomplete')),
      target          TEXT    NOT NULL,
      firmware_path   TEXT    NOT NULL,
      firmware_sha256 TEXT    NOT NULL,
      started_at      TEXT    NOT NULL,
      tool_version    TEXT    NOT NULL,
      cycle_model     TEXT    NOT NULL,
      clock_hz        INTEGER NOT NULL,
      total_cycles    INTEGER NOT NULL,
      instructions    INTEGER NOT NULL,
      stop_reason     TEXT    NOT NULL,
      exit_code       INTEGER NOT NULL,
      fault           TEXT    NOT NULL DEFAULT '',
      detail          TEXT    NOT NULL DEFAULT ''
    );
    CREATE TABLE console (
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      seq    INTEGER NOT NULL,
      source TEXT    NOT NULL,
      text   TEXT    NOT NULL,
      PRIMARY KEY (run_id, seq)
    ) WITHOUT ROWID;
    )sql",
    // 1 -> 2: run summary figures; interned strings, tracks, spans (slice), their
    // arguments and counters, after Perfetto's trace processor tables.
    R"sql(
    ALTER TABLE runs ADD COLUMN name               TEXT    NOT NULL DEFAULT '';
    ALTER TABLE runs ADD COLUMN model_path         TEXT    NOT NULL DEFAULT '';
    ALTER TABLE runs ADD COLUMN model_sha256       TEXT    NOT NULL DEFAULT '';
    ALTER TABLE runs ADD COLUMN schedule           TEXT    NOT NULL DEFAULT '';
    ALTER TABLE runs ADD COLUMN latency_ms         REAL    NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN peak_sram_bytes    INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN peak_sram_ts       INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN peak_sram_where    TEXT    NOT NULL DEFAULT '';
    ALTER TABLE runs ADD COLUMN arena_bytes        INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN macs               INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN flash_ifetch_bytes INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN flash_data_bytes   INTEGER NOT NULL DEFAULT 0;
    UPDATE runs SET latency_ms = total_cycles * 1000.0 / clock_hz WHERE clock_hz > 0;
    CREATE INDEX runs_name ON runs(name);

    CREATE TABLE string (
      id  INTEGER PRIMARY KEY,
      str TEXT NOT NULL UNIQUE
    );
    CREATE TABLE track (
      id             INTEGER PRIMARY KEY,
      run_id         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      name_id        INTEGER NOT NULL REFERENCES string(id),
      type           TEXT    NOT NULL CHECK (type IN ('slice', 'counter')),
      unit           TEXT    NOT NULL DEFAULT '',
      exact_samples  INTEGER NOT NULL DEFAULT 0,
      stored_samples INTEGER NOT NULL DEFAULT 0,
      UNIQUE (run_id, name_id)
    );
    CREATE TABLE slice (
      id                 INTEGER PRIMARY KEY,
      run_id             INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      track_id           INTEGER NOT NULL REFERENCES track(id) ON DELETE CASCADE,
      ts                 INTEGER NOT NULL,
      dur                INTEGER NOT NULL,
      depth              INTEGER NOT NULL,
      parent_id          INTEGER REFERENCES slice(id),
      name_id            INTEGER NOT NULL REFERENCES string(id),
      category_id        INTEGER NOT NULL REFERENCES string(id),
      cycles             INTEGER NOT NULL DEFAULT 0,
      self_cycles        INTEGER,
      instructions       INTEGER NOT NULL DEFAULT 0,
      flash_ifetch_bytes INTEGER NOT NULL DEFAULT 0,
      flash_data_bytes   INTEGER NOT NULL DEFAULT 0,
      sram_peak_bytes    INTEGER NOT NULL DEFAULT 0,
      macs               INTEGER NOT NULL DEFAULT 0,
      op_id              INTEGER REFERENCES string(id),
      layer_index        INTEGER,
      patch_row          INTEGER,
      patch_col          INTEGER
    );
    CREATE INDEX slice_run_track_ts ON slice(run_id, track_id, ts);
    CREATE INDEX slice_run_category ON slice(run_id, category_id, layer_index);
    CREATE INDEX slice_parent ON slice(parent_id);
    CREATE TABLE arg (
      slice_id INTEGER NOT NULL REFERENCES slice(id) ON DELETE CASCADE,
      key_id   INTEGER NOT NULL REFERENCES string(id),
      value,
      PRIMARY KEY (slice_id, key_id)
    ) WITHOUT ROWID;
    CREATE TABLE counter (
      id       INTEGER PRIMARY KEY,
      track_id INTEGER NOT NULL REFERENCES track(id) ON DELETE CASCADE,
      ts       INTEGER NOT NULL,
      value    INTEGER NOT NULL
    );
    CREATE INDEX counter_track_ts ON counter(track_id, ts);
    )sql",
    // 2 -> 3: whether the run measured flash data reads (runs before this version never
    // did: their 0 meant "not measured"; `mcuprof run --no-flash-data` does not either).
    R"sql(
    ALTER TABLE runs ADD COLUMN flash_data_measured INTEGER NOT NULL DEFAULT 0;
    )sql",
    // 3 -> 4: the parts of peak SRAM and of flash, and the board's sizes, under the keys
    // of `mcuprof run --summary` (docs/cli.md, "Figures"). Older runs keep 0: not stored.
    R"sql(
    ALTER TABLE runs ADD COLUMN static_sram_bytes      INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN kernel_scratch_bytes   INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN stack_bytes            INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN stack_peak_bytes       INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN sram_in_use_peak_bytes INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN sram_bytes             INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN flash_bytes            INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN firmware_flash_bytes   INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN model_flash_bytes      INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN flash_size_bytes       INTEGER NOT NULL DEFAULT 0;
    )sql",
    // 4 -> 5: provenance of a run (the hash of its inputs; the job, task and host that
    // made it: plain strings, whatever made them), and the attempts that stored no run.
    R"sql(
    ALTER TABLE runs ADD COLUMN input_hash TEXT NOT NULL DEFAULT '';
    ALTER TABLE runs ADD COLUMN job_id     TEXT NOT NULL DEFAULT '';
    ALTER TABLE runs ADD COLUMN task_id    TEXT NOT NULL DEFAULT '';
    ALTER TABLE runs ADD COLUMN host       TEXT NOT NULL DEFAULT '';
    CREATE INDEX runs_input_hash ON runs(input_hash);
    CREATE TABLE failed_run (
      id         INTEGER PRIMARY KEY,
      name       TEXT    NOT NULL DEFAULT '',
      target     TEXT    NOT NULL DEFAULT '',
      model_path TEXT    NOT NULL DEFAULT '',
      schedule   TEXT    NOT NULL DEFAULT '',
      exit_code  INTEGER NOT NULL,
      reason     TEXT    NOT NULL,
      started_at TEXT    NOT NULL,
      input_hash TEXT    NOT NULL DEFAULT '',
      job_id     TEXT    NOT NULL DEFAULT '',
      task_id    TEXT    NOT NULL DEFAULT '',
      host       TEXT    NOT NULL DEFAULT ''
    );
    CREATE INDEX failed_run_input_hash ON failed_run(input_hash);
    )sql",
};

}  // namespace

void migrate_from(SQLite::Database& db, int version) {
  for (int v = version; v < TraceStore::kSchemaVersion; ++v)
    db.exec(kMigrations[static_cast<size_t>(v)]);
  db.exec(fmt::format("PRAGMA application_id = {}", kApplicationId));
  db.exec(fmt::format("PRAGMA user_version = {}", TraceStore::kSchemaVersion));
}

std::vector<std::string> tables_of_version(int version) {
  static const std::regex create(R"(CREATE TABLE (\w+))");
  std::vector<std::string> tables;
  const int last = std::min(version, TraceStore::kSchemaVersion);
  for (int v = 0; v < last; ++v) {
    const std::string step = kMigrations[static_cast<size_t>(v)];
    for (std::sregex_iterator it(step.begin(), step.end(), create), end; it != end; ++it)
      tables.push_back((*it)[1].str());
  }
  return tables;
}

}  // namespace mcuprof::traces
