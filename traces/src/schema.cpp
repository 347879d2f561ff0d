// Schema migrations (docs/trace-schema.md). Each entry of kMigrations turns version
// i into version i+1; never edit a released step, add a new one.
#include "schema.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <array>

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
};

}  // namespace

void migrate(SQLite::Database& db, const char* path_for_errors) {
  const int version = db.execAndGet("PRAGMA user_version").getInt();
  if (version > TraceStore::kSchemaVersion)
    throw TraceError(fmt::format(
        "{}: trace database schema version {} is newer than this mcuprof supports ({})",
        path_for_errors, version, TraceStore::kSchemaVersion));
  if (version == TraceStore::kSchemaVersion) return;
  SQLite::Transaction tx(db);
  for (int v = version; v < TraceStore::kSchemaVersion; ++v) db.exec(kMigrations[static_cast<size_t>(v)]);
  db.exec(fmt::format("PRAGMA user_version = {}", TraceStore::kSchemaVersion));
  tx.commit();
}

}  // namespace mcuprof::traces
