// SIGKILL durability of the trace store: a child process (tests/tools/
// trace_writer_child.cpp) writes synthetic runs in a loop and is killed again and again
// at random moments. After every kill the database must open, pass PRAGMA
// integrity_check, keep every run completed before intact (regenerated from its seed and
// compared), and show any killed run as 'incomplete' (with no spans or counters) or not
// at all. While the child writes, this process reads the database (WAL: readers are
// never blocked and only see complete transactions). The same for `mcuprof run` itself,
// killed (SIGKILL) or interrupted (SIGINT) while the firmware runs: the database stays
// intact and the --summary file is either the previous one, whole, or the new one.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "files.hpp"
#include "mcuprof/traces/store.hpp"
#include "paths.hpp"
#include "process.hpp"
#include "synthetic_run.hpp"

using namespace mcuprof::traces;

namespace {

pid_t spawn_writer(const std::filesystem::path& db, uint32_t first_seed) {
  const std::string program = MCUPROF_TRACE_WRITER_CHILD;
  const std::string db_arg = db.string();
  const std::string seed_arg = std::to_string(first_seed);
  const pid_t pid = fork();
  if (pid == 0) {
    execl(program.c_str(), program.c_str(), db_arg.c_str(), seed_arg.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// Compares a complete run with the synthetic run regenerated from the seed in its name.
void expect_intact(const TraceStore& store, const RunRecord& run) {
  ASSERT_EQ(run.name.rfind("synthetic-", 0), 0u) << run.name;
  mcuprof::test::SyntheticOptions options;
  options.seed = static_cast<uint32_t>(std::stoul(run.name.substr(10)));
  options.samples_per_layer = 400;  // as the child writes them
  const auto expected = mcuprof::test::make_synthetic_run(options);
  EXPECT_EQ(run.total_cycles, expected.record.total_cycles) << run.id;
  EXPECT_EQ(run.macs, expected.record.macs) << run.id;
  const auto spans = store.spans(run.id);
  ASSERT_EQ(spans.size(), expected.spans.size()) << run.id;
  uint64_t leaf_cycles = 0;
  uint64_t expected_leaf_cycles = 0;
  for (const auto& s : spans)
    if (s.kind == "layer" || s.kind == "layer-in-patch") leaf_cycles += s.cycles;
  for (const auto& s : expected.spans)
    if (s.kind == "layer" || s.kind == "layer-in-patch") expected_leaf_cycles += s.cycles;
  EXPECT_EQ(leaf_cycles, expected_leaf_cycles) << run.id;
  for (const auto& [track, points] : expected.counters) {
    const auto stored = store.counters(run.id, track);
    ASSERT_EQ(stored.size(), points.size()) << run.id << " " << track;
    int64_t sum = 0;
    int64_t expected_sum = 0;
    for (size_t i = 0; i < points.size(); ++i) {
      sum += stored[i].value;
      expected_sum += points[i].value;
    }
    EXPECT_EQ(sum, expected_sum) << run.id << " " << track;
  }
  EXPECT_EQ(store.console(run.id).size(), 1u) << run.id;
}

}  // namespace

TEST(TraceDurability, SurvivesAWriterKilledAtRandomMoments) {
  mcuprof::test::ScratchDir dir;
  const auto path = dir / "t.db";
  { TraceStore::open(path, TraceStore::Mode::ReadWrite); }
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("kill schedule seed " + std::to_string(seed));
  std::mt19937 rng(seed);

  const size_t spans_per_run = mcuprof::test::make_synthetic_run({}).spans.size();
  std::set<int64_t> completed;  // every complete run seen so far must stay
  size_t reads_while_writing = 0;
  constexpr int kKills = 12;
  for (int round = 0; round < kKills; ++round) {
    const pid_t child = spawn_writer(path, 1000u * static_cast<uint32_t>(round + 1));
    ASSERT_GT(child, 0);
    // Read while the child writes: never blocked, never a half-written run.
    const auto deadline =
        std::chrono::steady_clock::now() +
        std::chrono::milliseconds(std::uniform_int_distribution<int>(5, 250)(rng));
    // The last round waits (on a loaded machine the writer may be slow to start) until a
    // run is complete, so the check of progress below never depends on timing.
    const bool last = round == kKills - 1;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    bool any_complete = false;
    while (std::chrono::steady_clock::now() < deadline ||
           (last && !any_complete && std::chrono::steady_clock::now() < give_up)) {
      const auto reader = TraceStore::open(path, TraceStore::Mode::ReadOnly);
      for (const auto& r : reader.runs())
        if (r.status == "complete") {
          any_complete = true;
          EXPECT_EQ(reader.spans(r.id).size(), spans_per_run) << r.id;
        }
      ++reads_while_writing;
    }
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself, status " << status;

    {
      SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
      EXPECT_EQ(raw.execAndGet("PRAGMA integrity_check").getString(), "ok");
    }
    const auto store = TraceStore::open(path, TraceStore::Mode::ReadOnly);
    std::set<int64_t> now_complete;
    for (const auto& run : store.runs()) {
      if (run.status == "complete") {
        now_complete.insert(run.id);
        expect_intact(store, run);
      } else {
        ASSERT_EQ(run.status, "incomplete");
        EXPECT_TRUE(store.spans(run.id).empty()) << run.id;
        EXPECT_TRUE(store.tracks(run.id).empty()) << run.id;
      }
    }
    for (const int64_t id : completed)
      EXPECT_TRUE(now_complete.count(id)) << "run " << id << " lost";
    completed = now_complete;
  }
  // The writer made progress, and a killed writer does not stop the next one.
  EXPECT_GT(completed.size(), 0u);
  auto store = TraceStore::open(path, TraceStore::Mode::ReadWrite);
  const auto all = store.runs();
  const auto incomplete = std::count_if(
      all.begin(), all.end(), [](const RunRecord& r) { return r.status == "incomplete"; });
  const int64_t id = store.write_run(mcuprof::test::make_synthetic_run({}).record, {});
  EXPECT_EQ(store.run(id)->status, "complete");
  RecordProperty("complete_runs", static_cast<int>(completed.size()));
  RecordProperty("incomplete_runs", static_cast<int>(incomplete));
  RecordProperty("reads_while_writing", static_cast<int>(reads_while_writing));
}

namespace {

// `mcuprof run` of a firmware that never ends, stopped by `signal` once it is running.
mcuprof::test::ProcessResult stop_a_cli_run(const std::filesystem::path& db,
                                            const std::filesystem::path& summary, int signal) {
  mcuprof::test::ChildProcess child(
      {mcuprof::test::mcuprof_binary().string(), "run",
       mcuprof::test::test_firmware("stm32f412", "spin_forever").string(), "--target", "stm32f412",
       "--db", db.string(), "--summary", summary.string()});
  EXPECT_TRUE(child.wait_until_catching(SIGINT, 20000)) << "the run did not start";
  child.send(signal);
  return child.wait();
}

}  // namespace

TEST(TraceDurability, ACliRunKilledOrInterruptedKeepsTheDatabaseAndTheSummary) {
  const auto elf = mcuprof::test::test_firmware("stm32f412", "spin_forever");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  mcuprof::test::ScratchDir dir;
  const auto db = dir / "t.db";
  const auto summary = dir / "run.json";
  const auto first = mcuprof::test::run_process(
      {mcuprof::test::mcuprof_binary().string(), "run", elf.string(), "--target", "stm32f412",
       "--max-cycles", "1M", "--db", db.string(), "--summary", summary.string()});
  ASSERT_EQ(first.status, 90) << first.err;
  const auto previous = mcuprof::test::read_bytes(summary);
  ASSERT_FALSE(previous.empty());

  // SIGKILL: nothing new, nothing lost.
  const auto killed = stop_a_cli_run(db, summary, SIGKILL);
  EXPECT_EQ(killed.status, 128 + SIGKILL);
  EXPECT_EQ(mcuprof::test::read_bytes(summary), previous) << "the previous summary was damaged";
  {
    SQLite::Database raw(db.string(), SQLite::OPEN_READONLY);
    EXPECT_EQ(raw.execAndGet("PRAGMA integrity_check").getString(), "ok");
    EXPECT_EQ(raw.execAndGet("SELECT count(*) FROM runs").getInt64(), 1);
  }

  // SIGINT: the interrupted run joins the first, and the summary is the new run's.
  const auto interrupted = stop_a_cli_run(db, summary, SIGINT);
  EXPECT_EQ(interrupted.status, 128 + SIGINT) << interrupted.err;
  const auto s = mcuprof::test::read_json(summary);
  EXPECT_EQ(s["stop_reason"], "interrupted");
  const auto store = TraceStore::open(db, TraceStore::Mode::ReadOnly);
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 2u);
  std::set<std::string> reasons;
  for (const auto& r : runs) {
    reasons.insert(r.stop_reason);
    EXPECT_EQ(r.status, "complete");
  }
  EXPECT_EQ(reasons, (std::set<std::string>{"cycle-budget", "interrupted"}));
  const auto stored = store.run(s["run_id"].get<int64_t>());
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->stop_reason, "interrupted");
  EXPECT_EQ(stored->total_cycles, s["total_cycles"].get<uint64_t>());
  SQLite::Database raw(db.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(raw.execAndGet("PRAGMA integrity_check").getString(), "ok");
}
