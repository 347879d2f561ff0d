// The memory chart's data from the trace store has 0 at the inference start: a run with
// RUN_BEGIN..RUN_END (stored as the run slice's window and a start-up phase) is shifted
// so its series, layers and peak count from RUN_BEGIN, the start-up before it is kept as
// its own labelled phase with its peak; a run without a window starts at 0 as stored.
#include <QTemporaryDir>
#include <QTest>

#include "mcuprof/traces/store.hpp"
#include "mcuprof/traces/window.hpp"
#include "mcuprof/traces/writer.hpp"
#include "trace_charts.hpp"
#include "two_run_fixture.hpp"

namespace traces = mcuprof::traces;
namespace plot = mcuprof::plot;

namespace {

using gui_fixture::span;

// Reset at 0, RUN_BEGIN at 2000, RUN_END at 9000, stop at 10000. The total reaches 5000
// bytes during start-up (at 500), 3000 inside the window (at 3000).
int64_t write_windowed(traces::TraceStore& store, bool with_window) {
  traces::RunRecord r;
  r.target = "stm32f412";
  r.clock_hz = 1'000'000;
  r.total_cycles = with_window ? 7000 : 10000;
  traces::RunWriter w(store, r);
  auto run = span("run", traces::kind::kRun, 0, 10000);
  if (with_window) {
    run.args.emplace_back(traces::kInferenceBeginArg, int64_t{2000});
    run.args.emplace_back(traces::kInferenceEndArg, int64_t{9000});
    w.add_span(span(traces::phase::kStartUp, traces::kind::kPhase, 0, 2000));
    w.add_span(span(traces::phase::kWindDown, traces::kind::kPhase, 9000, 1000));
  }
  w.add_span(run);
  auto l0 = span("CONV_2D 0", traces::kind::kLayer, 2500, 1500);
  l0.layer_index = 0;
  auto l1 = span("FULLY_CONNECTED 1", traces::kind::kLayer, 4000, 4000);
  l1.layer_index = 1;
  w.add_span(l0);
  w.add_span(l1);
  for (const auto& [ts, v] : std::vector<std::pair<uint64_t, int64_t>>{
           {0, 1000}, {500, 5000}, {2000, 1500}, {3000, 3000}, {8500, 1000}})
    w.add_counter(traces::track::kSramTotal, ts, v);
  w.add_counter(traces::track::kSramStatic, 0, 1000);
  w.add_counter(traces::track::kSramStatic, 10000, 1000);
  return w.finish();
}

}  // namespace

class TestChartTimeAxis : public QObject {
  Q_OBJECT

 private slots:
  void zeroIsTheInferenceStartAndStartUpIsItsOwnPhase() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto store = traces::TraceStore::open(dir.filePath("t.db").toStdString(),
                                          traces::TraceStore::Mode::ReadWrite);
    const int64_t id = write_windowed(store, true);
    const auto run = *store.run(id);
    const auto window = traces::inference_window(store, run);
    QVERIFY(window.marked);
    QCOMPARE(window.begin, uint64_t{2000});
    QCOMPARE(window.end, uint64_t{9000});
    QCOMPARE(window.run_end, uint64_t{10000});
    QCOMPARE(run.peak_sram_ts, uint64_t{500});  // the writer's peak: during start-up
    QCOMPARE(run.peak_sram_where, std::string("start-up"));

    const plot::ChartRun c = plot::chart_run_from_trace(store, run, 0);
    QCOMPARE(c.end_cycle, uint64_t{8000});  // the wind-down after RUN_END stays visible
    QVERIFY(!c.total.empty());
    QCOMPARE(c.total.front().cycle, uint64_t{0});
    QCOMPARE(c.total.front().bytes, int64_t{1500});  // the value in force at RUN_BEGIN
    QCOMPARE(c.total[1].cycle, uint64_t{1000});
    QCOMPARE(c.static_bytes.front().cycle, uint64_t{0});
    QCOMPARE(c.static_bytes.front().bytes, int64_t{1000});
    QCOMPARE(c.layers.size(), size_t{2});
    QCOMPARE(c.layers[0].begin, uint64_t{500});
    QCOMPARE(c.layers[1].end, uint64_t{6000});
    QVERIFY(c.startup.has_value());
    QCOMPARE(c.startup->label, std::string("start-up"));
    QCOMPARE(c.startup->cycles, uint64_t{2000});
    QCOMPARE(c.startup->peak_bytes, int64_t{5000});
    QCOMPARE(c.startup->total.front().cycle, uint64_t{0});
    QCOMPARE(c.startup->total.back().cycle, uint64_t{500});
    // The run's peak lies before 0: the chart's peak is that of what it shows.
    QVERIFY(c.peak.has_value());
    QCOMPARE(c.peak->bytes, int64_t{3000});
    QCOMPARE(c.peak->cycle, uint64_t{1000});
  }

  void aRunWithoutWindowStartsAtReset() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto store = traces::TraceStore::open(dir.filePath("t.db").toStdString(),
                                          traces::TraceStore::Mode::ReadWrite);
    const int64_t id = write_windowed(store, false);
    const auto run = *store.run(id);
    QVERIFY(!traces::inference_window(store, run).marked);
    const plot::ChartRun c = plot::chart_run_from_trace(store, run, 0);
    QVERIFY(!c.startup.has_value());
    QCOMPARE(c.end_cycle, uint64_t{10000});
    QCOMPARE(c.total.front().cycle, uint64_t{0});
    QCOMPARE(c.total.front().bytes, int64_t{1000});
    QCOMPARE(c.layers[0].begin, uint64_t{2500});
    QVERIFY(c.peak.has_value());
    QCOMPARE(c.peak->cycle, uint64_t{500});
  }
};

QTEST_GUILESS_MAIN(TestChartTimeAxis)
#include "test_chart_time_axis.moc"
