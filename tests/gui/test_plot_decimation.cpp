// Min/max decimation of step series per pixel column against a brute-force evaluation,
// including the peak guarantee (a one-cycle spike among millions of samples is never
// hidden), plus the series helpers (value_at, sum_series, complete_run).
#include <QTest>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <random>

#include "chart_data.hpp"
#include "decimation.hpp"

using namespace mcuprof::plot;

namespace {

// Every value the series has at integer cycle t: all samples at t (transient ones too),
// else the value carried from the last earlier sample, as long as t < the run's end.
std::vector<int64_t> values_at_cycle(const StepSeries& s, uint64_t t, uint64_t end_cycle) {
  std::vector<int64_t> out;
  for (const auto& p : s) {
    if (p.cycle == t) out.push_back(p.bytes);
  }
  if (!out.empty()) return out;
  const uint64_t hold_end = std::max(end_cycle, s.empty() ? 0 : s.back().cycle);
  if (t >= hold_end) return out;
  std::optional<int64_t> carried;
  for (const auto& p : s) {
    if (p.cycle < t) carried = p.bytes;
  }
  if (carried) out.push_back(*carried);
  return out;
}

struct MinMax {
  bool any = false;
  int64_t min = std::numeric_limits<int64_t>::max(), max = std::numeric_limits<int64_t>::min();
};

MinMax brute_force(const StepSeries& s, uint64_t a, uint64_t b, uint64_t end_cycle) {
  MinMax m;
  for (uint64_t t = a; t < b; ++t) {
    for (const int64_t v : values_at_cycle(s, t, end_cycle)) {
      m.any = true;
      m.min = std::min(m.min, v);
      m.max = std::max(m.max, v);
    }
  }
  return m;
}

}  // namespace

class TestPlotDecimation : public QObject {
  Q_OBJECT

 private slots:
  void matchesBruteForceOnRandomSeries() {
    std::mt19937 rng(7);
    for (int trial = 0; trial < 300; ++trial) {
      StepSeries s;
      const int n = std::uniform_int_distribution<int>(0, 40)(rng);
      uint64_t c = std::uniform_int_distribution<uint64_t>(0, 30)(rng);
      for (int k = 0; k < n; ++k) {
        c += std::uniform_int_distribution<uint64_t>(0, 12)(rng);  // 0 = same cycle (transient)
        s.push_back({c, std::uniform_int_distribution<int64_t>(-50, 1000)(rng)});
      }
      const uint64_t end_cycle = c + std::uniform_int_distribution<uint64_t>(0, 40)(rng);
      std::vector<double> edges;
      uint64_t e = std::uniform_int_distribution<uint64_t>(0, 20)(rng);
      const int columns = std::uniform_int_distribution<int>(1, 60)(rng);
      for (int k = 0; k <= columns; ++k) {
        edges.push_back(static_cast<double>(e));
        e += std::uniform_int_distribution<uint64_t>(0, 15)(rng);  // 0 = empty column
      }
      const auto env = decimate_step_series(s, edges, end_cycle);
      QCOMPARE(env.size(), edges.size() - 1);
      for (size_t k = 0; k < env.size(); ++k) {
        const auto expected = brute_force(s, static_cast<uint64_t>(edges[k]),
                                          static_cast<uint64_t>(edges[k + 1]), end_cycle);
        QCOMPARE(env[k].has_data, expected.any);
        if (!expected.any) continue;
        QCOMPARE(env[k].min, expected.min);
        QCOMPARE(env[k].max, expected.max);
        QVERIFY(env[k].first >= env[k].min && env[k].first <= env[k].max);
        QVERIFY(env[k].last >= env[k].min && env[k].last <= env[k].max);
      }
    }
  }

  void aOneCycleSpikeAmongMillionsIsNeverHidden() {
    // 3 M samples over 30 M cycles, a 1-cycle spike at an odd place, 977 columns of
    // fractional width: the column holding the spike shows it, none shows more.
    StepSeries s;
    s.reserve(3'000'001);
    std::mt19937 rng(1);
    std::uniform_int_distribution<int64_t> noise(1000, 2000);
    const uint64_t spike_cycle = 17'654'321;
    for (uint64_t c = 0; c < 30'000'000; c += 10) {
      s.push_back({c, noise(rng)});
      if (c == spike_cycle - 1) s.push_back({spike_cycle, 9999});  // then back to noise at c+10
    }
    const int columns = 977;
    std::vector<double> edges;
    for (int k = 0; k <= columns; ++k) edges.push_back(30'000'000.0 * k / columns);
    const auto env = decimate_step_series(s, edges, 30'000'000);
    int64_t drawn_max = 0;
    size_t max_column = 0;
    for (size_t k = 0; k < env.size(); ++k) {
      QVERIFY(env[k].has_data);
      if (env[k].max > drawn_max) drawn_max = env[k].max, max_column = k;
    }
    QCOMPARE(drawn_max, int64_t{9999});
    QVERIFY(edges[max_column] <= spike_cycle && spike_cycle < edges[max_column + 1]);
    // The true max of every column is at most what the decimator drew (spot check).
    for (size_t k = 0; k < env.size(); k += 97) {
      int64_t m = *value_at(s, static_cast<uint64_t>(std::floor(edges[k])));  // carried in
      for (const auto& p : s) {
        if (static_cast<double>(p.cycle) >= edges[k] && static_cast<double>(p.cycle) < edges[k + 1])
          m = std::max(m, p.bytes);
      }
      QCOMPARE(env[k].max, m);
    }
  }

