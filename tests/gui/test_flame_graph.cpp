// The flame graph: its layout from a known tree (function_tree_fixture.hpp) without a
// screen — widths proportional to inclusive cycles, callees inside their caller one row
// down, zooming maps the chosen frame to the full width with its callers above —, the hit
// test, the hover text, the stable colours; then the widget: clicks zoom in and out, the
// painted frames carry their function's colour, a search greys the others.
#include <QApplication>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

#include "flame_graph_widget.hpp"
#include "flame_layout.hpp"
#include "function_tree_fixture.hpp"

using namespace mcuprof::gui;
namespace fx = fn_fixture;

namespace {

constexpr double kWidth = 1000;
constexpr double kRow = 10;

std::shared_ptr<const FunctionTree> fixture_tree() {
  return std::make_shared<const FunctionTree>(
      build_function_tree(fx::spans(), fx::window_cycles()));
}

// The spans' ids are path index + 1 and the tree keeps the spans' order: node = path.
const FlameFrame* frame_of(const std::vector<FlameFrame>& frames, int node) {
  for (const auto& f : frames)
    if (f.node == node) return &f;
  return nullptr;
}

bool near(double a, double b) {
  return qAbs(a - b) < 1e-9;
}

}  // namespace

class TestFlameGraph : public QObject {
  Q_OBJECT

 private slots:
  void layoutIsProportionalAndNested() {
    const auto tree = fixture_tree();
    const auto frames = flame_layout(*tree, -1, kWidth, kRow);
    QCOMPARE(frames.size(), size_t{fx::kPathCount + 1});  // every path and the window bar
    QCOMPARE(frames[0].node, -1);
    QCOMPARE(frames[0].rect, QRectF(0, 0, kWidth, kRow));
    const auto defs = fx::paths();
    const double window = static_cast<double>(fx::window_cycles());
    for (int p = 0; p < fx::kPathCount; ++p) {
      const FlameFrame* f = frame_of(frames, p);
      QVERIFY(f != nullptr);
      QVERIFY(!f->context);
      QVERIFY(
          near(f->rect.width(), static_cast<double>(fx::inclusive(p).cycles) * kWidth / window));
      QVERIFY(near(f->rect.x(),
                   static_cast<double>(fx::spans()[static_cast<size_t>(p)].ts) * kWidth / window));
      const int parent = defs[static_cast<size_t>(p)].parent;
      const QRectF outer = parent < 0 ? frames[0].rect : frame_of(frames, parent)->rect;
      QCOMPARE(f->rect.top(), outer.top() + kRow);
      QVERIFY(f->rect.left() >= outer.left() - 1e-9 && f->rect.right() <= outer.right() + 1e-9);
      for (const auto& g : frames)  // no overlap with any other frame
        if (g.node != p)
          QVERIFY(!f->rect.intersected(g.rect).isValid() ||
                  f->rect.intersected(g.rect).width() < 1e-9);
    }
    QCOMPARE(flame_row_count(*tree), 6);  // window bar + five levels
  }

  void narrowFramesAreLeftOutWithTheirCallees() {
    const auto tree = fixture_tree();
    const double min_width = 6;
    const auto frames = flame_layout(*tree, -1, 100, kRow, min_width);
    QVERIFY(frame_of(frames, fx::kMemset) == nullptr);    // 0.2 px
    QVERIFY(frame_of(frames, fx::kRecurse1) == nullptr);  // 5.3 px
    for (const auto& f : frames) {
      QVERIFY(f.rect.width() >= min_width);
      const int parent = f.node >= 0 ? tree->nodes[static_cast<size_t>(f.node)].parent : -1;
      QVERIFY(parent < 0 || frame_of(frames, parent) != nullptr);
    }
  }

