// RunWriter: a whole run (spans with nesting, arguments, counters, console) round-trips;
// spans that overlap without nesting are refused and leave nothing behind; an early
// announced run is 'incomplete' until finished; a reader reads while a writer writes.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "mcuprof/traces/store.hpp"
#include "mcuprof/traces/writer.hpp"
#include "paths.hpp"
#include "synthetic_run.hpp"

using namespace mcuprof::traces;

TEST(TraceWriter, RoundTripsASyntheticRunWithNesting) {
  mcuprof::test::ScratchDir dir;
  auto store = TraceStore::open(dir / "t.db", TraceStore::Mode::ReadWrite);
  const auto synthetic = mcuprof::test::make_synthetic_run({});
  RunWriter writer(store, synthetic.record);
  synthetic.write_to(writer);
  const int64_t id = writer.finish();

  const auto run = store.run(id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, "complete");
  EXPECT_EQ(run->schedule, "patch-2x2");
  EXPECT_EQ(run->model_sha256, synthetic.record.model_sha256);
  EXPECT_EQ(run->total_cycles, synthetic.record.total_cycles);
  EXPECT_EQ(run->macs, synthetic.record.macs);

  const auto spans = store.spans(id);
  ASSERT_EQ(spans.size(), synthetic.spans.size());
  std::map<int64_t, const Span*> by_id;
  for (const auto& s : spans) by_id[s.id] = &s;
  size_t roots = 0;
  for (const auto& s : spans) {
    if (s.parent_id == 0) {
      ++roots;
      EXPECT_EQ(s.depth, 0);
      EXPECT_EQ(s.kind, "run");
      continue;
    }
    const Span& p = *by_id.at(s.parent_id);
    EXPECT_EQ(s.depth, p.depth + 1);
    EXPECT_LE(p.ts, s.ts);
    EXPECT_GE(p.ts + p.dur, s.ts + s.dur);
    if (s.kind == "layer-in-patch") {
      EXPECT_EQ(p.kind, "patch");
      EXPECT_EQ(p.patch_row, s.patch_row);
      EXPECT_EQ(p.patch_col, s.patch_col);
    }
    if (s.kind == "patch") {
      EXPECT_EQ(p.kind, "stage");
      ASSERT_EQ(s.args.size(), 1u);
      EXPECT_EQ(s.args[0].first, "halo_rows");
      EXPECT_TRUE(std::holds_alternative<int64_t>(s.args[0].second));
    }
  }
  EXPECT_EQ(roots, 1u);
  const auto patches = store.spans(id, {"layers", "patch"});
  EXPECT_EQ(patches.size(), 4u);
  for (size_t i = 1; i < patches.size(); ++i) EXPECT_LT(patches[i - 1].ts, patches[i].ts);

  // Counters are stored exactly (no downsampling asked for) and the peak summary is the
  // exact maximum of sram.total.
  for (const auto& [name, points] : synthetic.counters) {
    const auto stored = store.counters(id, name);
    ASSERT_EQ(stored.size(), points.size()) << name;
    for (size_t i = 0; i < points.size(); ++i) {
      EXPECT_EQ(stored[i].ts, points[i].ts);
      EXPECT_EQ(stored[i].value, points[i].value);
    }
  }
  const auto& total = synthetic.counters.at(track::kSramTotal);
  const auto peak = std::max_element(total.begin(), total.end(),
                                     [](auto& a, auto& b) { return a.value < b.value; });
  EXPECT_EQ(run->peak_sram_bytes, static_cast<uint64_t>(peak->value));
  EXPECT_EQ(run->peak_sram_ts, peak->ts);
  EXPECT_FALSE(run->peak_sram_where.empty());
  EXPECT_EQ(store.console(id).size(), 1u);
  const auto tracks = store.tracks(id);
  EXPECT_EQ(tracks.size(), 1u + synthetic.counters.size());
}

