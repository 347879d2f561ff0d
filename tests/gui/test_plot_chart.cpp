// The memory chart rendered to images for a known pair of runs, checked for what a user
// must see: the SRAM line at the right height, each peak marker at its peak's time and
// size, both runs' colours, the layer band under the axis, a spike that must survive
// decimation, the selection; hit testing for tooltips; a valid SVG with the legend.
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>
#include <cmath>

#include "chart_renderer.hpp"
#include "chart_style.hpp"

using namespace mcuprof::plot;

namespace {

constexpr int64_t KiB = 1024;

// Run A (layer-wise): 1000 cycles at 1 MHz; total peaks at 10+100+2 = 112 KiB at cycle 200.
ChartRun layerwise() {
  ChartRun r;
  r.name = "demo layer-wise";
  r.clock_hz = 1'000'000;
  r.end_cycle = 1000;
  r.sram_limit_bytes = 96 * KiB;
  r.static_bytes = {{0, 10 * KiB}};
  r.arena = {{0, 20 * KiB}, {200, 100 * KiB}, {400, 60 * KiB}, {700, 30 * KiB}};
  r.stack = {{0, 2 * KiB}};
  r.layers = {{"conv0", "CONV_2D", 0, 200, 0},
              {"conv1", "DEPTHWISE_CONV_2D", 200, 400, 1},
              {"conv2", "CONV_2D", 400, 700, 2},
              {"fc", "FULLY_CONNECTED", 700, 1000, 3}};
  return r;
}

// Run B (patch-based): 1300 cycles; 4 patches in [0, 800); peak 10+50+2 = 62 KiB at 500.
ChartRun patch_based() {
  ChartRun r;
  r.name = "demo patch-based";
  r.clock_hz = 1'000'000;
  r.end_cycle = 1300;
  r.sram_limit_bytes = 96 * KiB;
  r.static_bytes = {{0, 10 * KiB}};
  r.arena = {{0, 20 * KiB},   {100, 40 * KiB}, {500, 50 * KiB},
             {600, 30 * KiB}, {800, 45 * KiB}, {1100, 25 * KiB}};
  r.stack = {{0, 2 * KiB}};
  for (int p = 0; p < 4; ++p) {
    const auto b = static_cast<uint64_t>(p * 200);
    r.patches.push_back({p / 2, p % 2, b, b + 200});
    r.layers.push_back({"conv0", "CONV_2D", b, b + 120, 0});
    r.layers.push_back({"conv1", "DEPTHWISE_CONV_2D", b + 120, b + 200, 1});
  }
  r.layers.push_back({"conv2", "CONV_2D", 800, 1100, 2});
  r.layers.push_back({"fc", "FULLY_CONNECTED", 1100, 1300, 3});
  return r;
}

const QRectF kBounds(0, 0, 1000, 560);

QImage render(const ChartRenderer& r) {
  QImage image(kBounds.size().toSize(), QImage::Format_ARGB32);
  image.fill(Qt::white);
  QPainter p(&image);
  r.render(p, kBounds);
  return image;
}

// Pixels of exactly `colour` inside `area`.
struct Found {
  int count = 0;
  double sum_x = 0, sum_y = 0;
  double cx() const { return sum_x / count; }
  double cy() const { return sum_y / count; }
};
Found find_colour(const QImage& img, const QColor& colour, const QRectF& area) {
  Found f;
  const QRgb want = colour.rgb();
  const QRect a = area.toAlignedRect().intersected(img.rect());
  for (int y = a.top(); y <= a.bottom(); ++y) {
    for (int x = a.left(); x <= a.right(); ++x) {
      if ((img.pixel(x, y) & 0xffffff) == (want & 0xffffff)) {
        ++f.count;
        f.sum_x += x + 0.5;
        f.sum_y += y + 0.5;
      }
    }
  }
  return f;
}

// The pixel row holding the most pixels of `colour` inside `area`.
int densest_row(const QImage& img, const QColor& colour, const QRectF& area, int* count) {
  const QRect a = area.toAlignedRect().intersected(img.rect());
  int best = -1, best_n = 0;
  for (int y = a.top(); y <= a.bottom(); ++y) {
    int n = 0;
    for (int x = a.left(); x <= a.right(); ++x)
      n += (img.pixel(x, y) & 0xffffff) == (colour.rgb() & 0xffffff);
    if (n > best_n) best = y, best_n = n;
  }
  *count = best_n;
  return best;
}

}  // namespace

