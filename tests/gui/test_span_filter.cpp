// The time-range filter of the layer and patch tables: rows map to their spans
// (span_intervals.hpp) and SpanRangeProxy keeps the rows overlapping a selected range;
// the proxies run under QAbstractItemModelTester.
#include <QAbstractItemModelTester>
#include <QLocale>
#include <QTemporaryDir>
#include <QTest>

#include "filter_text.hpp"
#include "layer_table_model.hpp"
#include "patch_table_model.hpp"
#include "span_intervals.hpp"
#include "span_range_proxy.hpp"
#include "trace_loading.hpp"
#include "two_run_fixture.hpp"

using namespace mcuprof::gui;
namespace fx = gui_fixture;

namespace {

QList<int> visible_layers(const SpanRangeProxy& proxy) {
  QList<int> out;
  for (int r = 0; r < proxy.rowCount(); ++r)
    out << proxy.data(proxy.index(r, LayerTableModel::Index), Qt::UserRole).toInt();
  std::sort(out.begin(), out.end());
  return out;
}

QList<qulonglong> visible_patch_starts(const SpanRangeProxy& proxy) {
  QList<qulonglong> out;
  for (int r = 0; r < proxy.rowCount(); ++r)
    out << proxy.data(proxy.index(r, PatchTableModel::Start), Qt::UserRole).toULongLong();
  return out;
}

}  // namespace

class TestSpanFilter : public QObject {
  Q_OBJECT

 private slots:
  void overlapRules() {
    const Intervals spans{{100, 200}, {500, 600}};
    QVERIFY(overlaps(spans, 150, 160));
    QVERIFY(overlaps(spans, 0, 101));
    QVERIFY(!overlaps(spans, 0, 100));    // [lo, hi) ends where the span starts
    QVERIFY(!overlaps(spans, 200, 500));  // between the spans (ends are exclusive)
    QVERIFY(overlaps(spans, 599, 700));
    QVERIFY(!overlaps({}, 0, 1000));
    const Intervals point{{300, 300}};  // a zero-length span counts where it sits
    QVERIFY(overlaps(point, 300, 301));
    QVERIFY(!overlaps(point, 301, 400));
  }

  // A peak with no layer around it (an output allocated just before its layer starts) is
  // named by the layer it precedes, or follows at the end.
  void placesAPeakAmongTheLayers() {
    const std::vector<mcuprof::plot::LayerSpan> layers{{"L0", "CONV_2D", 100, 200, 0},
                                                       {"L1", "ADD", 250, 300, 1}};
    QCOMPARE(mcuprof::plot::layer_place(layers, 150), std::string("L0"));
    QCOMPARE(mcuprof::plot::layer_place(layers, 200), std::string("before L1"));
    QCOMPARE(mcuprof::plot::layer_place(layers, 10), std::string("before L0"));
    QCOMPARE(mcuprof::plot::layer_place(layers, 300), std::string("after L1"));
    QCOMPARE(mcuprof::plot::layer_place({}, 5), std::string());
    mcuprof::plot::ChartRun run;
    run.layers = layers;
    run.total = {{0, 10}, {240, 99}, {250, 50}};
    mcuprof::plot::complete_run(run);
    QVERIFY(run.peak.has_value());
    QCOMPARE(run.peak->where, std::string("before L1"));
  }

  void filtersTablesToTheSelectedRange() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("f.db");
    const auto w = fx::write_two_runs(path.toStdString());
    const auto loaded = load_selection(path, {w.b});
    QVERIFY2(loaded.error.isEmpty(), qPrintable(loaded.error));
    QCOMPARE(loaded.table_run, w.b);

    // Row → spans: layers 0 and 1 ran once per patch, layer 2 once.
    QCOMPARE(loaded.layer_spans.size(), size_t{3});
    QCOMPARE(loaded.layer_spans[0].size(), size_t{fx::kPatches});
    QCOMPARE(loaded.layer_spans[2].size(), size_t{1});
    QCOMPARE(loaded.layer_spans[2][0].begin, w.layer2_b.first);
    QCOMPARE(loaded.layer_spans[2][0].end, w.layer2_b.second);
    QCOMPARE(loaded.patch_spans.size(), size_t{fx::kPatches});
    for (size_t p = 0; p < w.patches.size(); ++p) {
      QCOMPARE(loaded.patch_spans[p].front().begin, w.patches[p].first);
      QCOMPARE(loaded.patch_spans[p].front().end, w.patches[p].second);
    }

