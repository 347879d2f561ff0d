// The trace database as `mcuprof` users meet it (issue 13): simultaneous `run --db` on a
// database that does not exist yet all land; another program's file or a newer schema
// is refused untouched (status 65); a damaged file is "not a valid mcuprof trace
// database" for report/compare/export/plot/run (status 65), never an internal error or
// the output's fault; an unwritable database stops a run before the machine starts (73);
// a final write that fails still leaves the summary and says where (74). Crafted files.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>

#include "files.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;
namespace exit_code = mcuprof::profiler::exit_code;
namespace fs = std::filesystem;

namespace {

test::ProcessResult cli(std::vector<std::string> args) {
  args.insert(args.begin(), test::mcuprof_binary().string());
  return test::run_process(args);
}

// Starts `mcuprof ARGS` with its output thrown away; returns the pid.
pid_t spawn_cli(const std::vector<std::string>& args) {
  std::vector<std::string> argv{test::mcuprof_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    std::vector<char*> c;
    for (auto& a : argv) c.push_back(a.data());
    c.push_back(nullptr);
    execv(c[0], c.data());
    _exit(127);
  }
  return pid;
}

int64_t run_count(const fs::path& db) {
  SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
  return d.execAndGet("SELECT count(*) FROM runs").getInt64();
}

bool one_line(const std::string& s) {
  return !s.empty() && s.find('\n') == s.size() - 1;
}

void expect_no_companions(const fs::path& db) {
  for (const char* suffix : {"-wal", "-shm", "-journal"})
    EXPECT_FALSE(fs::exists(db.string() + suffix)) << db << suffix << " was created";
}

class CliDatabase : public ::testing::Test {
 protected:
  void SetUp() override {
    elf_ = test::test_firmware("stm32f412", "itm_exit");
    if (!fs::exists(elf_)) GTEST_SKIP() << "missing firmware " << elf_;
  }
  // itm_exit prints "hello from ITM" and exits 42.
  test::ProcessResult run_on(const fs::path& db, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"run",         "--target", "stm32f412",
                                  elf_.string(), "--db",     db.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return cli(args);
  }
  // A database with two stored runs of itm_exit.
  void make_database(const fs::path& db) const {
    ASSERT_EQ(run_on(db).status, 42);
    ASSERT_EQ(run_on(db).status, 42);
  }
  fs::path elf_;
};

}  // namespace

TEST_F(CliDatabase, SimultaneousRunsOnANewDatabaseAllLand) {
  for (const int runs : {5, 10}) {
    test::ScratchDir dir;
    const auto db = dir / "new.db";
    std::vector<pid_t> pids;
    for (int i = 0; i < runs; ++i)
      pids.push_back(
          spawn_cli({"run", "--target", "stm32f412", elf_.string(), "--db", db.string()}));
    for (const pid_t pid : pids) {
      ASSERT_GT(pid, 0);
      int status = 0;
      ASSERT_EQ(waitpid(pid, &status, 0), pid);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 42)
          << runs << " runs: one ended with status " << status;
    }
    EXPECT_EQ(run_count(db), runs);
  }
}

