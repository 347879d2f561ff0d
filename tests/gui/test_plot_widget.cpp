// MemoryChartWidget's interaction: wheel zoom around the cursor, drag to pan, Shift+drag
// rubber band emitting the selected time range, a click on the band picking a layer.
#include <QApplication>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>
#include <cmath>

#include "memory_chart_widget.hpp"

using namespace mcuprof::plot;
using mcuprof::gui::MemoryChartWidget;

namespace {

ChartRun run() {
  ChartRun r;
  r.name = "widget run";
  r.end_cycle = 1000;
  r.static_bytes = {{0, 4096}};
  r.arena = {{0, 1000}, {500, 9000}};
  r.layers = {{"first", "CONV_2D", 0, 500, 0}, {"second", "ADD", 500, 1000, 1}};
  return r;
}

}  // namespace

class TestPlotWidget : public QObject {
  Q_OBJECT

 private slots:
  void init() {
    widget_ = std::make_unique<MemoryChartWidget>();
    widget_->resize(900, 450);
    widget_->set_runs({run()});
    widget_->show();
    QVERIFY(QTest::qWaitForWindowExposed(widget_.get()));
    layout_ = widget_->renderer().layout(QRectF(widget_->rect()));
  }
  void cleanup() { widget_.reset(); }

  void wheelZoomsAroundTheCursor() {
    const auto x = [&] { return widget_->renderer().x_map(layout_); };
    const QPointF pos(x().to_pixel(250), layout_.plot.center().y());
    QSignalSpy changed(widget_.get(), &MemoryChartWidget::viewChanged);
    QWheelEvent wheel(pos, widget_->mapToGlobal(pos), QPoint(), QPoint(0, 240), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(widget_.get(), &wheel);
    const auto& v = widget_->renderer().view();
    QVERIFY(v.zoomed());
    QVERIFY(std::abs((v.hi() - v.lo()) - 1000 / 1.5625) < 1e-6);  // two notches of 1.25
    QVERIFY(std::abs(x().to_value(pos.x()) - 250) < 1e-6);        // 250 stays under the cursor
    QCOMPARE(changed.count(), 1);
  }

  void dragPans() {
    widget_->renderer().view().set_visible(400, 600);
    const double y = layout_.plot.center().y();
    const QPoint from(static_cast<int>(layout_.plot.center().x()), static_cast<int>(y));
    const QPoint to = from + QPoint(-100, 0);  // drag left: the view moves right
    const double per_px = 200 / layout_.plot.width();
    QTest::mousePress(widget_.get(), Qt::LeftButton, Qt::NoModifier, from);
    QTest::mouseMove(widget_.get(), from + QPoint(-50, 0));
    QTest::mouseMove(widget_.get(), to);
    QTest::mouseRelease(widget_.get(), Qt::LeftButton, Qt::NoModifier, to);
    const auto& v = widget_->renderer().view();
    QVERIFY2(std::abs(v.lo() - (400 + 100 * per_px)) < 2 * per_px,
             qPrintable(QString::number(v.lo())));
    QVERIFY(std::abs((v.hi() - v.lo()) - 200) < 1e-6);
  }

  void shiftDragSelectsATimeRange() {
    QSignalSpy selected(widget_.get(), &MemoryChartWidget::timeRangeSelected);
    const auto x = widget_->renderer().x_map(layout_);
    const int y = static_cast<int>(layout_.plot.center().y());
    const QPoint a(static_cast<int>(std::lround(x.to_pixel(600))), y);
    const QPoint b(static_cast<int>(std::lround(x.to_pixel(300))), y);
    QTest::mousePress(widget_.get(), Qt::LeftButton, Qt::ShiftModifier, a);
    QTest::mouseMove(widget_.get(), (a + b) / 2);
    QTest::mouseMove(widget_.get(), b);
    QTest::mouseRelease(widget_.get(), Qt::LeftButton, Qt::ShiftModifier, b);
    QCOMPARE(selected.count(), 1);
    const double lo = selected.at(0).at(0).toDouble(), hi = selected.at(0).at(1).toDouble();
    const double px = 1000 / layout_.plot.width();
    QVERIFY2(std::abs(lo - 300) < 2 * px && std::abs(hi - 600) < 2 * px,
             qPrintable(QString("%1..%2").arg(lo).arg(hi)));
    QVERIFY(!widget_->renderer().view().zoomed());  // selecting does not pan
    const auto cycles = widget_->renderer().cycle_range(0, lo, hi);
    QVERIFY(cycles.first >= 298 && cycles.second <= 602);
    QSignalSpy cleared(widget_.get(), &MemoryChartWidget::selectionCleared);
    QTest::keyClick(widget_.get(), Qt::Key_Escape);
    QCOMPARE(cleared.count(), 1);
    QVERIFY(!widget_->renderer().selection());
  }

  void clickOnTheBandPicksALayer() {
    QSignalSpy clicked(widget_.get(), &MemoryChartWidget::layerClicked);
    const auto x = widget_->renderer().x_map(layout_);
    QVERIFY(!layout_.band_rows.empty());
    const QPoint p(static_cast<int>(x.to_pixel(750)),
                   static_cast<int>(layout_.band_rows[0].center().y()));
    QTest::mouseClick(widget_.get(), Qt::LeftButton, Qt::NoModifier, p);
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.at(0).at(0).toInt(), 0);
    QCOMPARE(clicked.at(0).at(1).toInt(), 1);  // "second"
  }

 private:
  std::unique_ptr<MemoryChartWidget> widget_;
  ChartLayout layout_;
};

QTEST_MAIN(TestPlotWidget)
#include "test_plot_widget.moc"