  void transientValuesAtOneCycleCount() {
    // alloc and free in the same cycle: the 500 existed, so its column shows it.
    const StepSeries s = {{0, 10}, {50, 500}, {50, 20}, {100, 20}};
    const std::vector<double> edges = {0, 25, 50, 75, 100};
    const auto env = decimate_step_series(s, edges, 100);
    QCOMPARE(env[1].max, int64_t{10});
    QCOMPARE(env[2].max, int64_t{500});
    QCOMPARE(env[2].last, int64_t{20});
    QCOMPARE(env[3].max, int64_t{20});
  }

  void nothingBeforeTheFirstSampleOrAfterTheEnd() {
    const StepSeries s = {{100, 7}, {200, 9}};
    const std::vector<double> edges = {0, 50, 100, 150, 250, 300, 350};
    const auto env = decimate_step_series(s, edges, 300);
    QVERIFY(!env[0].has_data);
    QVERIFY(!env[1].has_data);
    QVERIFY(env[2].has_data);
    QCOMPARE(env[2].max, int64_t{7});
    QCOMPARE(env[3].min, int64_t{7});
    QCOMPARE(env[3].max, int64_t{9});
    QVERIFY(env[4].has_data);   // [250,300) inside the run
    QVERIFY(!env[5].has_data);  // [300,350) after the end
    QVERIFY(decimate_step_series({}, edges, 300)[2].has_data == false);
  }

  void valueAtAndSums() {
    const StepSeries a = {{0, 10}, {100, 30}};
    const StepSeries b = {{50, 5}, {100, 0}, {150, 7}};
    QVERIFY(!value_at(b, 10));
    QCOMPARE(*value_at(a, 99), int64_t{10});
    QCOMPARE(*value_at(a, 100), int64_t{30});
    const StepSeries* parts[] = {&a, &b};
    const StepSeries sum = sum_series(parts);
    QCOMPARE(*value_at(sum, 0), int64_t{10});
    QCOMPARE(*value_at(sum, 60), int64_t{15});
    QCOMPARE(*value_at(sum, 100), int64_t{30});
    QCOMPARE(*value_at(sum, 1000), int64_t{37});
    // Sample by sample at equal cycles, so the transient 35 (a up, b not yet down) survives.
    QCOMPARE(series_max(sum)->bytes, int64_t{37});
    bool saw_transient = false;
    for (const auto& p : sum) saw_transient |= (p.cycle == 100 && p.bytes == 35);
    QVERIFY(saw_transient);
  }

  void completeRunDerivesTotalPeakAndEnd() {
    ChartRun run;
    run.static_bytes = {{0, 1000}};
    run.arena = {{0, 0}, {300, 5000}, {600, 2000}};
    run.stack = {{0, 100}, {310, 400}, {320, 100}};
    run.layers = {{"fc", "FULLY_CONNECTED", 600, 900, 2},
                  {"conv", "CONV_2D", 0, 300, 0},
                  {"dw", "DEPTHWISE_CONV_2D", 300, 600, 1}};
    run.patches = {{0, 1, 310, 400}};
    complete_run(run);
    QCOMPARE(run.end_cycle, uint64_t{900});
    QCOMPARE(run.layers.front().name, std::string("conv"));
    QVERIFY(run.peak.has_value());
    QCOMPARE(run.peak->bytes, int64_t{1000 + 5000 + 400});
    QCOMPARE(run.peak->cycle, uint64_t{310});
    QCOMPARE(run.peak->where, std::string("dw patch (0,1)"));
    QCOMPARE(layer_at(run.layers, 599)->name, std::string("dw"));
    QVERIFY(layer_at(run.layers, 900) == nullptr);
    QVERIFY(patch_at(run.patches, 400) == nullptr);
  }
};

QTEST_APPLESS_MAIN(TestPlotDecimation)
#include "test_plot_decimation.moc"