TEST(TraceWriter, RefusesSpansThatOverlapWithoutNestingAndWritesNothing) {
  mcuprof::test::ScratchDir dir;
  auto store = TraceStore::open(dir / "t.db", TraceStore::Mode::ReadWrite);
  RunWriter writer(store, RunRecord{});
  const size_t a = writer.begin_span("layers", "a", "layer", 100);
  writer.end_span(a, 200);
  const size_t b = writer.begin_span("layers", "b", "layer", 150);
  writer.end_span(b, 250);
  // The same interval on another track is fine: nesting is per track.
  writer.begin_span("functions", "f", "function", 120);
  EXPECT_THROW(writer.finish(), TraceError);  // f never ended
  writer.end_span(2, 260);
  try {
    writer.finish();
    FAIL() << "overlap accepted";
  } catch (const TraceError& e) {
    EXPECT_NE(std::string(e.what()).find("'a'"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(store.runs().empty());
}

TEST(TraceWriter, CountersMustComeInTimeOrder) {
  mcuprof::test::ScratchDir dir;
  auto store = TraceStore::open(dir / "t.db", TraceStore::Mode::ReadWrite);
  RunWriter writer(store, RunRecord{});
  writer.add_counter("sram.total", 10, 1);
  writer.add_counter("sram.total", 10, 2);  // same cycle: allowed, both kept
  EXPECT_THROW(writer.add_counter("sram.total", 9, 3), TraceError);
  const int64_t id = writer.finish();
  EXPECT_EQ(store.counters(id, "sram.total").size(), 2u);
}

TEST(TraceWriter, AnEarlyAnnouncedRunIsIncompleteUntilFinished) {
  mcuprof::test::ScratchDir dir;
  auto store = TraceStore::open(dir / "t.db", TraceStore::Mode::ReadWrite);
  const auto synthetic = mcuprof::test::make_synthetic_run({});
  WriterOptions options;
  options.announce_early = true;
  int64_t id = 0;
  {
    RunWriter abandoned(store, synthetic.record, options);
    synthetic.write_to(abandoned);
    id = abandoned.id();
    EXPECT_GT(id, 0);
    // dropped without finish(), like a writer that died
  }
  ASSERT_TRUE(store.run(id));
  EXPECT_EQ(store.run(id)->status, "incomplete");
  EXPECT_TRUE(store.spans(id).empty());

  RunWriter writer(store, synthetic.record, options);
  synthetic.write_to(writer);
  const int64_t second = writer.id();
  EXPECT_EQ(writer.finish(), second);
  EXPECT_EQ(store.run(second)->status, "complete");
  EXPECT_EQ(store.run(second)->total_cycles, synthetic.record.total_cycles);
  EXPECT_EQ(store.spans(second).size(), synthetic.spans.size());
  EXPECT_EQ(store.runs().size(), 2u);
}

TEST(TraceWriter, AReaderReadsWhileAWriterHoldsItsTransaction) {
  mcuprof::test::ScratchDir dir;
  const auto path = dir / "t.db";
  auto store = TraceStore::open(path, TraceStore::Mode::ReadWrite);
  const int64_t first = store.write_run(mcuprof::test::make_synthetic_run({}).record, {});

  // A second connection writes a run and keeps its transaction open.
  SQLite::Database writer(path.string(), SQLite::OPEN_READWRITE, 1000);
  SQLite::Transaction tx(writer);
  writer.exec(R"sql(INSERT INTO runs (status, target, firmware_path, firmware_sha256, started_at,
                    tool_version, cycle_model, clock_hz, total_cycles, instructions, stop_reason,
                    exit_code) VALUES ('complete', 't', 'f', 'h', 's', 'v', 'c', 1, 1, 1, 'exited', 0))sql");

  // The reader is not blocked and sees the last committed state.
  const auto reader = TraceStore::open(path, TraceStore::Mode::ReadOnly);
  auto runs = reader.runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].id, first);

  tx.commit();
  runs = reader.runs();
  EXPECT_EQ(runs.size(), 2u);
}
