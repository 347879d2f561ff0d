// Opening the trace store (traces/src/open.cpp): concurrent creators of a new database
// all land their runs; another program's SQLite file, a newer schema and damaged files
// are refused without a byte written or a -wal/-shm file left; older mcuprof databases
// are still migrated and stamped with our application_id; an unwritable one is found at
// open. Every file here is crafted by the test.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>

#include "files.hpp"
#include "mcuprof/traces/store.hpp"
#include "paths.hpp"
#include "synthetic_run.hpp"

using namespace mcuprof::traces;
namespace fs = std::filesystem;

namespace {

constexpr int kOurApplicationId = 0x4D435046;  // "MCPF", docs/trace-schema.md

pid_t spawn_one_run_writer(const fs::path& db, uint32_t seed) {
  const std::string program = MCUPROF_TRACE_WRITER_CHILD;
  const std::string db_arg = db.string();
  const std::string seed_arg = std::to_string(seed);
  const pid_t pid = fork();
  if (pid == 0) {
    execl(program.c_str(), program.c_str(), db_arg.c_str(), seed_arg.c_str(), "1",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// Nothing beside the file: no -wal, -shm or -journal.
void expect_no_companions(const fs::path& db) {
  for (const char* suffix : {"-wal", "-shm", "-journal"})
    EXPECT_FALSE(fs::exists(db.string() + suffix)) << db << suffix << " was created";
}

// Expects open() in both modes to throw InvalidDatabase mentioning `fragment`, with the
// file's bytes unchanged and nothing created beside it.
void expect_refused_untouched(const fs::path& db, const std::string& fragment) {
  const auto before = mcuprof::test::read_bytes(db);
  for (const auto mode : {TraceStore::Mode::ReadWrite, TraceStore::Mode::ReadOnly}) {
    try {
      TraceStore::open(db, mode);
      ADD_FAILURE() << db << " was opened";
    } catch (const InvalidDatabase& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(fragment), std::string::npos) << what;
      EXPECT_EQ(what.find("migrate"), std::string::npos) << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  }
  EXPECT_EQ(mcuprof::test::read_bytes(db), before) << db << " was modified";
  expect_no_companions(db);
}

RunRecord a_run() {
  return mcuprof::test::make_synthetic_run({}).record;
}

// A valid database with a few runs, checkpointed into the main file and closed.
void make_database(const fs::path& db, int runs) {
  auto store = TraceStore::open(db, TraceStore::Mode::ReadWrite);
  for (int i = 0; i < runs; ++i) {
    mcuprof::test::SyntheticOptions o;
    o.seed = static_cast<uint32_t>(i + 1);
    const auto run = mcuprof::test::make_synthetic_run(o);
    RunWriter writer(store, run.record);
    run.write_to(writer);
    writer.finish();
  }
}

void expect_not_valid(const fs::path& db) {
  try {
    // Read-only, the damage may only show when the pages are read.
    const auto store = TraceStore::open(db, TraceStore::Mode::ReadOnly);
    for (const auto& r : store.runs()) (void)store.spans(r.id);
    ADD_FAILURE() << db << " read without an error";
  } catch (const InvalidDatabase& e) {
    EXPECT_NE(std::string(e.what()).find("not a valid mcuprof trace database (SQLite: "),
              std::string::npos)
        << e.what();
  }
  try {
    TraceStore::open(db, TraceStore::Mode::ReadWrite);
    ADD_FAILURE() << db << " opened read-write";
  } catch (const InvalidDatabase& e) {
    EXPECT_NE(std::string(e.what()).find("not a valid mcuprof trace database (SQLite: "),
              std::string::npos)
        << e.what();
  }
}

}  // namespace

TEST(TraceOpen, ConcurrentCreatorsOfANewDatabaseAllLandTheirRuns) {
  for (const int writers : {5, 10}) {
    for (int round = 0; round < 3; ++round) {
      mcuprof::test::ScratchDir dir;
      const auto db = dir / "new.db";
      std::vector<pid_t> children;
      for (int i = 0; i < writers; ++i)
        children.push_back(spawn_one_run_writer(db, static_cast<uint32_t>(100 * i + 1)));
      for (const pid_t child : children) {
        ASSERT_GT(child, 0);
        int status = 0;
        ASSERT_EQ(waitpid(child, &status, 0), child);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
            << writers << " writers, round " << round << ": a writer failed, status " << status;
      }
      const auto store = TraceStore::open(db, TraceStore::Mode::ReadOnly);
      EXPECT_EQ(store.runs().size(), static_cast<size_t>(writers)) << "round " << round;
      SQLite::Database raw(db.string(), SQLite::OPEN_READONLY);
      EXPECT_EQ(raw.execAndGet("PRAGMA application_id").getInt(), kOurApplicationId);
      EXPECT_EQ(raw.execAndGet("PRAGMA integrity_check").getString(), "ok");
    }
  }
}

TEST(TraceOpen, NewDatabasesCarryTheApplicationIdAndWal) {
  mcuprof::test::ScratchDir dir;
  const auto db = dir / "t.db";
  { TraceStore::open(db, TraceStore::Mode::ReadWrite); }
  SQLite::Database raw(db.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(raw.execAndGet("PRAGMA application_id").getInt(), kOurApplicationId);
  EXPECT_EQ(raw.execAndGet("PRAGMA user_version").getInt(), TraceStore::kSchemaVersion);
  EXPECT_EQ(raw.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST(TraceOpen, AnEmptyFileBecomesATraceDatabase) {
  mcuprof::test::ScratchDir dir;
  const auto db = dir / "empty.db";
  mcuprof::test::write_bytes(db, {});
  auto store = TraceStore::open(db, TraceStore::Mode::ReadWrite);
  EXPECT_GT(store.write_run(a_run(), {}), 0);
}

TEST(TraceOpen, AnotherProgramsSqliteFileIsRefusedWithoutAWrite) {
  mcuprof::test::ScratchDir dir;
  // Tables, no application_id, rollback journal (SQLite's default).
  const auto plain = dir / "notes.db";
  {
    SQLite::Database other(plain.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    other.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)");
    other.exec("INSERT INTO notes (text) VALUES ('keep me')");
  }
  expect_refused_untouched(plain,
                           "not an mcuprof trace database (another program's tables: notes)");

  // Its own application_id, even with a table called runs.
  const auto tagged = dir / "tagged.db";
  {
    SQLite::Database other(tagged.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    other.exec("PRAGMA application_id = 305419896");  // 0x12345678
    other.exec("CREATE TABLE runs (x)");
  }
  expect_refused_untouched(tagged, "application_id 0x12345678");

  // A WAL-mode file nobody has open: not even a -shm file appears.
  const auto wal = dir / "wal.db";
  {
    SQLite::Database other(wal.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    other.exec("PRAGMA journal_mode = WAL");
    other.exec("CREATE TABLE runs (id INTEGER PRIMARY KEY)");
    other.exec("PRAGMA user_version = 3");
  }
  expect_refused_untouched(wal, "another program's tables: runs");
}

TEST(TraceOpen, ANewerSchemaIsRefusedWithoutAWrite) {
  mcuprof::test::ScratchDir dir;
  const auto db = dir / "newer.db";
  make_database(db, 1);
  {
    SQLite::Database raw(db.string(), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA journal_mode = DELETE");  // opening read-write once switched it to WAL
    raw.exec("PRAGMA user_version = 999");
  }
  expect_refused_untouched(db, "schema version 999 is newer than this mcuprof supports");
}

TEST(TraceOpen, OlderMcuprofDatabasesWithoutApplicationIdAreMigratedAndStamped) {
  mcuprof::test::ScratchDir dir;
  const auto db = dir / "old.db";
  make_database(db, 2);
  {
    SQLite::Database raw(db.string(), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA application_id = 0");  // as every database before application_id
  }
  {
    const auto reader = TraceStore::open(db, TraceStore::Mode::ReadOnly);  // still readable
    EXPECT_EQ(reader.runs().size(), 2u);
  }
  auto store = TraceStore::open(db, TraceStore::Mode::ReadWrite);
  EXPECT_EQ(store.runs().size(), 2u);
  EXPECT_EQ(store.database().execAndGet("PRAGMA application_id").getInt(), kOurApplicationId);
}

TEST(TraceOpen, DamagedFilesAreNotValidTraceDatabases) {
  mcuprof::test::ScratchDir dir;
  std::mt19937 rng(20261202);
  const auto random_bytes = [&](size_t n) {
    std::vector<uint8_t> b(n);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    return b;
  };

  const auto noise = dir / "noise.db";  // not a database at all
  mcuprof::test::write_bytes(noise, random_bytes(8192));
  expect_not_valid(noise);
  EXPECT_EQ(mcuprof::test::read_bytes(noise).size(), 8192u);

  const auto valid = dir / "valid.db";
  make_database(valid, 3);
  const auto good = mcuprof::test::read_bytes(valid);
  const size_t page = 4096;
  ASSERT_GT(good.size(), 4 * page);

  const auto stub = dir / "stub.db";  // the magic, then nothing
  mcuprof::test::write_bytes(stub, std::span(good).first(50));
  expect_not_valid(stub);

  const auto truncated = dir / "truncated.db";  // page 1 and half of page 2
  mcuprof::test::write_bytes(truncated, std::span(good).first(page + page / 2));
  expect_not_valid(truncated);

  const auto scrambled = dir / "scrambled.db";  // random bytes over every page but the first
  auto bytes = good;
  const auto junk = random_bytes(bytes.size() - page);
  std::copy(junk.begin(), junk.end(), bytes.begin() + page);
  mcuprof::test::write_bytes(scrambled, bytes);
  expect_not_valid(scrambled);
}

TEST(TraceOpen, AnUnwritableDatabaseIsFoundAtOpen) {
  mcuprof::test::ScratchDir dir;
  const auto db = dir / "t.db";
  make_database(db, 1);
  // A -wal that cannot be created (a folder in its place) stops any write, even as root.
  fs::create_directory(db.string() + "-wal");
  EXPECT_THROW(TraceStore::open(db, TraceStore::Mode::ReadWrite), UnwritableDatabase);
}

TEST(TraceOpen, AReadOnlyDatabaseIsFoundAtOpen) {
  if (geteuid() == 0) GTEST_SKIP() << "running as root: file modes do not stop writes";
  mcuprof::test::ScratchDir dir;
  const auto db = dir / "t.db";
  make_database(db, 1);
  fs::permissions(db, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  EXPECT_THROW(TraceStore::open(db, TraceStore::Mode::ReadWrite), UnwritableDatabase);
  EXPECT_EQ(TraceStore::open(db, TraceStore::Mode::ReadOnly).runs().size(), 1u);
}
