// Trace store schema: migration of a version-1 database (made with the version-1 DDL,
// as the walking skeleton wrote it) and of a version-2 one to the current version
// without losing their runs, and the indexes the queries rely on.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "mcuprof/traces/store.hpp"
#include "paths.hpp"

using mcuprof::traces::TraceError;
using mcuprof::traces::TraceStore;

namespace {

// The version-1 schema, verbatim from the first release of the store.
constexpr const char* kV1Ddl = R"sql(
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
    PRAGMA user_version = 1;
)sql";

void make_v1_database(const std::filesystem::path& path) {
  SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec(kV1Ddl);
  db.exec(R"sql(
    INSERT INTO runs VALUES (7, 'complete', 'stm32f412', '/fw/a.elf', 'aa', '2026-01-01T00:00:00Z',
                             '0.0.1', 'unit', 100000000, 250000000, 120000000, 'exited', 0, '', '');
    INSERT INTO runs VALUES (9, 'incomplete', 'stm32f746', '/fw/b.elf', 'bb', '2026-01-02T00:00:00Z',
                             '0.0.1', 'unit', 216000000, 5, 5, 'fault', 0, 'unmapped-access', 'x');
    INSERT INTO console VALUES (7, 0, 'itm', 'hello' || char(10)),
                               (7, 1, 'semihosting-stdout', 'bye' || char(10));
  )sql");
}

// The version-1 -> 2 step, verbatim from the release that introduced it.
constexpr const char* kV2Step = R"sql(
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
    )sql";

}  // namespace

// Version 2 -> 3 adds runs.flash_data_measured: runs stored before it never measured
// flash data reads, so they come out "not measured"; new runs say what they did.
TEST(TraceSchema, MigratesAVersionTwoDatabaseMarkingFlashDataNotMeasured) {
  mcuprof::test::ScratchDir dir;
  const auto path = dir / "v2.db";
  make_v1_database(path);
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec(kV2Step);
    db.exec("PRAGMA user_version = 2");
    db.exec("UPDATE runs SET flash_ifetch_bytes = 1234 WHERE id = 7");
  }
  auto store = TraceStore::open(path, TraceStore::Mode::ReadWrite);
  EXPECT_EQ(store.schema_version(), TraceStore::kSchemaVersion);
  const auto old = store.run(7);
  ASSERT_TRUE(old);
  EXPECT_FALSE(old->flash_data_measured);
  EXPECT_EQ(old->flash_ifetch_bytes, 1234u);
  EXPECT_EQ(old->total_cycles, 250'000'000u);
  mcuprof::traces::RunRecord r;
  r.target = "stm32f412";
  r.clock_hz = 1;
  r.flash_data_bytes = 99;
  const auto measured = store.run(store.write_run(r, {}));
  ASSERT_TRUE(measured);
  EXPECT_TRUE(measured->flash_data_measured);
  EXPECT_EQ(measured->flash_data_bytes, 99u);
  r.flash_data_measured = false;
  EXPECT_FALSE(store.run(store.write_run(r, {}))->flash_data_measured);
  SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(raw.execAndGet("PRAGMA integrity_check").getString(), "ok");
}

TEST(TraceSchema, MigratesAVersionOneDatabaseKeepingItsRuns) {
  mcuprof::test::ScratchDir dir;
  const auto path = dir / "v1.db";
  make_v1_database(path);
  // Read-only opening refuses to migrate and says how to.
  EXPECT_THROW(TraceStore::open(path, TraceStore::Mode::ReadOnly), TraceError);

  auto store = TraceStore::open(path, TraceStore::Mode::ReadWrite);
  EXPECT_EQ(store.schema_version(), TraceStore::kSchemaVersion);
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].id, 7);
  EXPECT_EQ(runs[0].target, "stm32f412");
  EXPECT_EQ(runs[0].total_cycles, 250'000'000u);
  EXPECT_EQ(runs[0].instructions, 120'000'000u);
  EXPECT_EQ(runs[0].name, "");
  EXPECT_EQ(runs[0].peak_sram_bytes, 0u);
  EXPECT_EQ(runs[1].status, "incomplete");
  EXPECT_EQ(runs[1].fault, "unmapped-access");
  const auto console = store.console(7);
  ASSERT_EQ(console.size(), 2u);
  EXPECT_EQ(console[1].text, "bye\n");
  EXPECT_TRUE(store.spans(7).empty());
  // The derived latency column was filled from the old figures.
  SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
  EXPECT_DOUBLE_EQ(raw.execAndGet("SELECT latency_ms FROM runs WHERE id = 7").getDouble(), 2500.0);
  EXPECT_EQ(raw.execAndGet("PRAGMA integrity_check").getString(), "ok");
  SQLite::Statement fk(raw, "PRAGMA foreign_key_check");
  EXPECT_FALSE(fk.executeStep()) << "dangling reference after migration";

  // A migrated database takes new runs next to the old ones.
  mcuprof::traces::RunRecord r;
  r.target = "stm32f746";
  r.clock_hz = 1;
  r.name = "after-migration";
  const int64_t id = store.write_run(r, {});
  EXPECT_GT(id, 9);
  EXPECT_EQ(store.find_run("after-migration")->id, id);
  EXPECT_EQ(store.runs().size(), 3u);
}

TEST(TraceSchema, HasTheTablesAndTheIndexesTheQueriesUse) {
  mcuprof::test::ScratchDir dir;
  const auto path = dir / "t.db";
  { TraceStore::open(path, TraceStore::Mode::ReadWrite); }
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  for (const char* table : {"runs", "console", "string", "track", "slice", "arg", "counter"})
    EXPECT_TRUE(db.tableExists(table)) << table;
  const auto plan = [&](const std::string& sql) {
    SQLite::Statement q(db, "EXPLAIN QUERY PLAN " + sql);
    std::string text;
    while (q.executeStep()) text += q.getColumn(3).getString() + "\n";
    return text;
  };
  EXPECT_NE(plan("SELECT ts, value FROM counter WHERE track_id = 1 AND ts >= 5 AND ts < 9")
                .find("counter_track_ts"),
            std::string::npos);
  EXPECT_NE(plan("SELECT * FROM slice WHERE run_id = 1 AND track_id = 2 ORDER BY ts")
                .find("slice_run_track_ts"),
            std::string::npos);
  EXPECT_NE(plan("SELECT * FROM runs WHERE name = 'x'").find("runs_name"), std::string::npos);
}
