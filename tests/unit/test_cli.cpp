// The mcuprof command line as a user meets it: targets, run with console, database
// and summary, and every kind of bad input getting one clear line and its own status.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "mcuprof/profiler/exit_codes.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;
namespace exit_code = mcuprof::profiler::exit_code;

namespace {

test::ProcessResult mcuprof_cli(std::vector<std::string> args) {
  args.insert(args.begin(), test::mcuprof_binary().string());
  return test::run_process(args);
}

int count_lines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

int64_t run_count(const std::filesystem::path& db) {
  SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
  return d.execAndGet("SELECT count(*) FROM runs").getInt64();
}

}  // namespace

TEST(Cli, ListsTargets) {
  const auto r = mcuprof_cli({"targets"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("stm32f412"), std::string::npos);
  const auto j = mcuprof_cli({"targets", "--json"});
  ASSERT_EQ(j.status, 0);
  const auto doc = nlohmann::json::parse(j.out);
  ASSERT_TRUE(doc.is_array());
  bool found = false;
  for (const auto& t : doc) found = found || t["name"] == "stm32f412";
  EXPECT_TRUE(found);
}

TEST(Cli, RunStreamsConsoleStoresTheRunAndWritesTheSummary) {
  const auto elf = test::test_firmware("stm32f412", "itm_exit");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  test::ScratchDir dir;
  const auto db = dir / "traces.db";
  const auto summary = dir / "run.json";
  const auto r = mcuprof_cli({"run", "--target", "stm32f412", elf.string(), "--db", db.string(),
                              "--summary", summary.string()});
  EXPECT_EQ(r.status, 42) << r.err;  // the firmware's status is mcuprof's status
  EXPECT_NE(r.out.find("hello from ITM\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hello from semihosting\n"), std::string::npos) << r.out;

  std::ifstream in(summary);
  const auto s = nlohmann::json::parse(in);
  EXPECT_EQ(s["target"], "stm32f412");
  EXPECT_EQ(s["exit_code"], 42);
  EXPECT_GT(s["total_cycles"].get<uint64_t>(), 0u);
  EXPECT_GT(s["instructions"].get<uint64_t>(), 0u);
  ASSERT_TRUE(s["run_id"].is_number());

  // Read back with SQLite directly, as a user would with the sqlite3 shell.
  SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(d,
                      "SELECT target, total_cycles, instructions, exit_code, firmware_sha256 "
                      "FROM runs WHERE id = ?");
  q.bind(1, s["run_id"].get<int64_t>());
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getString(), "stm32f412");
  EXPECT_EQ(q.getColumn(1).getInt64(), s["total_cycles"].get<int64_t>());
  EXPECT_EQ(q.getColumn(2).getInt64(), s["instructions"].get<int64_t>());
  EXPECT_EQ(q.getColumn(3).getInt(), 42);
  EXPECT_EQ(q.getColumn(4).getString().size(), 64u);
  const std::string console =
      d.execAndGet("SELECT group_concat(text, '') FROM (SELECT text FROM console ORDER BY seq)")
          .getString();
  EXPECT_EQ(console, "hello from ITM\nhello from semihosting\n");

  // The sqlite3 shell itself, when installed, reads the same row.
  if (std::filesystem::exists("/usr/bin/sqlite3")) {
    const auto shell =
        test::run_process({"/usr/bin/sqlite3", db.string(), "SELECT exit_code FROM runs;"});
    EXPECT_EQ(shell.out, "42\n");
  }
}

TEST(Cli, BadInputGetsOneLineAndItsOwnStatusAndLeavesTheDatabaseIntact) {
  const auto elf = test::test_firmware("stm32f412", "itm_exit");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  test::ScratchDir dir;
  const auto db = dir / "traces.db";
  ASSERT_EQ(mcuprof_cli({"run", "--target", "stm32f412", elf.string(), "--db", db.string()}).status,
            42);
  ASSERT_EQ(run_count(db), 1);

  std::ofstream(dir / "notes.elf") << "not an elf\n";
  struct Case {
    std::vector<std::string> args;
    int status;
    std::string needle;
  };
  const std::vector<Case> cases = {
      {{"run", "--target", "stm32f412", (dir / "missing.elf").string(), "--db", db.string()},
       exit_code::kNoInput,
       "no such firmware file"},
      {{"run", "--target", "stm32f412", (dir / "notes.elf").string(), "--db", db.string()},
       exit_code::kDataError,
       "not an ELF file"},
      {{"run", "--target", "stm32f412", test::mcuprof_binary().string(), "--db", db.string()},
       exit_code::kDataError,
       "64-bit ELF: Cortex-M firmware is 32-bit"},
      {{"run", "--target", "nosuchboard", elf.string(), "--db", db.string()},
       exit_code::kDataError,
       "known: "},
      {{"run", elf.string()}, exit_code::kUsage, "--target"},
      {{"run", "--target", "stm32f412", elf.string(), "--db", (dir / "no/such/dir/t.db").string()},
       exit_code::kCantCreate,
       "cannot open trace database"},
      {{"run", "--target", "stm32f412", elf.string(), "--db", (dir / "notes.elf").string()},
       exit_code::kDataError,
       "notes.elf: not a valid mcuprof trace database"},
  };
  for (const auto& c : cases) {
    const auto r = mcuprof_cli(c.args);
    EXPECT_EQ(r.status, c.status) << c.args[3] << "\n" << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << r.err;
    EXPECT_EQ(r.err.rfind("mcuprof: error: ", 0), 0u) << r.err;
  }
  EXPECT_EQ(run_count(db), 1);
  EXPECT_FALSE(std::filesystem::exists(dir / "no/such/dir/t.db"));
}

TEST(Cli, FirmwareThatNeverExitsStopsAtMaxCyclesAndIsStored) {
  const auto elf = test::test_firmware("stm32f412", "spin_forever");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  test::ScratchDir dir;
  const auto db = dir / "traces.db";
  const auto r = mcuprof_cli({"run", "--target", "stm32f412", elf.string(), "--db", db.string(),
                              "--max-cycles", "100000"});
  EXPECT_EQ(r.status, exit_code::kCycleBudget) << r.err;
  EXPECT_NE(r.err.find("cycle budget"), std::string::npos) << r.err;
  SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(d.execAndGet("SELECT stop_reason FROM runs").getString(), "cycle-budget");
}

TEST(Cli, FaultsHaveDistinctStatuses) {
  const auto unmapped = test::test_firmware("stm32f412", "unmapped_read");
  const auto flash = test::test_firmware("stm32f412", "flash_write");
  if (!std::filesystem::exists(unmapped)) GTEST_SKIP() << "missing firmware " << unmapped;
  const auto a = mcuprof_cli({"run", "--target", "stm32f412", unmapped.string()});
  EXPECT_EQ(a.status, exit_code::kFaultUnmappedAccess) << a.err;
  EXPECT_NE(a.err.find("0x60000000"), std::string::npos) << a.err;
  const auto b = mcuprof_cli({"run", "--target", "stm32f412", flash.string()});
  EXPECT_EQ(b.status, exit_code::kFaultFlashWrite) << b.err;
}
