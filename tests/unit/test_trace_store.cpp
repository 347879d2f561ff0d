// The trace store: round trip of runs and console, schema version, many runs per
// database, and clear errors for files it must not touch.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <fstream>

#include "mcuprof/traces/store.hpp"
#include "paths.hpp"

using mcuprof::traces::ConsoleChunk;
using mcuprof::traces::RunRecord;
using mcuprof::traces::TraceError;
using mcuprof::traces::TraceStore;

namespace {

RunRecord sample(uint64_t cycles) {
  RunRecord r;
  r.target = "stm32f412";
  r.firmware_path = "/tmp/fw.elf";
  r.firmware_sha256 = std::string(64, 'a');
  r.started_at = "2026-11-28T12:00:00Z";
  r.tool_version = "0.1.0";
  r.cycle_model = "unit";
  r.clock_hz = 100'000'000;
  r.total_cycles = cycles;
  r.instructions = cycles / 2;
  r.stop_reason = "exited";
  r.exit_code = 3;
  return r;
}

}  // namespace

TEST(TraceStore, RoundTripsRunsAndConsole) {
  mcuprof::test::ScratchDir dir;
  const auto path = dir / "t.db";
  int64_t first = 0;
  int64_t second = 0;
  {
    auto store = TraceStore::open(path, TraceStore::Mode::ReadWrite);
    EXPECT_EQ(store.schema_version(), TraceStore::kSchemaVersion);
    first = store.write_run(sample(5'000'000'000ull),
                            {{"itm", "hello\n"}, {"semihosting-stdout", "bye\n"}});
    RunRecord faulty = sample(7);
    faulty.stop_reason = "fault";
    faulty.fault = "unmapped-access";
    faulty.detail = "4-byte read of unmapped address 0x60000000";
    second = store.write_run(faulty, {});
  }
  EXPECT_NE(first, second);

  const auto store = TraceStore::open(path, TraceStore::Mode::ReadOnly);
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].id, first);
  EXPECT_EQ(runs[0].total_cycles, 5'000'000'000ull);  // above 32 bits survives
  EXPECT_EQ(runs[0].instructions, 2'500'000'000ull);
  EXPECT_EQ(runs[0].exit_code, 3);
  EXPECT_EQ(runs[0].firmware_sha256, std::string(64, 'a'));
  EXPECT_EQ(runs[1].fault, "unmapped-access");
  EXPECT_EQ(runs[1].detail, "4-byte read of unmapped address 0x60000000");
  const auto console = store.console(first);
  ASSERT_EQ(console.size(), 2u);
  EXPECT_EQ(console[0].source, "itm");
  EXPECT_EQ(console[0].text, "hello\n");
  EXPECT_EQ(console[1].text, "bye\n");
  EXPECT_TRUE(store.console(second).empty());
  EXPECT_FALSE(store.run(9999).has_value());
}

TEST(TraceStore, SchemaVersionIsRecordedAndNewerDatabasesAreRefused) {
  mcuprof::test::ScratchDir dir;
  const auto path = dir / "t.db";
  { TraceStore::open(path, TraceStore::Mode::ReadWrite); }
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), TraceStore::kSchemaVersion);
    EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
    db.exec("PRAGMA user_version = 999");
  }
  EXPECT_THROW(TraceStore::open(path, TraceStore::Mode::ReadWrite), TraceError);
  EXPECT_THROW(TraceStore::open(path, TraceStore::Mode::ReadOnly), TraceError);
}

TEST(TraceStore, RefusesFilesThatAreNotDatabasesAndLeavesThemAlone) {
  mcuprof::test::ScratchDir dir;
  const auto path = dir / "notes.txt";
  const std::string text(4096, 'x');
  std::ofstream(path) << text;
  EXPECT_THROW(TraceStore::open(path, TraceStore::Mode::ReadWrite), TraceError);
  std::ifstream in(path);
  std::string after((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(after, text);
  EXPECT_THROW(TraceStore::open(dir / "missing.db", TraceStore::Mode::ReadOnly), TraceError);
  EXPECT_THROW(TraceStore::open(dir / "no/such/dir/t.db", TraceStore::Mode::ReadWrite), TraceError);
}
