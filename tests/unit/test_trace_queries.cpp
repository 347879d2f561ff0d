// Reader/query API: finding runs, per-layer and per-patch tables (checked against sums
// over the synthetic spans), counter ranges, min/max pixel columns (checked against a
// brute-force evaluation of the step function) and two-run comparison.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "mcuprof/traces/store.hpp"
#include "mcuprof/traces/writer.hpp"
#include "paths.hpp"
#include "synthetic_run.hpp"

using namespace mcuprof::traces;
using mcuprof::test::make_synthetic_run;
using mcuprof::test::SyntheticOptions;
using mcuprof::test::SyntheticRun;

namespace {

int64_t write(TraceStore& store, const SyntheticRun& run) {
  RunWriter writer(store, run.record);
  run.write_to(writer);
  return writer.finish();
}

struct Fixture {
  mcuprof::test::ScratchDir dir;
  TraceStore store = TraceStore::open(dir / "t.db", TraceStore::Mode::ReadWrite);
};

}  // namespace

TEST(TraceQueries, FindsRunsByIdOrName) {
  Fixture f;
  const int64_t a = write(f.store, make_synthetic_run({.seed = 5}));
  const int64_t b = write(f.store, make_synthetic_run({.seed = 6}));
  const int64_t c = write(f.store, make_synthetic_run({.seed = 5}));  // same name as a
  EXPECT_EQ(f.store.find_run(std::to_string(b))->id, b);
  EXPECT_EQ(f.store.find_run("synthetic-6")->id, b);
  EXPECT_EQ(f.store.find_run("synthetic-5")->id, c) << "the newest of that name";
  EXPECT_NE(a, c);
  EXPECT_FALSE(f.store.find_run("nope"));
  EXPECT_FALSE(f.store.find_run("12345"));
  EXPECT_FALSE(f.store.find_run(""));
  EXPECT_EQ(f.store.runs().size(), 3u);
}

TEST(TraceQueries, LayerTableAddsUpThePiecesOfEachLayer) {
  Fixture f;
  const auto run = make_synthetic_run({.seed = 9});
  const int64_t id = write(f.store, run);
  std::map<int64_t, std::pair<uint64_t, uint64_t>> expected;  // index -> cycles, macs
  std::map<int64_t, uint64_t> pieces;
  for (const auto& s : run.spans)
    if (s.kind == "layer" || s.kind == "layer-in-patch") {
      expected[*s.layer_index].first += s.cycles;
      expected[*s.layer_index].second += s.macs;
      ++pieces[*s.layer_index];
    }
  const auto rows = f.store.layer_table(id);
  ASSERT_EQ(rows.size(), expected.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    EXPECT_EQ(row.layer_index, static_cast<int64_t>(i));
    EXPECT_EQ(row.cycles, expected[row.layer_index].first);
    EXPECT_EQ(row.macs, expected[row.layer_index].second);
    EXPECT_EQ(row.spans, pieces[row.layer_index]);
    EXPECT_DOUBLE_EQ(
        row.share, static_cast<double>(row.cycles) / static_cast<double>(run.record.total_cycles));
    EXPECT_DOUBLE_EQ(row.ms, static_cast<double>(row.cycles) * 1000.0 / 216e6);
    if (row.macs > 0) {
      EXPECT_DOUBLE_EQ(row.cycles_per_mac,
                       static_cast<double>(row.cycles) / static_cast<double>(row.macs));
    } else {
      EXPECT_EQ(row.cycles_per_mac, 0.0);
    }
    EXPECT_FALSE(row.op.empty());
  }
  EXPECT_EQ(rows[0].spans, 4u) << "a stage layer runs once per patch";
  EXPECT_EQ(rows.back().spans, 1u);
}

TEST(TraceQueries, PatchTableAddsUpToItsStage) {
  Fixture f;
  const auto run = make_synthetic_run({.seed = 10, .patch_grid = 3});
  const int64_t id = write(f.store, run);
  const auto rows = f.store.patch_table(id);
  ASSERT_EQ(rows.size(), 9u);
  uint64_t sum = 0;
  for (const auto& r : rows) sum += r.cycles;
  const auto stage = f.store.spans(id, {"", "stage"});
  ASSERT_EQ(stage.size(), 1u);
  EXPECT_EQ(sum, stage[0].dur);
  EXPECT_EQ(rows[0].patch_row, 0);
  EXPECT_EQ(rows[0].patch_col, 0);
  EXPECT_EQ(rows[5].patch_row, 1);
  EXPECT_EQ(rows[5].patch_col, 2);
  const auto layerwise = write(f.store, make_synthetic_run({.seed = 11, .patch_grid = 0}));
  EXPECT_TRUE(f.store.patch_table(layerwise).empty());
}