class TestPlotChart : public QObject {
  Q_OBJECT

 private slots:
  void sramLineAtTheRightHeight() {
    ChartRenderer r;
    r.set_runs({layerwise(), patch_based()});
    const QImage img = render(r);
    const ChartLayout l = r.layout(kBounds);
    const double expected = r.y_map(l).to_pixel(96.0 * KiB);
    int n = 0;
    const int row = densest_row(img, r.options().colours.sram_limit, l.plot, &n);
    QVERIFY2(n > l.plot.width() * 0.3, qPrintable(QString("only %1 px of the SRAM colour").arg(n)));
    QVERIFY2(std::abs(row + 0.5 - expected) <= 2.0,
             qPrintable(QString("SRAM line at row %1, expected %2").arg(row).arg(expected)));
    // The y range holds the limit and the highest peak.
    QVERIFY(r.y_max() >= 112.0 * KiB);
  }

  void peakMarkersAtThePeaks() {
    for (const XUnit unit : {XUnit::Cycles, XUnit::Milliseconds, XUnit::Progress}) {
      ChartRenderer r;
      r.set_runs({layerwise(), patch_based()});
      r.set_x_unit(unit);
      QCOMPARE(r.runs()[0].peak->cycle, uint64_t{200});
      QCOMPARE(r.runs()[0].peak->bytes, 112 * KiB);
      QCOMPARE(r.runs()[0].peak->where, std::string("conv1"));
      QCOMPARE(r.runs()[1].peak->cycle, uint64_t{500});
      const QImage img = render(r);
      const ChartLayout l = r.layout(kBounds);
      for (int i = 0; i < 2; ++i) {
        const auto& peak = *r.runs()[static_cast<size_t>(i)].peak;
        const double px =
            r.x_map(l).to_pixel(r.timebase(i).to_axis(static_cast<double>(peak.cycle), unit));
        const double py = r.y_map(l).to_pixel(static_cast<double>(peak.bytes));
        const Found m =
            find_colour(img, peak_marker_colour(run_colour(i)), l.plot.adjusted(-10, -10, 10, 10));
        QVERIFY2(m.count >= 10, qPrintable(QString("run %1: marker not found").arg(i)));
        QVERIFY2(std::abs(m.cx() - px) <= 2.0,
                 qPrintable(QString("run %1 marker x %2, peak x %3").arg(i).arg(m.cx()).arg(px)));
        QVERIFY2(std::abs(m.cy() - py) <= 2.0,
                 qPrintable(QString("run %1 marker y %2, peak y %3").arg(i).arg(m.cy()).arg(py)));
      }
    }
  }

  void bothRunsColoursPresent() {
    for (const ChartMode mode : {ChartMode::Stacked, ChartMode::Overlaid}) {
      ChartRenderer r;
      r.options().mode = mode;
      r.set_runs({layerwise(), patch_based()});
      const QImage img = render(r);
      const QRectF plot = r.layout(kBounds).plot;
      for (int i = 0; i < 2; ++i) {
        const int n = find_colour(img, run_colour(i), plot).count;
        QVERIFY2(n > 200, qPrintable(QString("run %1 colour: %2 px").arg(i).arg(n)));
      }
    }
    ChartRenderer one;
    one.set_runs({layerwise()});
    QCOMPARE(find_colour(render(one), run_colour(1), one.layout(kBounds).plot).count, 0);
  }

