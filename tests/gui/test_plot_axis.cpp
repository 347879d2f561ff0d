// The memory chart's coordinate mapping as units: x units (cycles, ms, progress), value <->
// pixel maps both ways, zoom and pan of the visible range, nice ticks and byte labels.
#include <QTest>
#include <cmath>

#include "axis_mapping.hpp"

using namespace mcuprof::plot;

class TestPlotAxis : public QObject {
  Q_OBJECT

 private slots:
  void cyclesMillisecondsAndProgress() {
    const Timebase tb{100'000'000, 2'000'000};  // 100 MHz, 20 ms run
    QCOMPARE(tb.to_axis(1'000'000, XUnit::Cycles), 1'000'000.0);
    QCOMPARE(tb.to_axis(1'000'000, XUnit::Milliseconds), 10.0);
    QCOMPARE(tb.to_axis(500'000, XUnit::Progress), 0.25);
    QCOMPARE(tb.to_axis(2'000'000, XUnit::Progress), 1.0);
    for (const XUnit u : {XUnit::Cycles, XUnit::Milliseconds, XUnit::Progress}) {
      for (const double c : {0.0, 1.0, 123'456.0, 2'000'000.0}) {
        QVERIFY(std::abs(tb.to_cycle(tb.to_axis(c, u), u) - c) < 1e-6);
      }
    }
  }

  void runsOfDifferentLengthsLineUpInProgress() {
    const Timebase layerwise{100'000'000, 8'000'000}, patched{100'000'000, 9'000'000};
    QCOMPARE(layerwise.to_axis(8'000'000, XUnit::Progress),
             patched.to_axis(9'000'000, XUnit::Progress));
    QCOMPARE(layerwise.to_axis(4'000'000, XUnit::Progress), 0.5);
    QCOMPARE(patched.to_cycle(0.5, XUnit::Progress), 4'500'000.0);
  }

  void unknownClockFallsBackToCycles() {
    const Timebase tb{0, 1000};
    QCOMPARE(tb.to_axis(250, XUnit::Milliseconds), 250.0);
    QCOMPARE(tb.to_cycle(250, XUnit::Milliseconds), 250.0);
  }

  void linearMapBothWays() {
    const LinearMap x(0.0, 1000.0, 50.0, 1050.0);  // 1 px per unit, offset 50
    QCOMPARE(x.to_pixel(0), 50.0);
    QCOMPARE(x.to_pixel(1000), 1050.0);
    QCOMPARE(x.to_value(550), 500.0);
    const LinearMap y(0.0, 256.0 * 1024, 400.0, 0.0);  // bytes up, pixels down
    QCOMPARE(y.to_pixel(0), 400.0);
    QCOMPARE(y.to_pixel(128.0 * 1024), 200.0);
    QCOMPARE(y.to_pixel(256.0 * 1024), 0.0);
    QCOMPARE(y.to_value(100), 192.0 * 1024);
    const LinearMap degenerate(5.0, 5.0, 0.0, 100.0);
    QVERIFY(std::isfinite(degenerate.to_pixel(5.0)));
  }

  void zoomKeepsTheAnchorInPlace() {
    XView v;
    v.set_extent(0, 1000);
    QVERIFY(!v.zoomed());
    v.zoom(4.0, 250.0);  // 4x around 250: the anchor stays at 25 % of the view
    QCOMPARE(v.hi() - v.lo(), 250.0);
    QCOMPARE((250.0 - v.lo()) / (v.hi() - v.lo()), 0.25);
    QVERIFY(v.zoomed());
    v.zoom(0.25, 250.0);  // zoom back out
    QCOMPARE(v.lo(), 0.0);
    QCOMPARE(v.hi(), 1000.0);
    v.zoom(0.1, 500.0);  // never wider than the extent
    QCOMPARE(v.lo(), 0.0);
    QCOMPARE(v.hi(), 1000.0);
  }

  void zoomNearTheEdgeStaysInside() {
    XView v;
    v.set_extent(0, 1000);
    v.zoom(2.0, 990.0);
    QVERIFY(v.lo() >= 0.0);
    QVERIFY(v.hi() <= 1000.0);
    QCOMPARE(v.hi() - v.lo(), 500.0);
  }

  void panIsClampedToTheExtent() {
    XView v;
    v.set_extent(0, 1000);
    v.set_visible(100, 300);
    v.pan(50);
    QCOMPARE(v.lo(), 150.0);
    QCOMPARE(v.hi(), 350.0);
    v.pan(-10'000);
    QCOMPARE(v.lo(), 0.0);
    QCOMPARE(v.hi(), 200.0);
    v.pan(10'000);
    QCOMPARE(v.lo(), 800.0);
    QCOMPARE(v.hi(), 1000.0);
    v.reset();
    QCOMPARE(v.lo(), 0.0);
    QCOMPARE(v.hi(), 1000.0);
  }

  void zoomHasALimit() {
    XView v;
    v.set_extent(0, 1e6);
    for (int i = 0; i < 200; ++i) v.zoom(10.0, 5e5);
    QVERIFY(v.hi() - v.lo() >= v.min_width() * 0.999);
    QVERIFY(v.hi() > v.lo());
  }

  void niceSteps() {
    QCOMPARE(nice_step(100, 5), 20.0);
    QCOMPARE(nice_step(1000, 4), 250.0);
    QCOMPARE(nice_step(7, 7), 1.0);
    QCOMPARE(nice_step(0.3, 3), 0.1);
    const auto t = nice_ticks(0, 100, 5);
    QCOMPARE(t.size(), size_t{6});
    QCOMPARE(t.front(), 0.0);
    QCOMPARE(t.back(), 100.0);
    const auto u = nice_ticks(13, 87, 4);  // inside the range only, on multiples of 20
    QCOMPARE(u.front(), 20.0);
    QCOMPARE(u.back(), 80.0);
    QVERIFY(nice_ceiling(301) >= 301 && nice_ceiling(301) <= 400);
    QCOMPARE(nice_ceiling(250), 250.0);
  }

  void byteTicksUseKibAndMib() {
    const auto kib = byte_ticks(256.0 * 1024, 5);
    QVERIFY(kib.size() >= 4);
    QCOMPARE(kib.front().label, std::string("0"));
    QCOMPARE(kib[1].label, std::string("50 KiB"));
    QCOMPARE(kib[1].value, 50.0 * 1024);
    const auto mib = byte_ticks(3.0 * 1024 * 1024, 6);
    QCOMPARE(mib[1].label, std::string("0.5 MiB"));
    QCOMPARE(mib[1].value, 0.5 * 1024 * 1024);
    const auto bytes = byte_ticks(1000, 5);
    QCOMPARE(bytes[1].label, std::string("200 B"));
  }

  void xTickLabelsPerUnit() {
    const auto cyc = x_ticks(0, 8e6, XUnit::Cycles, 4);
    QCOMPARE(cyc[1].label, std::string("2M"));
    QCOMPARE(cyc[0].label, std::string("0"));
    const auto sub = x_ticks(0, 2e6, XUnit::Cycles, 10);
    QCOMPARE(sub[1].label, std::string("0.2M"));
    QCOMPARE(sub.back().label, std::string("2M"));
    QCOMPARE(x_ticks(0, 500, XUnit::Cycles, 5)[1].label, std::string("100"));
    const auto ms = x_ticks(0, 12.5, XUnit::Milliseconds, 5);
    QCOMPARE(ms[1].label, std::string("2.5"));
    const auto prog = x_ticks(0, 1, XUnit::Progress, 4);
    QCOMPARE(prog.back().label, std::string("100%"));
    QCOMPARE(prog[1].label, std::string("25%"));
  }

  void formatting() {
    QCOMPARE(format_bytes(512), std::string("512 B"));
    QCOMPARE(format_bytes(172.0 * 1024), std::string("172 KiB"));
    QCOMPARE(format_bytes(308.6 * 1024), std::string("308.6 KiB"));
    QCOMPARE(format_bytes(1.5 * 1024 * 1024), std::string("1.5 MiB"));
    QCOMPARE(format_axis_value(1234567, XUnit::Cycles), std::string("1,234,567 cycles"));
    QCOMPARE(format_axis_value(12.3456, XUnit::Milliseconds), std::string("12.346 ms"));
    QCOMPARE(format_axis_value(0.42, XUnit::Progress), std::string("42.0 %"));
  }
};

QTEST_APPLESS_MAIN(TestPlotAxis)
#include "test_plot_axis.moc"
