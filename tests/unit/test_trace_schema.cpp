// Trace store schema: migration of a version-1 database (made with the version-1 DDL,
// as the walking skeleton wrote it) to the current version without losing its runs, and
// the indexes the queries rely on.
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

}  // namespace

TEST(TraceSchema, MigratesAVersionOneDatabaseKeepingItsRuns) {
  mcuprof::test::ScratchDir dir;
  const auto path = dir / "v1.db";
  make_v1_database(path);
  // Read-only opening refuses to migrate and says how to.
  EXPECT_THROW(TraceStore::open(path, TraceStore::Mode::ReadOnly), TraceError);

  auto store = TraceStore::open(path, TraceStore::Mode::ReadWrite);
  EXPECT_EQ(store.schema_version(), 2);
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