  void bandUnderTheAxis() {
    ChartRenderer r;
    r.set_runs({layerwise(), patch_based()});
    const QImage img = render(r);
    const ChartLayout l = r.layout(kBounds);
    QCOMPARE(l.band_rows.size(), size_t{2});
    const LinearMap x = r.x_map(l);
    for (size_t i = 0; i < 2; ++i) {
      const QRectF row = l.band_rows[i];
      QVERIFY(row.top() >= l.plot.bottom());
      // The fc layer [700, 1000) / [1100, 1300): its op colour fills its stretch of the row.
      const auto& fc = r.runs()[i].layers.back();
      const QRectF fc_rect(
          x.to_pixel(static_cast<double>(fc.begin)) + 2, row.top(),
          x.to_pixel(static_cast<double>(fc.end)) - x.to_pixel(static_cast<double>(fc.begin)) - 4,
          row.height());
      const int n = find_colour(img, op_colour("FULLY_CONNECTED"), fc_rect).count;
      QVERIFY2(n > fc_rect.width() * fc_rect.height() * 0.5,
               qPrintable(QString("row %1: %2 px").arg(i).arg(n)));
      QCOMPARE(find_colour(img, op_colour("FULLY_CONNECTED"), l.plot).count, 0);
    }
    // Patches are striped: the patched stretch of run B's row has fewer plain conv pixels
    // than the same stretch of run A's row.
    const QRectF a(x.to_pixel(0) + 2, l.band_rows[0].top(), x.to_pixel(100) - x.to_pixel(0),
                   l.band_rows[0].height());
    const QRectF b = a.translated(0, l.band_rows[1].top() - l.band_rows[0].top());
    QVERIFY(find_colour(img, op_colour("CONV_2D"), b).count <
            find_colour(img, op_colour("CONV_2D"), a).count * 0.9);
    ChartRenderer no_band;
    no_band.options().show_band = false;
    no_band.set_runs({layerwise()});
    QVERIFY(no_band.layout(kBounds).band_rows.empty());
  }

  void progressLinesUpRunsOfDifferentLength() {
    ChartRenderer r;
    r.set_runs({layerwise(), patch_based()});
    r.set_x_unit(XUnit::Progress);
    const ChartLayout l = r.layout(kBounds);
    for (int i = 0; i < 2; ++i) {
      const double end = static_cast<double>(r.runs()[static_cast<size_t>(i)].end_cycle);
      QCOMPARE(r.x_map(l).to_pixel(r.timebase(i).to_axis(end, XUnit::Progress)), l.plot.right());
    }
    r.set_x_unit(XUnit::Milliseconds);
    QCOMPARE(r.view().full_hi(), 1.3);  // the longer run, 1300 cycles at 1 MHz
  }