  void zoomMapsTheFrameToTheFullWidth() {
    const auto tree = fixture_tree();
    const auto frames = flame_layout(*tree, fx::kMidA, kWidth, kRow);
    const FlameFrame* mid = frame_of(frames, fx::kMidA);
    QVERIFY(mid != nullptr);
    QCOMPARE(mid->rect, QRectF(0, 3 * kRow, kWidth, kRow));
    QVERIFY(!mid->context);
    for (int caller : {-1, int{fx::kReset}, int{fx::kMain}}) {  // full-width context bars
      const FlameFrame* f = frame_of(frames, caller);
      QVERIFY(f != nullptr);
      QVERIFY(f->context);
      QCOMPARE(f->rect.width(), kWidth);
    }
    const FlameFrame* leaf = frame_of(frames, fx::kLeafUnderMid);
    QVERIFY(leaf != nullptr);
    QVERIFY(near(leaf->rect.width(), 600.0 / 900.0 * kWidth));
    QCOMPARE(leaf->rect.top(), 4 * kRow);
    QCOMPARE(frames.size(), size_t{5});  // nothing outside mid_a's subtree
    QVERIFY(frame_of(frames, fx::kLeafUnderMain) == nullptr);
    QVERIFY(frame_of(frames, fx::kSysTick) == nullptr);
    // The path and the subtree test behind the breadcrumb and the selection.
    QCOMPARE(flame_path(*tree, fx::kLeafUnderMid),
             (std::vector<int>{fx::kReset, fx::kMain, fx::kMidA, fx::kLeafUnderMid}));
    QVERIFY(flame_contains(*tree, fx::kMain, fx::kLeafUnderMid));
    QVERIFY(!flame_contains(*tree, fx::kMidA, fx::kLeafUnderMain));
    // A zoom found again by its names in a re-read tree (no path: -1, the whole window).
    const QStringList names = flame_path_names(*tree, fx::kLeafUnderMid);
    QCOMPARE(names, (QStringList{"Reset_Handler", "main", "mid_a", "leaf_b"}));
    QCOMPARE(flame_find_path(*fixture_tree(), names), int{fx::kLeafUnderMid});
    QCOMPARE(flame_find_path(*tree, {"Reset_Handler", "leaf_b"}), -1);
    QCOMPARE(flame_find_path(*tree, {}), -1);
  }

  void wheelViewStretchesAndClips() {
    const auto tree = fixture_tree();
    const auto frames = flame_layout(*tree, -1, kWidth, kRow, 0.5, 0.5, 1.0);
    QCOMPARE(frames[0].rect, QRectF(0, 0, kWidth, kRow));  // the window bar stays whole
    const double scale = 2 * kWidth / static_cast<double>(fx::window_cycles());
    size_t expected = 1;
    for (int p = 0; p < fx::kPathCount; ++p) {
      const double x = static_cast<double>(fx::spans()[static_cast<size_t>(p)].ts) * scale - kWidth;
      const double w = static_cast<double>(fx::inclusive(p).cycles) * scale;
      const FlameFrame* f = frame_of(frames, p);
      if (x + w <= 0 || x >= kWidth) {
        QVERIFY(f == nullptr);
        continue;
      }
      ++expected;
      QVERIFY(f != nullptr);
      QVERIFY(near(f->rect.left(), std::max(x, 0.0)));
      QVERIFY(near(f->rect.right(), std::min(x + w, kWidth)));
    }
    QCOMPARE(frames.size(), expected);
    QVERIFY(frame_of(frames, fx::kSysTick) != nullptr);        // the right half
    QVERIFY(frame_of(frames, fx::kLeafUnderMain) == nullptr);  // wholly in the left half
  }

  void hitTestAndHoverText() {
    const auto tree = fixture_tree();
    const auto frames = flame_layout(*tree, -1, kWidth, kRow);
    const QRectF leaf = frame_of(frames, fx::kLeafUnderMain)->rect;
    QCOMPARE(flame_frame_at(frames, leaf.center())->node, int{fx::kLeafUnderMain});
    QCOMPARE(flame_frame_at(frames, QPointF(1, 1))->node, -1);
    QVERIFY(flame_frame_at(frames, QPointF(1, 100 * kRow)) == nullptr);
    const QLocale l;
    const QString expected =
        QString(
            "leaf_b\ninclusive: %1 cycles (42.3 % of the window)\nexclusive: %1 cycles "
            "(42.3 %)\ncalls: 3\nflash ifetch: %2 (self %2)\nflash data: %3 (self %3)")
            .arg(l.toString(950), l.formattedDataSize(1800), l.formattedDataSize(96));
    QCOMPARE(flame_tooltip(*tree, fx::kLeafUnderMain), expected);
    QVERIFY(flame_tooltip(*tree, -1).contains(l.toString(qulonglong{fx::window_cycles()})));
  }