    LayerTableModel layers;
    SpanRangeProxy layer_proxy;
    layer_proxy.setSourceModel(&layers);
    QAbstractItemModelTester t1(&layer_proxy,
                                QAbstractItemModelTester::FailureReportingMode::QtTest);
    layers.set_layers(loaded.layers);
    layer_proxy.set_row_intervals(loaded.layer_spans);
    PatchTableModel patches;
    SpanRangeProxy patch_proxy;
    patch_proxy.setSourceModel(&patches);
    QAbstractItemModelTester t2(&patch_proxy,
                                QAbstractItemModelTester::FailureReportingMode::QtTest);
    patches.set_patches(loaded.patches);
    patch_proxy.set_row_intervals(loaded.patch_spans);

    QCOMPARE(visible_layers(layer_proxy), (QList<int>{0, 1, 2}));
    QCOMPARE(patch_proxy.rowCount(), fx::kPatches);

    // Inside the second patch: its two layers, that patch only.
    const auto p1 = w.patches[1];
    layer_proxy.set_range(std::pair{p1.first + 10, p1.second - 10});
    patch_proxy.set_range(std::pair{p1.first + 10, p1.second - 10});
    QCOMPARE(visible_layers(layer_proxy), (QList<int>{0, 1}));
    QCOMPARE(visible_patch_starts(patch_proxy), (QList<qulonglong>{p1.first}));

    // From the end of the last patch over layer 2: no patch, layer 2 only.
    const uint64_t stage_end = w.patches.back().second;
    layer_proxy.set_range(std::pair{stage_end, w.total_b});
    patch_proxy.set_range(std::pair{stage_end, w.total_b});
    QCOMPARE(visible_layers(layer_proxy), (QList<int>{2}));
    QCOMPARE(patch_proxy.rowCount(), 0);

    // Across the boundary of patches 2 and 3: both.
    const auto p2 = w.patches[2];
    patch_proxy.set_range(std::pair{p2.second - 1, p2.second + 1});
    QCOMPARE(visible_patch_starts(patch_proxy), (QList<qulonglong>{p2.first, w.patches[3].first}));

    // Before anything ran: nothing.
    layer_proxy.set_range(std::pair{uint64_t{0}, fx::kStart});
    QCOMPARE(layer_proxy.rowCount(), 0);

    // Reset: everything again, sorting still works on the raw values.
    layer_proxy.set_range(std::nullopt);
    patch_proxy.set_range(std::nullopt);
    QCOMPARE(layer_proxy.rowCount(), 3);
    QCOMPARE(patch_proxy.rowCount(), fx::kPatches);
    layer_proxy.sort(LayerTableModel::Cycles, Qt::DescendingOrder);
    QCOMPARE(layer_proxy.data(layer_proxy.index(0, LayerTableModel::Index), Qt::UserRole).toInt(),
             0);
    QCOMPARE(
        layer_proxy.intervals_of(layer_proxy.mapToSource(layer_proxy.index(0, 0)).row()).size(),
        size_t{fx::kPatches});
  }

  void barSpeaksTheAxisUnit() {
    // The locale's digit grouping, as the bar uses it.
    const QLocale locale;
    const auto n = [&](qulonglong v) { return locale.toString(v); };
    const FilterCounts counts{3, 52, 4, 16};
    const std::pair<uint64_t, uint64_t> cycles{1'250'000, 9'400'000};
    // Milliseconds on the axis: the range in ms, the cycles for reference.
    const QString ms =
        filter_bar_text(AxisRange{12.5, 94.0, mcuprof::plot::XUnit::Milliseconds}, cycles, counts);
    QCOMPARE(ms, QString("Spans overlapping 12.50 – 94.00 ms (cycles %1 – %2 of the first run): "
                         "3 of 52 layers, 4 of 16 patches")
                     .arg(n(1'250'000), n(9'400'000)));
    // A range under a millisecond keeps enough decimals to tell its ends apart.
    QCOMPARE(axis_range_text({0.125, 0.5, mcuprof::plot::XUnit::Milliseconds}),
             QString("0.125 – 0.500 ms"));
    QCOMPARE(axis_range_text({0.2, 0.4, mcuprof::plot::XUnit::Progress}), QString("20.0 – 40.0 %"));
    QVERIFY(filter_bar_text(AxisRange{0.2, 0.4, mcuprof::plot::XUnit::Progress}, cycles, counts)
                .startsWith("Spans overlapping 20.0 – 40.0 % (cycles"));
    // Cycles on the axis (or no axis): cycles only; no patches: not mentioned.
    const QString cyc = filter_bar_text(AxisRange{1.25e6, 9.4e6, mcuprof::plot::XUnit::Cycles},
                                        cycles, {3, 52, 0, 0});
    QCOMPARE(cyc, QString("Spans overlapping cycles %1 – %2: 3 of 52 layers")
                      .arg(n(1'250'000), n(9'400'000)));
    QCOMPARE(filter_bar_text(std::nullopt, cycles, {3, 52, 0, 0}), cyc);
  }
};

QTEST_MAIN(TestSpanFilter)
#include "test_span_filter.moc"
