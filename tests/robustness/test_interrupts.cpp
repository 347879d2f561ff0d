// Ctrl-C (SIGINT) and SIGTERM during a run: the machine stops at its next block, the run
// is stored as interrupted with what was measured, the summary is written, one line is
// printed and the status is 128 + the signal. A firmware that never ends stops at the
// default budget of simulated time, which the summary states.
#include <signal.h>

#include "mcuprof/profiler/exit_codes.hpp"
#include "robustness.hpp"

using namespace mcuprof::test;
namespace exit_code = mcuprof::profiler::exit_code;

namespace {

struct Interrupted {
  ProcessResult process;
  nlohmann::json summary;
};

Interrupted interrupt_a_run(const ScratchDir& dir, int signal) {
  const auto db = dir / "t.db";
  const auto summary = dir / "run.json";
  ChildProcess child({mcuprof_binary().string(), "run", built_firmware("spin_forever").string(),
                      "--target", kBoard, "--db", db.string(), "--summary", summary.string()});
  EXPECT_TRUE(child.wait_until_catching(signal, 20000));
  child.send(signal);
  Interrupted i{child.wait(), {}};
  if (std::filesystem::exists(summary)) i.summary = read_json(summary);
  return i;
}

}  // namespace

TEST(Interrupts, SigintStoresTheRunAsInterruptedAndWritesTheSummary) {
  MCUPROF_NEED_FIRMWARE("spin_forever");
  ScratchDir dir;
  const auto i = interrupt_a_run(dir, SIGINT);
  EXPECT_EQ(i.process.status, exit_code::kInterrupted) << i.process.err;
  EXPECT_EQ(i.process.status, 128 + SIGINT);
  EXPECT_EQ(line_count(i.process.err), 1) << i.process.err;
  EXPECT_NE(i.process.err.find("interrupted by SIGINT"), std::string::npos) << i.process.err;
  ASSERT_TRUE(i.summary.is_object()) << "no summary";
  EXPECT_EQ(i.summary["stop_reason"], "interrupted");
  EXPECT_EQ(i.summary["detail"], "interrupted by SIGINT");
  SQLite::Database d((dir / "t.db").string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(d, "SELECT stop_reason, total_cycles, status FROM runs");
  ASSERT_TRUE(q.executeStep()) << "the interrupted run was not stored";
  EXPECT_EQ(q.getColumn(0).getString(), "interrupted");
  EXPECT_EQ(q.getColumn(1).getInt64(), i.summary["total_cycles"].get<int64_t>());
  EXPECT_EQ(q.getColumn(2).getString(), "complete");
}

TEST(Interrupts, SigtermEndsWith143) {
  MCUPROF_NEED_FIRMWARE("spin_forever");
  ScratchDir dir;
  const auto i = interrupt_a_run(dir, SIGTERM);
  EXPECT_EQ(i.process.status, exit_code::kTerminated) << i.process.err;
  EXPECT_EQ(i.process.status, 128 + SIGTERM);
  EXPECT_NE(i.process.err.find("interrupted by SIGTERM"), std::string::npos) << i.process.err;
  EXPECT_EQ(i.summary["stop_reason"], "interrupted");
  EXPECT_EQ(stored_runs(dir / "t.db"), 1);
}

TEST(Budget, AFirmwareThatNeverEndsStopsAtTheSimulatedTimeBudget) {
  MCUPROF_NEED_FIRMWARE("spin_forever");
  ScratchDir dir;
  const auto summary = dir / "run.json";
  const auto r = mcuprof_cli({"run", built_firmware("spin_forever").string(), "--target", kBoard,
                              "--max-time", "2ms", "--summary", summary.string()});
  EXPECT_EQ(r.status, exit_code::kCycleBudget) << r.err;
  const auto s = read_json(summary);
  EXPECT_EQ(s["stop_reason"], "cycle-budget");
  const auto clock = s["clock_hz"].get<double>();
  EXPECT_EQ(s["budget"]["set_by"], "--max-time");
  EXPECT_EQ(s["budget"]["cycles"].get<double>(), clock * 0.002);
  EXPECT_GE(s["total_cycles"].get<double>(), clock * 0.002);
  EXPECT_NE(s["detail"].get<std::string>().find("--max-time"), std::string::npos) << s["detail"];
}

TEST(Budget, TheDefaultBudgetIsSixtySecondsOfTheTargetsClock) {
  MCUPROF_NEED_FIRMWARE("itm_exit");
  ScratchDir dir;
  const auto summary = dir / "run.json";
  const auto r = mcuprof_cli({"run", built_firmware("itm_exit").string(), "--target", kBoard,
                              "--summary", summary.string()});
  ASSERT_EQ(r.status, 42) << r.err;
  const auto s = read_json(summary);
  EXPECT_EQ(s["budget"]["seconds"], 60.0);
  EXPECT_EQ(s["budget"]["cycles"].get<double>(), 60.0 * s["clock_hz"].get<double>());
  EXPECT_EQ(s["budget"]["set_by"], "--max-time");
}

TEST(Budget, CycleCountsAcceptExponentsAndSuffixes) {
  MCUPROF_NEED_FIRMWARE("spin_forever");
  ScratchDir dir;
  const auto summary = dir / "run.json";
  for (const auto& [text, cycles] : std::vector<std::pair<std::string, uint64_t>>{
           {"1e6", 1'000'000}, {"1500k", 1'500'000}, {"2M", 2'000'000}, {"2500000", 2'500'000}}) {
    const auto r = mcuprof_cli({"run", built_firmware("spin_forever").string(), "--target", kBoard,
                                "--max-cycles", text, "--summary", summary.string()});
    EXPECT_EQ(r.status, exit_code::kCycleBudget) << text << ": " << r.err;
    const auto s = read_json(summary);
    EXPECT_EQ(s["budget"]["cycles"], cycles) << text;
    EXPECT_EQ(s["budget"]["set_by"], "--max-cycles") << text;
  }
}