  void coloursAreStable() {
    // FNV-1a of the UTF-8 name, mod 360: fixed numbers, the same in every session.
    QCOMPARE(flame_hue("main"), 192);
    QCOMPARE(flame_hue("leaf_b"), 356);
    QCOMPARE(flame_hue("mid_a"), 269);
  }

  void widgetZoomsPaintsAndSearches() {
    FlameGraphWidget w;
    w.resize(800, 200);
    w.set_tree(fixture_tree());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QSignalSpy zoomed(&w, &FlameGraphWidget::zoomChanged);
    QSignalSpy clicked(&w, &FlameGraphWidget::frameClicked);
    const auto rect_of = [&](int node) { return frame_of(w.frames(), node)->rect; };

    // The painted frame has its function's hue.
    const QImage image = w.grab().toImage();
    const QRectF mid = rect_of(fx::kMidA);
    const QColor pixel = image.pixelColor(
        QPoint(static_cast<int>(mid.right()) - 3, static_cast<int>(mid.top()) + 2));
    QVERIFY2(qAbs(pixel.hsvHue() - flame_hue("mid_a")) <= 2, qPrintable(pixel.name()));
    QVERIFY(w.tooltip_at(rect_of(fx::kLeafUnderMain).center())
                .startsWith(flame_tooltip(w.tree(), fx::kLeafUnderMain)));

    QTest::mouseClick(&w, Qt::LeftButton, {}, mid.center().toPoint());
    QCOMPARE(w.zoom(), int{fx::kMidA});
    QCOMPARE(zoomed.size(), 1);
    QCOMPARE(clicked.size(), 1);
    QCOMPARE(clicked[0][0].toInt(), int{fx::kMidA});
    QCOMPARE(rect_of(fx::kMidA).width(), static_cast<double>(w.width()));
    QVERIFY(w.shows(fx::kLeafUnderMid));
    QVERIFY(!w.shows(fx::kSysTick));
    QTest::mouseClick(&w, Qt::RightButton, {}, QPoint(5, 5));  // one level out: main
    QCOMPARE(w.zoom(), int{fx::kMain});
    QTest::keyClick(&w, Qt::Key_Backspace);
    QCOMPARE(w.zoom(), int{fx::kReset});
    QTest::mouseClick(&w, Qt::LeftButton, {}, QPoint(5, 5));  // the window bar
    QCOMPARE(w.zoom(), -1);
    QCOMPARE(zoomed.size(), 4);

    // The wheel stretches the part under the cursor; zooming out first undoes it.
    QWheelEvent wheel(QPointF(0, 5), w.mapToGlobal(QPointF(0, 5)), QPoint(), QPoint(0, 120),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(&w, &wheel);
    QVERIFY(near(w.view().first, 0.0) && near(w.view().second, 0.8));
    const double leaf_width =
        static_cast<double>(w.width()) * 1.25 * 950.0 / static_cast<double>(fx::window_cycles());
    QVERIFY(qAbs(rect_of(fx::kLeafUnderMain).width() - leaf_width) < 1e-6);
    w.zoom_out();
    QCOMPARE(w.zoom(), -1);
    QVERIFY(near(w.view().second, 1.0));

    w.set_highlight({fx::kLeafUnderMid, fx::kLeafUnderMain});
    QVERIFY(w.highlighted(fx::kLeafUnderMain));
    QVERIFY(!w.highlighted(fx::kMidA));
    // A search greys the frames that do not match it.
    w.set_search("LEAF");
    const QImage searched = w.grab().toImage();
    const QRectF main = rect_of(fx::kMain);
    const QColor grey = searched.pixelColor(
        QPoint(static_cast<int>(main.right()) - 3, static_cast<int>(main.top()) + 2));
    QCOMPARE(grey.hsvSaturation(), 0);
    const QRectF leaf = rect_of(fx::kLeafUnderMain);
    const QColor kept = searched.pixelColor(
        QPoint(static_cast<int>(leaf.right()) - 4, static_cast<int>(leaf.center().y())));
    QVERIFY(kept.hsvSaturation() > 0);
  }
};

QTEST_MAIN(TestFlameGraph)
#include "test_flame_graph.moc"