TEST(TraceQueries, CounterRangeStartsWithTheValueInForce) {
  Fixture f;
  RunWriter writer(f.store, RunRecord{});
  for (uint64_t t = 0; t < 100; t += 10)
    writer.add_counter("sram.arena", t, static_cast<int64_t>(t) * 3);
  const int64_t id = writer.finish();
  const auto points = f.store.counters(id, "sram.arena", 25, 50);
  ASSERT_EQ(points.size(), 3u);  // 20 (in force at 25), 30, 40
  EXPECT_EQ(points[0].ts, 20u);
  EXPECT_EQ(points[0].value, 60);
  EXPECT_EQ(points[1].ts, 30u);
  EXPECT_EQ(points[2].ts, 40u);
  EXPECT_TRUE(f.store.counters(id, "no.such.track").empty());
  EXPECT_EQ(f.store.counters(id, "sram.arena").size(), 10u);
}

TEST(TraceQueries, CounterColumnsMatchABruteForceStepFunction) {
  Fixture f;
  const auto run = make_synthetic_run({.seed = 12});
  const int64_t id = write(f.store, run);
  const auto& exact = run.counters.at(track::kSramTotal);
  for (const size_t columns : {1u, 7u, 50u, 640u}) {
    for (const auto& [from, to] : std::vector<std::pair<uint64_t, uint64_t>>{
             {0, run.record.total_cycles}, {1000, 60'000}, {exact[10].ts, exact[10].ts + 3}}) {
      const auto cols = f.store.counter_columns(id, track::kSramTotal, from, to, columns);
      ASSERT_EQ(cols.size(), columns);
      EXPECT_EQ(cols.front().ts_begin, from);
      EXPECT_EQ(cols.back().ts_end, to);
      for (const auto& c : cols) {
        std::vector<int64_t> values;
        const CounterPoint* before = nullptr;
        for (const auto& p : exact) {
          if (p.ts < c.ts_begin)
            before = &p;
          else if (p.ts < c.ts_end)
            values.push_back(p.value);
        }
        if (before) values.push_back(before->value);
        ASSERT_EQ(c.has_value, !values.empty()) << c.ts_begin;
        if (values.empty()) continue;
        EXPECT_EQ(c.min, *std::min_element(values.begin(), values.end())) << c.ts_begin;
        EXPECT_EQ(c.max, *std::max_element(values.begin(), values.end())) << c.ts_begin;
      }
    }
  }
  EXPECT_TRUE(f.store.counter_columns(id, track::kSramTotal, 10, 10, 5).empty());
}

TEST(TraceQueries, ComparesTwoRunsLayerByLayer) {
  Fixture f;
  const int64_t a = write(f.store, make_synthetic_run({.seed = 20, .tail_layers = 3}));
  const int64_t b =
      write(f.store, make_synthetic_run({.seed = 21, .patch_grid = 0, .tail_layers = 4}));
  const auto cmp = f.store.compare(a, b);
  EXPECT_EQ(cmp.a.id, a);
  EXPECT_EQ(cmp.b.id, b);
  // Layers are matched by op and their rank among the layers of that op in each run: the
  // k-th CONV_2D of A with the k-th CONV_2D of B, whatever their layer index.
  const auto rank_of = [](const std::vector<LayerRow>& layers) {
    std::map<int64_t, std::string> ranks;  // layer index -> "OP #k"
    std::map<std::string, int> seen;
    for (const auto& l : layers) ranks[l.layer_index] = l.op + " #" + std::to_string(seen[l.op]++);
    return ranks;
  };
  const auto ranks_a = rank_of(f.store.layer_table(a));
  const auto ranks_b = rank_of(f.store.layer_table(b));
  size_t both = 0;
  for (const auto& pair : cmp.layers) {
    ASSERT_TRUE(pair.a || pair.b);
    if (pair.a) {
      EXPECT_EQ(ranks_a.at(pair.a->layer_index), pair.match);
    }
    if (pair.b) {
      EXPECT_EQ(ranks_b.at(pair.b->layer_index), pair.match);
    }
    if (pair.a && pair.b) ++both;
    EXPECT_EQ(pair.layer_index, pair.a ? pair.a->layer_index : pair.b->layer_index);
  }
  // Every layer of each run is in exactly one pair.
  EXPECT_EQ(cmp.layers.size(), ranks_a.size() + ranks_b.size() - both);
  EXPECT_GT(both, 0u);
  EXPECT_THROW(f.store.compare(a, 999), TraceError);
  EXPECT_THROW(f.store.layer_table(999), TraceError);
}
