// The memory chart with many runs (a sweep selects dozens): the curves keep most of the
// height, peak labels overlap neither each other nor the band, the legend shows whole
// names (or elides them in the middle), the first ten run colours are far apart and
// overlaid fills stay light where they all overlap. Checked on the layout's geometry and
// on rendered images.
#include <QImage>
#include <QPainter>
#include <QTest>
#include <cmath>
#include <set>

#include "chart_renderer.hpp"
#include "chart_style.hpp"

using namespace mcuprof::plot;

namespace {

constexpr int64_t KiB = 1024;

// Run i of a sweep: similar shapes (so the peaks crowd together) with a long name.
ChartRun sweep_run(int i) {
  ChartRun r;
  r.name = "mobilenetv2_w035_r" + std::to_string(96 + 16 * (i % 5)) + "_sweep_" +
           std::to_string(i) + ".tflite · patch:4x4@" + std::to_string(4 + i % 7);
  r.clock_hz = 100'000'000;
  r.end_cycle = 100'000 + static_cast<uint64_t>(i) * 1'000;
  r.sram_limit_bytes = 256 * KiB;
  r.static_bytes = {{0, 8 * KiB}};
  const uint64_t peak_at = 20'000 + static_cast<uint64_t>(i % 8) * 2'000;
  r.arena = {{0, 30 * KiB},
             {peak_at, (120 + (i % 9) * 6) * KiB},
             {peak_at + 10'000, 60 * KiB},
             {70'000, 40 * KiB}};
  r.stack = {{0, 1 * KiB}};
  for (int k = 0; k < 10; ++k) {
    const auto b = static_cast<uint64_t>(k) * r.end_cycle / 10;
    r.layers.push_back({"L" + std::to_string(k), k % 2 ? "DEPTHWISE_CONV_2D" : "CONV_2D", b,
                        b + r.end_cycle / 10, k});
  }
  return r;
}

std::vector<ChartRun> sweep(int n) {
  std::vector<ChartRun> runs;
  for (int i = 0; i < n; ++i) runs.push_back(sweep_run(i));
  return runs;
}

QImage render(const ChartRenderer& r, const QRectF& bounds) {
  QImage image(bounds.size().toSize(), QImage::Format_ARGB32);
  image.fill(Qt::white);
  QPainter p(&image);
  r.render(p, bounds);
  return image;
}

// CIELAB of an sRGB colour (D65), written from the CIE formulas.
std::array<double, 3> lab(const QColor& c) {
  const auto lin = [](double v) {
    return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
  };
  const double r = lin(c.redF()), g = lin(c.greenF()), b = lin(c.blueF());
  const double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const auto f = [](double t) {
    return t > 216.0 / 24389.0 ? std::cbrt(t) : (24389.0 / 27.0 * t + 16) / 116;
  };
  return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}

double delta_e(const QColor& a, const QColor& b) {
  const auto la = lab(a), lb = lab(b);
  return std::hypot(la[0] - lb[0], la[1] - lb[1], la[2] - lb[2]);
}

}  // namespace

class TestPlotManyRuns : public QObject {
  Q_OBJECT

 private slots:
  void curvesKeepMostOfTheHeight() {
    // A GUI-sized chart and the CLI's default size, with 1 to 40 runs.
    for (const QRectF bounds : {QRectF(0, 0, 1100, 480), QRectF(0, 0, 1400, 700)}) {
      for (const int n : {1, 2, 10, 40}) {
        ChartRenderer r;
        r.set_runs(sweep(n));
        const ChartLayout l = r.layout(bounds);
        QVERIFY2(l.plot.height() >= 0.6 * bounds.height(),
                 qPrintable(QString("%1 runs at %2 px: plot %3 px high")
                                .arg(n)
                                .arg(bounds.height())
                                .arg(l.plot.height())));
        QVERIFY(l.header.bottom() <= l.plot.top() + 0.5);
        QVERIFY(l.band.top() >= l.plot.bottom() - 0.5);
        QVERIFY(l.band.bottom() <= bounds.bottom());
        // Every run has a band row, or is counted as without one.
        QCOMPARE(static_cast<int>(l.band_rows.size()) + l.band_hidden, n);
        QVERIFY(!l.band_rows.empty());
        for (size_t i = 1; i < l.band_rows.size(); ++i)
          QVERIFY(l.band_rows[i].top() >= l.band_rows[i - 1].bottom());
      }
    }
    // Two runs on a roomy chart keep full rows with their names.
    ChartRenderer two;
    two.set_runs(sweep(2));
    const ChartLayout l = two.layout(QRectF(0, 0, 1400, 700));
    QVERIFY(l.band_labels);
    QCOMPARE(l.band_hidden, 0);
  }

  void peakLabelsNeverOverlap() {
    for (const int n : {2, 10, 40}) {
      for (const XUnit unit : {XUnit::Milliseconds, XUnit::Progress}) {
        ChartRenderer r;
        r.set_runs(sweep(n));
        r.set_x_unit(unit);
        const QRectF bounds(0, 0, 1100, 480);
        const ChartLayout l = r.layout(bounds);
        const auto labels = r.peak_labels(l);
        // Crowded peaks still get labels (the first runs at least).
        QVERIFY2(labels.size() >= std::min<size_t>(static_cast<size_t>(n), 3),
                 qPrintable(QString("%1 runs: %2 labels").arg(n).arg(labels.size())));
        for (size_t i = 0; i < labels.size(); ++i) {
          QVERIFY2(l.plot.contains(labels[i].rect), qPrintable(labels[i].text));
          QVERIFY(!labels[i].rect.intersects(l.band));
          for (const QRectF& row : l.band_rows) QVERIFY(!labels[i].rect.intersects(row));
          QVERIFY(!labels[i].rect.intersects(l.header));
          for (size_t j = i + 1; j < labels.size(); ++j)
            QVERIFY2(
                !labels[i].rect.intersects(labels[j].rect),
                qPrintable(
                    QString("%1 runs: '%2' over '%3'").arg(n).arg(labels[i].text, labels[j].text)));
        }
        std::set<int> runs;
        for (const auto& label : labels) runs.insert(label.run);
        QCOMPARE(runs.size(), labels.size());  // at most one label per run
      }
    }
    // Two runs with the same peak at the same point share one label.
    ChartRun twin = sweep_run(0);
    twin.name = "twin";
    ChartRenderer twins;
    twins.set_runs({sweep_run(0), twin});
    QCOMPARE(twins.peak_labels(twins.layout(QRectF(0, 0, 1100, 480))).size(), size_t{1});
    // A lone peak keeps its full label: figure and place.
    ChartRenderer one;
    one.set_runs(sweep(1));
    const auto labels = one.peak_labels(one.layout(QRectF(0, 0, 1100, 480)));
    QCOMPARE(labels.size(), size_t{1});
    QVERIFY2(labels[0].text.startsWith("highest ") && labels[0].text.contains(" · L"),
             qPrintable(labels[0].text));
  }

  void legendNamesTheStartUpBeforeZero() {
    // Time 0 is the inference start: the start-up before it is named in the legend.
    auto runs = sweep(2);
    runs[0].clock_hz = 100'000'000;
    runs[0].startup = StartUpPhase{"start-up", 4'490'100, 12'000, {}};
    ChartRenderer r;
    r.set_runs(runs);
    const ChartLayout l = r.layout(QRectF(0, 0, 1400, 700));
    QCOMPARE(l.legend.size(), size_t{2});
    QVERIFY2(l.legend[0].text.contains(QStringLiteral("start-up 44.9 ms before 0")),
             qPrintable(l.legend[0].text));
    QVERIFY2(!l.legend[1].text.contains(QStringLiteral("start-up")), qPrintable(l.legend[1].text));
  }

  void legendShowsWholeNames() {
    // Three runs with long names on a wide chart: each legend entry is the whole name.
    ChartRenderer r;
    r.set_runs(sweep(3));
    const ChartLayout l = r.layout(QRectF(0, 0, 1400, 700));
    QCOMPARE(l.legend.size(), size_t{3});
    QCOMPARE(l.legend_hidden, 0);
    for (const auto& e : l.legend) {
      const QString name = QString::fromStdString(r.runs()[static_cast<size_t>(e.run)].name);
      QVERIFY2(e.text.startsWith(name), qPrintable(e.text + " / " + name));
      QVERIFY(e.rect.right() <= l.bounds.right());
    }
    // Ten runs: still whole names, on several lines.
    ChartRenderer ten;
    ten.set_runs(sweep(10));
    const ChartLayout lt = ten.layout(QRectF(0, 0, 1400, 700));
    int shown = 0;
    std::set<double> lines;
    for (const auto& e : lt.legend) {
      if (e.run < 0) continue;
      ++shown;
      lines.insert(e.rect.top());
      QVERIFY(
          e.text.startsWith(QString::fromStdString(ten.runs()[static_cast<size_t>(e.run)].name)));
    }
    QVERIFY2(shown >= 6, qPrintable(QString("%1 entries shown").arg(shown)));
    QVERIFY(lines.size() >= 2);
    // Forty runs: what does not fit is one "+N more" entry whose tooltip names the rest.
    ChartRenderer forty;
    forty.set_runs(sweep(40));
    const QRectF bounds(0, 0, 1100, 480);
    const ChartLayout lf = forty.layout(bounds);
    QVERIFY(lf.legend_hidden > 0);
    QCOMPARE(lf.legend.back().run, -1);
    QCOMPARE(static_cast<int>(lf.legend.size()) - 1 + lf.legend_hidden, 40);
    const HitInfo hit = forty.hit_test(bounds, lf.legend.back().rect.center());
    QCOMPARE(hit.area, HitInfo::Area::Legend);
    const QString tip = forty.tooltip_text(hit);
    QVERIFY2(tip.contains(QString::fromStdString(forty.runs().back().name)), qPrintable(tip));
    QCOMPARE(tip.count('\n') + 1, lf.legend_hidden);
    // A name wider than the whole chart: elided in the middle, both ends kept.
    ChartRun wide = sweep_run(0);
    wide.name = "a_model_with_a_name_far_longer_than_the_chart_is_wide_" + std::string(60, 'x') +
                "_END.tflite";
    ChartRenderer narrow;
    narrow.set_runs({wide});
    const ChartLayout ln = narrow.layout(QRectF(0, 0, 500, 400));
    QCOMPARE(ln.legend.size(), size_t{1});
    const QString text = ln.legend[0].text;
    QVERIFY2(text.startsWith("a_model_with") && text.contains("_END.tflite") &&
                 text.contains(QChar(0x2026)),
             qPrintable(text));
    QVERIFY(ln.legend[0].rect.right() <= ln.bounds.right());
  }

  void firstTenColoursAreDistinct() {
    for (int i = 0; i < 10; ++i)
      for (int j = i + 1; j < 10; ++j)
        QVERIFY2(delta_e(run_colour(i), run_colour(j)) >= 25.0,
                 qPrintable(QString("colours %1 and %2: ΔE %3")
                                .arg(i)
                                .arg(j)
                                .arg(delta_e(run_colour(i), run_colour(j)))));
    // None of the runs looks like the SRAM limit line.
    const ChartColours colours;
    for (int i = 0; i < kRunPaletteSize; ++i)
      QVERIFY(delta_e(run_colour(i), colours.sram_limit) >= 20.0);
    // Forty runs: forty different colours.
    std::set<QRgb> all;
    for (int i = 0; i < 40; ++i) all.insert(run_colour(i).rgb());
    QCOMPARE(all.size(), size_t{40});
  }

  void overlaidFillsStayLight() {
    // Ten runs filling the same stretch: where every fill overlaps (below all curves,
    // away from the outlines) the colour stays light, not a muddy brown.
    std::vector<ChartRun> runs;
    for (int i = 0; i < 10; ++i) {
      ChartRun r;
      r.name = "run " + std::to_string(i);
      r.end_cycle = 1000;
      r.static_bytes = {{0, 20 * KiB}};
      r.arena = {{0, (60 + i * 4) * KiB}};
      r.stack = {{0, 2 * KiB}};
      runs.push_back(r);
    }
    ChartRenderer r;
    r.options().show_peaks = false;
    r.set_runs(runs);
    const QRectF bounds(0, 0, 900, 500);
    const QImage img = render(r, bounds);
    const ChartLayout l = r.layout(bounds);
    for (const double bytes : {10.0 * KiB, 40.0 * KiB}) {  // static, arena part
      const QPoint at(static_cast<int>(l.plot.center().x()),
                      static_cast<int>(r.y_map(l).to_pixel(bytes)));
      const QColor c(img.pixel(at));
      QVERIFY2(c.lightnessF() >= 0.6, qPrintable(QString("fill at %1 KiB: %2 (lightness %3)")
                                                     .arg(bytes / KiB)
                                                     .arg(c.name())
                                                     .arg(c.lightnessF())));
    }
    // The fills are still there: the overlap is not the plot's background.
    const QPoint at(static_cast<int>(l.plot.center().x()),
                    static_cast<int>(r.y_map(l).to_pixel(40.0 * KiB)));
    QVERIFY(QColor(img.pixel(at)) != r.options().colours.plot_background);
    // One run keeps its stronger shades.
    QVERIFY(component_fill(run_colour(0), Component::Arena, 1).alphaF() >
            component_fill(run_colour(0), Component::Arena, 10).alphaF() * 3);
  }
};

QTEST_MAIN(TestPlotManyRuns)
#include "test_plot_many_runs.moc"
