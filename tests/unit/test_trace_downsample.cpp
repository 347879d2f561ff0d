// Counter downsampling for storage: never hides a peak (stored max == exact max, at the
// same cycle), keeps samples exact, keeps first and last, respects the bound; and the
// store applies it per track while recording the exact sample count.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "mcuprof/traces/downsample.hpp"
#include "mcuprof/traces/store.hpp"
#include "mcuprof/traces/writer.hpp"
#include "paths.hpp"

using namespace mcuprof::traces;

namespace {

std::vector<CounterPoint> random_walk(uint32_t seed, size_t n) {
  std::mt19937 rng(seed);
  std::vector<CounterPoint> out;
  int64_t v = 50'000;
  uint64_t t = 0;
  for (size_t i = 0; i < n; ++i) {
    t += std::uniform_int_distribution<uint64_t>(0, 30)(rng);  // repeated cycles allowed
    v += std::uniform_int_distribution<int64_t>(-500, 500)(rng);
    if (i % 997 == 0) v += 20'000;  // short spikes, one sample wide
    if (i % 997 == 1) v -= 20'000;
    out.push_back({t, v});
  }
  return out;
}

const CounterPoint& first_max(const std::vector<CounterPoint>& p) {
  return *std::max_element(p.begin(), p.end(), [](auto& a, auto& b) { return a.value < b.value; });
}
const CounterPoint& first_min(const std::vector<CounterPoint>& p) {
  return *std::min_element(p.begin(), p.end(), [](auto& a, auto& b) { return a.value < b.value; });
}

}  // namespace

TEST(TraceDownsample, NeverHidesAPeakAndKeepsExactSamples) {
  for (uint32_t seed : {1u, 2u, 3u, 42u}) {
    for (size_t max_points : {4u, 5u, 64u, 1000u, 4096u}) {
      const auto exact = random_walk(seed, 50'000);
      const auto stored = downsample_counter(exact, max_points);
      ASSERT_LE(stored.size(), std::max<size_t>(max_points, 4));
      ASSERT_GE(stored.size(), 2u);
      EXPECT_EQ(first_max(stored).value, first_max(exact).value);
      EXPECT_EQ(first_max(stored).ts, first_max(exact).ts);
      EXPECT_EQ(first_min(stored).value, first_min(exact).value);
      EXPECT_EQ(stored.front().ts, exact.front().ts);
      EXPECT_EQ(stored.back().ts, exact.back().ts);
      EXPECT_EQ(stored.back().value, exact.back().value);
      // Every kept sample is one of the exact samples, in the same order.
      size_t j = 0;
      for (const auto& p : stored) {
        while (j < exact.size() && !(exact[j].ts == p.ts && exact[j].value == p.value)) ++j;
        ASSERT_LT(j, exact.size()) << "sample (" << p.ts << ", " << p.value << ") was invented";
        ++j;
      }
    }
  }
}

TEST(TraceDownsample, LeavesShortSeriesAlone) {
  const auto exact = random_walk(7, 100);
  EXPECT_EQ(downsample_counter(exact, 100).size(), 100u);
  EXPECT_EQ(downsample_counter(exact, 0).size(), 100u);
  EXPECT_TRUE(downsample_counter({}, 10).empty());
}

TEST(TraceDownsample, TheStoreDownsamplesPerTrackAndKeepsThePeak) {
  mcuprof::test::ScratchDir dir;
  auto store = TraceStore::open(dir / "t.db", TraceStore::Mode::ReadWrite);
  const auto exact = random_walk(11, 100'000);
  WriterOptions options;
  options.max_counter_points = 2000;
  RunWriter writer(store, RunRecord{}, options);
  for (const auto& p : exact) writer.add_counter(track::kSramTotal, p.ts, p.value);
  writer.add_counter(track::kSramStatic, 0, 4096);
  const int64_t id = writer.finish();

  const auto stored = store.counters(id, track::kSramTotal);
  EXPECT_LE(stored.size(), 2000u);
  EXPECT_EQ(first_max(stored).value, first_max(exact).value);
  EXPECT_EQ(store.run(id)->peak_sram_bytes, static_cast<uint64_t>(first_max(exact).value));
  EXPECT_EQ(store.run(id)->peak_sram_ts, first_max(exact).ts);
  for (const auto& t : store.tracks(id)) {
    if (t.name == track::kSramTotal) {
      EXPECT_EQ(t.exact_samples, exact.size());
      EXPECT_EQ(t.stored_samples, stored.size());
      EXPECT_EQ(t.unit, "bytes");
    } else {
      EXPECT_EQ(t.exact_samples, 1u);
    }
  }
  // The min/max columns of the stored series show the exact peak too.
  const auto columns = store.counter_columns(id, track::kSramTotal, 0, exact.back().ts + 1, 300);
  int64_t top = INT64_MIN;
  for (const auto& c : columns)
    if (c.has_value) top = std::max(top, c.max);
  EXPECT_EQ(top, first_max(exact).value);
}
