// Merging trace databases (traces/merge.hpp, `mcuprof database merge`): every run comes
// across whole (spans, arguments, counters, console, provenance), the same run merged
// twice is recognised, a source of another schema version or another program is refused
// untouched, and a merge killed by SIGKILL at any moment leaves the destination as it was.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "files.hpp"
#include "mcuprof/traces/merge.hpp"
#include "mcuprof/traces/store.hpp"
#include "mcuprof/traces/writer.hpp"
#include "paths.hpp"
#include "process.hpp"
#include "synthetic_run.hpp"

using namespace mcuprof;
using namespace mcuprof::traces;

namespace {

void write_synthetic(TraceStore& store, uint32_t seed, int samples = 20, Provenance p = {}) {
  test::SyntheticOptions o;
  o.seed = seed;
  o.samples_per_layer = samples;
  const auto run = test::make_synthetic_run(o);
  RunRecord record = run.record;
  record.provenance = p;
  RunWriter writer(store, record);
  run.write_to(writer);
  writer.finish();
}

// Everything of a run but its ids, as text, to compare a run with its merged copy.
std::string dump(const TraceStore& store, const RunRecord& r) {
  std::string out = r.name + "|" + r.target + "|" + std::to_string(r.total_cycles) + "|" +
                    std::to_string(r.peak_sram_bytes) + "|" + r.schedule + "|" +
                    r.provenance.input_hash + "|" + r.provenance.job_id + "|" + r.provenance.host +
                    "\n";
  for (const auto& s : store.spans(r.id)) {
    out += s.track + ";" + s.name + ";" + s.kind + ";" + std::to_string(s.ts) + ";" +
           std::to_string(s.dur) + ";" + std::to_string(s.depth) + ";" + std::to_string(s.cycles) +
           ";" + s.op + ";" + std::to_string(s.args.size()) + "\n";
    for (const auto& [k, v] : s.args)
      out += "  " + k + "=" +
             std::visit(
                 [](const auto& x) {
                   if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::string>)
                     return x;
                   else
                     return std::to_string(x);
                 },
                 v) +
             "\n";
  }
  for (const auto& t : store.tracks(r.id)) {
    out += "track " + t.name + " " + t.type + " " + std::to_string(t.stored_samples) + "\n";
    if (t.type == "counter")
      for (const auto& c : store.counters(r.id, t.name))
        out += std::to_string(c.ts) + ":" + std::to_string(c.value) + " ";
  }
  for (const auto& c : store.console(r.id)) out += c.source + ":" + c.text + "\n";
  return out;
}

}  // namespace

TEST(TraceMerge, CopiesEveryRunWholeAndRecognisesRunsItHas) {
  test::ScratchDir dir;
  {
    auto a = TraceStore::open(dir / "a.db", TraceStore::Mode::ReadWrite);
    write_synthetic(a, 1, 20, {"hash-1", "77", "3", "node-a"});
    write_synthetic(a, 2);
    FailureRecord f;
    f.name = "big";
    f.target = "stm32f412";
    f.exit_code = 65;
    f.reason = "does not fit";
    f.started_at = "2026-01-01T00:00:00Z";
    f.provenance.input_hash = "hash-f";
    a.add_failure(f);
    auto b = TraceStore::open(dir / "b.db", TraceStore::Mode::ReadWrite);
    write_synthetic(b, 3);
  }
  auto out = TraceStore::open(dir / "out.db", TraceStore::Mode::ReadWrite);
  write_synthetic(out, 9);  // the destination has a run already: ids must not clash
  const auto r1 = merge_database(out, dir / "a.db");
  EXPECT_EQ(r1.runs_added, 2);
  EXPECT_EQ(r1.failures_added, 1);
  const auto r2 = merge_database(out, dir / "b.db");
  EXPECT_EQ(r2.runs_added, 1);
  const auto again = merge_database(out, dir / "a.db");
  EXPECT_EQ(again.runs_added, 0);
  EXPECT_EQ(again.runs_already_present, 2);
  EXPECT_EQ(again.failures_added, 0);
  ASSERT_EQ(out.runs().size(), 4u);
  ASSERT_EQ(out.failures().size(), 1u);
  EXPECT_EQ(out.failures()[0].reason, "does not fit");
  EXPECT_EQ(out.failures()[0].provenance.input_hash, "hash-f");

  const auto source = TraceStore::open(dir / "a.db", TraceStore::Mode::ReadOnly);
  for (const auto& [src_id, dst_id] : r1.run_ids) {
    const auto s = source.run(src_id), d = out.run(dst_id);
    ASSERT_TRUE(s && d);
    EXPECT_EQ(dump(source, *s), dump(out, *d)) << src_id << " -> " << dst_id;
  }
  EXPECT_EQ(out.run(r1.run_ids[0].second)->provenance.job_id, "77");
  SQLite::Database raw((dir / "out.db").string());
  EXPECT_EQ(raw.execAndGet("PRAGMA integrity_check").getString(), "ok");
  EXPECT_EQ(raw.execAndGet("SELECT count(*) FROM pragma_foreign_key_check").getInt(), 0);
}

