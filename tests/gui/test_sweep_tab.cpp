// The Sweep tab: runs of two boards give two boards in the combo box; the chart holds the
// runs of the chosen board that ended well, with the front the brute-force definition
// gives; clicking a point emits its run's id; the PNG of the chart is drawn.
#include <QApplication>
#include <QComboBox>
#include <QImage>
#include <QSignalSpy>
#include <QTest>

#include "chart_style.hpp"
#include "pareto_chart.hpp"
#include "sweep_points.hpp"
#include "sweep_tab.hpp"

using namespace mcuprof;
using namespace mcuprof::gui;

namespace {

traces::RunRecord run(int64_t id, const std::string& board, uint64_t sram, uint64_t cycles,
                      const std::string& schedule, const std::string& stop = "exited") {
  traces::RunRecord r;
  r.id = id;
  r.name = "model-" + std::to_string(id);
  r.target = board;
  r.clock_hz = 100'000'000;
  r.total_cycles = cycles;
  r.peak_sram_bytes = sram;
  r.sram_bytes = 256 * 1024;
  r.flash_size_bytes = 1024 * 1024;
  r.flash_bytes = 200 * 1024;
  r.schedule = schedule;
  r.stop_reason = stop;
  return r;
}

std::vector<traces::RunRecord> runs() {
  return {run(1, "stm32f412", 60'000, 4'000'000, "layer"),
          run(2, "stm32f412", 40'000, 5'000'000, "patch:2x2@3"),
          run(3, "stm32f412", 70'000, 4'500'000, "layer"),  // beaten by run 1
          run(4, "stm32h743", 50'000, 1'000'000, "layer"),
          run(5, "stm32f412", 30'000, 9'000'000, "patch:4x4@5", "cycle-budget")};
}

}  // namespace

class SweepTabTest : public QObject {
  Q_OBJECT

 private slots:
  void chartHoldsTheBoardsRunsAndTheirFront() {
    const auto chart = sweep_chart(runs(), "stm32f412");
    QCOMPARE(chart.points.size(), size_t{3});  // run 5 did not end well
    for (const auto& p : chart.points) {
      bool beaten = false;
      for (const auto& o : chart.points)
        beaten |= o.peak_sram_bytes <= p.peak_sram_bytes && o.latency_ms <= p.latency_ms &&
                  (o.peak_sram_bytes < p.peak_sram_bytes || o.latency_ms < p.latency_ms);
      QCOMPARE(p.front, !beaten);
    }
    QCOMPARE(chart.sram_limit_bytes, 256.0 * 1024);
    QCOMPARE(sweep_boards(runs()), (std::vector<std::string>{"stm32f412", "stm32h743"}));
    std::string error;
    const auto png = plot::encode_pareto(chart, QStringLiteral("png"), QSize(800, 400), &error);
    QVERIFY2(png.has_value(), error.c_str());
    QVERIFY(png->startsWith("\x89PNG"));
  }

  void clickingAPointOpensItsRun() {
    SweepTab tab;
    tab.resize(900, 500);
    tab.set_runs(runs());
    tab.show();
    QVERIFY(QTest::qWaitForWindowExposed(&tab));
    QCOMPARE(tab.boards()->count(), 2);
    QCOMPARE(tab.boards()->currentText(), QStringLiteral("stm32f412"));
    QSignalSpy clicked(&tab, &SweepTab::runClicked);
    const auto& points = tab.chart()->chart().points;
    const QPointF at = tab.chart()->point_position(1);
    QVERIFY(at.x() >= 0);
    QTest::mouseClick(tab.chart(), Qt::LeftButton, {}, at.toPoint());
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.first().first().toLongLong(), points[1].run_id);
    tab.boards()->setCurrentIndex(1);
    QCOMPARE(tab.chart()->chart().points.size(), size_t{1});
    QVERIFY(tab.chart()->chart().points[0].front);
  }

  void theWindowsSelectionIsRingedOnEveryBoard() {
    SweepTab tab;
    tab.resize(900, 500);
    tab.set_runs(runs());
    tab.show();
    QVERIFY(QTest::qWaitForWindowExposed(&tab));
    const QImage before = tab.chart()->grab().toImage();
    const int64_t picked = tab.chart()->chart().points[1].run_id;
    tab.set_selected({picked});
    for (const auto& p : tab.chart()->chart().points) QCOMPARE(p.selected, p.run_id == picked);
    const QImage after = tab.chart()->grab().toImage();
    QVERIFY(before != after);
    // The ring is drawn around the point, in the selection colour.
    const QPoint at = tab.chart()->point_position(1).toPoint();
    bool ring = false;
    for (int dx = -10; dx <= 10 && !ring; ++dx)
      for (int dy = -10; dy <= 10 && !ring; ++dy)
        ring = after.pixelColor(at + QPoint(dx, dy)) == plot::ChartColours{}.selection &&
               before.pixelColor(at + QPoint(dx, dy)) != plot::ChartColours{}.selection;
    QVERIFY(ring);
    tab.boards()->setCurrentIndex(1);
    tab.boards()->setCurrentIndex(0);
    QVERIFY(tab.chart()->chart().points[1].selected);
    tab.set_selected({});
    QVERIFY(!tab.chart()->chart().points[1].selected);
  }
};

QTEST_MAIN(SweepTabTest)
#include "test_sweep_tab.moc"