  void aNarrowSpikeIsDrawn() {
    // One cycle at 200 KiB among 2 M cycles of ~20 KiB, 1000 px wide: the curve reaches it.
    ChartRun run;
    run.name = "spike";
    run.end_cycle = 2'000'000;
    for (uint64_t c = 0; c < 2'000'000; c += 4)
      run.arena.push_back({c, (20 + static_cast<int64_t>(c % 7)) * KiB});
    run.arena.insert(run.arena.begin() + 300'002, StepPoint{1'200'005, 200 * KiB});
    QVERIFY(
        std::is_sorted(run.arena.begin(), run.arena.end(),
                       [](const StepPoint& a, const StepPoint& b) { return a.cycle < b.cycle; }));
    ChartRenderer r;
    r.options().mode = ChartMode::Overlaid;
    r.options().show_components = false;
    r.options().show_peaks = false;  // the marker would cover the spike's tip
    r.set_runs({run});
    QCOMPARE(r.runs()[0].peak->cycle, uint64_t{1'200'005});
    const QImage img = render(r);
    const ChartLayout l = r.layout(kBounds);
    const double spike_y = r.y_map(l).to_pixel(200.0 * KiB);
    const double spike_x = r.x_map(l).to_pixel(1'200'005);
    const Found top =
        find_colour(img, run_colour(0), QRectF(l.plot.left(), spike_y - 1.5, l.plot.width(), 3));
    QVERIFY2(
        top.count >= 1,
        qPrintable(QString("the spike's top is not drawn (y %1, x %2)").arg(spike_y).arg(spike_x)));
    QVERIFY(std::abs(top.cx() - spike_x) <= 2.0);
  }

  void zoomMovesThePeak() {
    ChartRenderer r;
    r.set_runs({layerwise()});
    r.view().set_visible(200, 400);
    const QImage img = render(r);
    const ChartLayout l = r.layout(kBounds);
    const Found m =
        find_colour(img, peak_marker_colour(run_colour(0)), l.plot.adjusted(-10, -10, 10, 10));
    QVERIFY(m.count >= 5);
    QVERIFY2(std::abs(m.cx() - l.plot.left()) <= 2.0,
             qPrintable(QString("marker x %1").arg(m.cx())));
    r.view().set_visible(500, 1000);  // peak out of view: no marker
    QCOMPARE(find_colour(render(r), peak_marker_colour(run_colour(0)), l.plot).count, 0);
  }

  void selectionAndHighlightAreVisible() {
    ChartRenderer r;
    r.set_runs({layerwise()});
    const ChartLayout l = r.layout(kBounds);
    const QImage plain = render(r);
    r.set_selection(std::make_pair(800.0, 900.0));
    r.set_highlight(HighlightSpan{0, 700, 1000});
    const QImage marked = render(r);
    const QPoint in_sel(static_cast<int>(r.x_map(l).to_pixel(850)),
                        static_cast<int>(l.plot.top() + 5));
    const QPoint outside(static_cast<int>(r.x_map(l).to_pixel(100)),
                         static_cast<int>(l.plot.top() + 5));
    QVERIFY(plain.pixel(in_sel) != marked.pixel(in_sel));
    QCOMPARE(plain.pixel(outside), marked.pixel(outside));
    const auto range = r.cycle_range(0, 900.0, 800.0);
    QCOMPARE(range.first, uint64_t{800});
    QCOMPARE(range.second, uint64_t{900});
  }

  void hitTestForTooltips() {
    ChartRenderer r;
    r.set_runs({layerwise(), patch_based()});
    const ChartLayout l = r.layout(kBounds);
    const QPointF at_300(r.x_map(l).to_pixel(300), l.plot.center().y());
    const HitInfo hit = r.hit_test(kBounds, at_300);
    QCOMPARE(hit.area, HitInfo::Area::Plot);
    QVERIFY(std::abs(hit.axis_value - 300) < 1.0);
    QCOMPARE(hit.runs.size(), size_t{2});
    QCOMPARE(*hit.runs[0].total, 112 * KiB);
    QCOMPARE(*hit.runs[0].arena, 100 * KiB);
    QCOMPARE(*hit.runs[0].stack, 2 * KiB);
    QCOMPARE(*hit.runs[0].static_bytes, 10 * KiB);
    QCOMPARE(hit.runs[0].layer->name, std::string("conv1"));
    QVERIFY(hit.runs[0].patch == nullptr);
    QCOMPARE(*hit.runs[1].total, 52 * KiB);
    QCOMPARE(hit.runs[1].patch->row, 0);
    QCOMPARE(hit.runs[1].patch->col, 1);
    const QString tip = r.tooltip_text(hit);
    QVERIFY2(tip.contains("conv1") && tip.contains("112 KiB") && tip.contains("patch (0,1)"),
             qPrintable(tip));
    // The band: only its run; beyond run A's end it says so.
    const QPointF band_b(r.x_map(l).to_pixel(1200), l.band_rows[1].center().y());
    const HitInfo band = r.hit_test(kBounds, band_b);
    QCOMPARE(band.area, HitInfo::Area::Band);
    QCOMPARE(band.band_run, 1);
    QVERIFY(!band.runs[0].inside);
    QCOMPARE(band.runs[1].layer->name, std::string("fc"));
    // Outside the chart: nothing.
    QCOMPARE(r.hit_test(kBounds, QPointF(2, 2)).area, HitInfo::Area::None);
    QVERIFY(r.tooltip_text(r.hit_test(kBounds, QPointF(2, 2))).isEmpty());
  }

  void observedViewIsADottedLineAndInTheTooltip() {
    // Run A's observed view: 70 KiB while conv1 runs (cycles 200-400), under its 112 KiB.
    ChartRun a = layerwise();
    a.observed = {{0, 5 * KiB}, {200, 70 * KiB}, {400, 40 * KiB}};
    for (const ChartMode mode : {ChartMode::Stacked, ChartMode::Overlaid}) {
      ChartRenderer with, without;
      with.options().mode = without.options().mode = mode;
      with.set_runs({a, patch_based()});
      without.set_runs({layerwise(), patch_based()});
      const ChartLayout l = with.layout(kBounds);
      const double y = with.y_map(l).to_pixel(70.0 * KiB);
      const QRectF strip(with.x_map(l).to_pixel(220), y - 2,
                         with.x_map(l).to_pixel(380) - with.x_map(l).to_pixel(220), 4);
      // Pixels close to run A's colour along the observed level: the dotted line only.
      const auto near = [&](const QImage& img) {
        const QColor want = run_colour(0);
        int n = 0;
        const QRect r = strip.toAlignedRect().intersected(img.rect());
        for (int py = r.top(); py <= r.bottom(); ++py)
          for (int px = r.left(); px <= r.right(); ++px) {
            const QColor c(img.pixel(px, py));
            n += std::abs(c.red() - want.red()) + std::abs(c.green() - want.green()) +
                     std::abs(c.blue() - want.blue()) <
                 90;
          }
        return n;
      };
      const int n_with = near(render(with)), n_without = near(render(without));
      QVERIFY2(
          n_with > strip.width() * 0.15 && n_without < strip.width() * 0.02,
          qPrintable(QString("observed line: %1 px with, %2 without").arg(n_with).arg(n_without)));
    }
    ChartRenderer r;
    r.set_runs({a, patch_based()});
    const ChartLayout l = r.layout(kBounds);
    const HitInfo hit = r.hit_test(kBounds, QPointF(r.x_map(l).to_pixel(300), l.plot.center().y()));
    QCOMPARE(*hit.runs[0].observed, 70 * KiB);
    QVERIFY(!hit.runs[1].observed);
    QVERIFY2(r.tooltip_text(hit).contains("observed 70 KiB"), qPrintable(r.tooltip_text(hit)));
  }

  void svgIsValidAndHasTheLegend() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ChartRenderer r;
    r.set_runs({layerwise(), patch_based()});
    const QString path = dir.filePath("chart.svg");
    std::string error;
    QVERIFY2(r.render_to_file(path, QSize(900, 500), &error), error.c_str());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray svg = f.readAll();
    QXmlStreamReader xml(svg);
    bool root_is_svg = false;
    while (!xml.atEnd()) {
      if (xml.readNext() == QXmlStreamReader::StartElement && !root_is_svg)
        root_is_svg = xml.name() == QLatin1String("svg");
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(root_is_svg);
    QVERIFY(svg.contains("demo layer-wise"));
    QVERIFY(svg.contains("demo patch-based"));
    QVERIFY(svg.contains("SRAM 96 KiB"));
    // Drawn back, the SVG shows both runs' curves and the SRAM line.
    QSvgRenderer back(path);
    QVERIFY(back.isValid());
    QImage img(900, 500, QImage::Format_ARGB32);
    img.fill(Qt::white);
    {
      QPainter p(&img);
      back.render(&p);
    }
    if (qEnvironmentVariableIsSet("MCUPROF_KEEP_SVG_RENDER"))
      img.save(qEnvironmentVariable("MCUPROF_KEEP_SVG_RENDER"));
    const QRectF plot = r.layout(QRectF(0, 0, 900, 500)).plot;
    for (int i = 0; i < 2; ++i) QVERIFY(find_colour(img, run_colour(i), plot).count > 100);
    int n = 0;
    densest_row(img, r.options().colours.sram_limit, plot, &n);
    QVERIFY(n > plot.width() * 0.3);
  }

  void pngFileAndBadOutputs() {
    QTemporaryDir dir;
    ChartRenderer r;
    r.set_runs({layerwise()});
    const QString png = dir.filePath("chart.png");
    QVERIFY(r.render_to_file(png, QSize(800, 400)));
    const QImage back(png);
    QCOMPARE(back.size(), QSize(800, 400));
    QVERIFY(r.render_png(dir.filePath("hidpi.png"), QSize(400, 200), 2.0));
    QCOMPARE(QImage(dir.filePath("hidpi.png")).size(), QSize(800, 400));
    std::string error;
    QVERIFY(!r.render_to_file(dir.filePath("chart.bmpx"), QSize(800, 400), &error));
    QVERIFY2(error.find("unknown plot format") != std::string::npos, error.c_str());
    QVERIFY(!r.render_to_file(dir.filePath("no/such/dir/chart.png"), QSize(800, 400), &error));
    QVERIFY2(error.find("cannot write") != std::string::npos, error.c_str());
  }

  void emptyAndDegenerateInputsDoNotCrash() {
    ChartRenderer r;
    QVERIFY(!render(r).isNull());
    ChartRun empty;
    empty.name = "empty";
    r.set_runs({empty});
    QVERIFY(!render(r).isNull());
    QCOMPARE(r.hit_test(kBounds, r.layout(kBounds).plot.center()).runs.size(), size_t{1});
    QImage tiny(20, 20, QImage::Format_ARGB32);
    QPainter p(&tiny);
    r.render(p, QRectF(0, 0, 20, 20));
  }
};

QTEST_MAIN(TestPlotChart)
#include "test_plot_chart.moc"