TEST(TraceMerge, RefusesOtherVersionsAndOtherProgramsUntouched) {
  test::ScratchDir dir;
  {
    auto old = TraceStore::open(dir / "old.db", TraceStore::Mode::ReadWrite);
    write_synthetic(old, 1);
  }
  {
    SQLite::Database raw((dir / "old.db").string(), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA user_version = 4");
    SQLite::Database other((dir / "other.db").string(),
                           SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    other.exec("CREATE TABLE photos (id INTEGER)");
  }
  auto out = TraceStore::open(dir / "out.db", TraceStore::Mode::ReadWrite);
  write_synthetic(out, 5);
  EXPECT_THROW(merge_database(out, dir / "old.db"), TraceError);
  EXPECT_THROW(merge_database(out, dir / "other.db"), InvalidDatabase);
  EXPECT_THROW(merge_database(out, dir / "out.db"), TraceError);
  EXPECT_EQ(out.runs().size(), 1u);

  const auto cli = test::run_process({test::mcuprof_binary().string(), "database", "merge",
                                      (dir / "out.db").string(), (dir / "other.db").string()});
  EXPECT_EQ(cli.status, 65) << cli.err;
  EXPECT_NE(cli.err.find("not an mcuprof trace database"), std::string::npos) << cli.err;
  EXPECT_EQ(std::count(cli.err.begin(), cli.err.end(), '\n'), 1) << cli.err;
  const auto missing = test::run_process({test::mcuprof_binary().string(), "database", "merge",
                                          (dir / "out.db").string(), (dir / "none.db").string()});
  EXPECT_EQ(missing.status, 66) << missing.err;
}

// A merge of many runs killed at increasing moments: the destination afterwards holds
// either exactly its runs before or all of them, opens and passes integrity_check.
TEST(TraceMerge, SigkillMidMergeLeavesTheDestinationAsItWas) {
  test::ScratchDir dir;
  constexpr int kRuns = 30;
  {
    auto big = TraceStore::open(dir / "big.db", TraceStore::Mode::ReadWrite);
    for (int i = 0; i < kRuns; ++i) write_synthetic(big, 100 + static_cast<uint32_t>(i), 400);
  }
  int unchanged = 0, merged = 0;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const auto out = dir / ("out" + std::to_string(attempt) + ".db");
    {
      auto o = TraceStore::open(out, TraceStore::Mode::ReadWrite);
      write_synthetic(o, 7);
    }
    test::ChildProcess child({test::mcuprof_binary().string(), "database", "merge", out.string(),
                              (dir / "big.db").string()});
    std::this_thread::sleep_for(std::chrono::milliseconds(15 * attempt * attempt));
    child.send(SIGKILL);
    child.wait();
    const auto o = TraceStore::open(out, TraceStore::Mode::ReadWrite);
    const size_t runs = o.runs().size();
    EXPECT_TRUE(runs == 1 || runs == 1 + kRuns) << "attempt " << attempt << ": " << runs << " runs";
    (runs == 1 ? unchanged : merged) += 1;
    SQLite::Database raw(out.string());
    EXPECT_EQ(raw.execAndGet("PRAGMA integrity_check").getString(), "ok");
    EXPECT_EQ(raw.execAndGet("SELECT count(*) FROM slice WHERE run_id NOT IN (SELECT id FROM runs)")
                  .getInt(),
              0);
  }
  EXPECT_GT(unchanged, 0) << "no kill landed before the merge committed";
}