TEST_F(CliDatabase, AnotherProgramsFileIsRefusedUntouched) {
  test::ScratchDir dir;
  const auto db = dir / "contacts.db";
  {
    SQLite::Database other(db.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    other.exec("CREATE TABLE contacts (name TEXT, phone TEXT)");
    other.exec("INSERT INTO contacts VALUES ('Ada', '555')");
  }
  const auto before = test::read_bytes(db);
  const auto r = run_on(db);
  EXPECT_EQ(r.status, exit_code::kDataError) << r.err;
  EXPECT_TRUE(one_line(r.err)) << r.err;
  EXPECT_NE(r.err.find("not an mcuprof trace database"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("hello from ITM"), std::string::npos) << "the firmware ran";
  const auto report = cli({"report", db.string()});
  EXPECT_EQ(report.status, exit_code::kDataError) << report.err;
  EXPECT_TRUE(one_line(report.err)) << report.err;
  EXPECT_EQ(report.err.find("migrate"), std::string::npos) << report.err;
  EXPECT_EQ(test::read_bytes(db), before) << "the file was modified";
  expect_no_companions(db);
}

TEST_F(CliDatabase, ANewerSchemaIsRefusedUntouched) {
  test::ScratchDir dir;
  const auto db = dir / "newer.db";
  make_database(db);
  {
    SQLite::Database raw(db.string(), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA journal_mode = DELETE");
    raw.exec("PRAGMA user_version = 99");
  }
  const auto before = test::read_bytes(db);
  const auto r = run_on(db);
  EXPECT_EQ(r.status, exit_code::kDataError) << r.err;
  EXPECT_TRUE(one_line(r.err)) << r.err;
  EXPECT_NE(r.err.find("newer"), std::string::npos) << r.err;
  EXPECT_EQ(test::read_bytes(db), before) << "the file was modified";
  expect_no_companions(db);
}

TEST_F(CliDatabase, DamagedDatabasesAreNotValidForEveryCommand) {
  test::ScratchDir dir;
  const auto valid = dir / "valid.db";
  make_database(valid);
  const auto good = test::read_bytes(valid);
  ASSERT_GT(good.size(), 3 * 4096u);
  std::mt19937 rng(13);
  std::map<std::string, std::vector<uint8_t>> damaged;
  damaged["truncated"] = {good.begin(), good.begin() + 4096 + 1000};
  auto scrambled = good;
  for (size_t i = 4096; i < scrambled.size(); ++i) scrambled[i] = static_cast<uint8_t>(rng());
  damaged["scrambled"] = scrambled;
  std::vector<uint8_t> noise(6000);
  for (auto& b : noise) b = static_cast<uint8_t>(rng());
  damaged["noise"] = noise;

  const bool has_plot = cli({"plot", "--help"}).status == 0;
  for (const auto& [kind, bytes] : damaged) {
    SCOPED_TRACE(kind);
    const auto db = dir / (kind + ".db");
    test::write_bytes(db, bytes);
    const auto out = dir / (kind + ".json");
    std::vector<std::pair<std::string, test::ProcessResult>> results{
        {"report", cli({"report", db.string()})},
        {"compare", cli({"compare", db.string(), "1", "2"})},
        {"export", cli({"export", db.string(), "--run", "1", "--chrome-trace", out.string()})},
        {"run", run_on(db)}};
    if (has_plot)  // built with the GUI's chart library
      results.push_back({"plot", cli({"plot", db.string(), "--out", (dir / "p.png").string()})});
    for (const auto& [command, r] : results) {
      EXPECT_EQ(r.status, exit_code::kDataError) << command << ": " << r.err;
      EXPECT_TRUE(one_line(r.err)) << command << ": " << r.err;
      EXPECT_NE(r.err.find(db.string() + ": not a valid mcuprof trace database (SQLite: "),
                std::string::npos)
          << command << ": " << r.err;
      EXPECT_EQ(r.err.find("internal error"), std::string::npos) << command << ": " << r.err;
      EXPECT_EQ(r.err.find(out.string()), std::string::npos) << command << ": " << r.err;
    }
    EXPECT_EQ(results[3].second.out.find("hello from ITM"), std::string::npos)
        << "the firmware ran on a damaged database";
  }
}

TEST_F(CliDatabase, AnUnwritableDatabaseStopsTheRunBeforeTheMachineStarts) {
  test::ScratchDir dir;
  const auto db = dir / "t.db";
  make_database(db);
  fs::create_directory(db.string() + "-wal");  // no write can happen, even as root
  const auto r = run_on(db);
  EXPECT_EQ(r.status, exit_code::kCantCreate) << r.err;
  EXPECT_TRUE(one_line(r.err)) << r.err;
  EXPECT_EQ(r.out.find("hello from ITM"), std::string::npos) << "the firmware ran";
}

TEST_F(CliDatabase, AReadOnlyDatabaseStopsTheRunBeforeTheMachineStarts) {
  if (geteuid() == 0) GTEST_SKIP() << "running as root: file modes do not stop writes";
  test::ScratchDir dir;
  const auto db = dir / "t.db";
  make_database(db);
  fs::permissions(db, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  const auto ro = run_on(db);
  EXPECT_EQ(ro.status, exit_code::kCantCreate) << ro.err;
  EXPECT_EQ(ro.out.find("hello from ITM"), std::string::npos) << "the firmware ran";
  EXPECT_EQ(run_count(db), 2);
}

TEST_F(CliDatabase, AFailedFinalWriteKeepsTheResultsInTheSummary) {
  test::ScratchDir dir;
  const auto db = dir / "t.db";
  make_database(db);
  {  // The database opens and can be written, but this run's row is refused.
    SQLite::Database raw(db.string(), SQLite::OPEN_READWRITE);
    raw.exec(
        "CREATE TRIGGER refuse BEFORE INSERT ON runs BEGIN SELECT RAISE(ABORT, 'refused by "
        "the test'); END");
  }
  const auto summary = dir / "run.json";
  const auto r = run_on(db, {"--summary", summary.string()});
  EXPECT_EQ(r.status, exit_code::kIoError) << r.err;
  EXPECT_NE(r.out.find("hello from ITM"), std::string::npos);
  EXPECT_NE(r.err.find("refused by the test"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("its summary is in " + summary.string()), std::string::npos) << r.err;
  const auto s = test::read_json(summary);
  EXPECT_EQ(s["exit_code"], 42);
  EXPECT_GT(s["total_cycles"].get<uint64_t>(), 0u);
  EXPECT_TRUE(s["run_id"].is_null());

  // Without --summary, the summary goes beside the database and the line names it.
  const auto bare = run_on(db);
  EXPECT_EQ(bare.status, exit_code::kIoError) << bare.err;
  const std::string marker = "its summary is in ";
  const auto at = bare.err.find(marker);
  ASSERT_NE(at, std::string::npos) << bare.err;
  const fs::path kept =
      bare.err.substr(at + marker.size(), bare.err.find('\n') - at - marker.size());
  EXPECT_EQ(kept.parent_path(), dir.path());
  EXPECT_EQ(test::read_json(kept)["exit_code"], 42);
  EXPECT_EQ(run_count(db), 2);
}

TEST_F(CliDatabase, TheModelFormChecksTheDatabaseBeforeRunning) {
  test::ScratchDir dir;
  const auto model = dir / "m.tflite";
  const auto gen = cli({"generate", "mobilenetv2", "--width", "0.35", "--resolution", "32",
                        "--classes", "2", "--seed", "1", "-o", model.string()});
  ASSERT_EQ(gen.status, 0) << gen.err;
  const auto db = dir / "noise.db";
  test::write_bytes(db, std::vector<uint8_t>(5000, 0x5a));
  const auto summary = dir / "s.json";
  const auto r = cli({"run", model.string(), "--target", "stm32f412", "--db", db.string(),
                      "--summary", summary.string()});
  EXPECT_EQ(r.status, exit_code::kDataError) << r.err;
  EXPECT_NE(r.err.find("not a valid mcuprof trace database"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(summary) && fs::file_size(summary) > 0) << "the model ran";
}
