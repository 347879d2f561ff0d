// The main window over a small database: runs load in the background, two selected runs
// fill the comparison tab and the patch table, the chart's rubber band filters the tables,
// and a run written to the database while the window is open appears (without our own
// reads re-triggering a re-read).
#include <QFileInfo>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "main_window.hpp"
#include "memory_chart_widget.hpp"
#include "table_tabs.hpp"
#include "two_run_fixture.hpp"

using mcuprof::gui::MainWindow;
using mcuprof::gui::TableTabs;
namespace fx = gui_fixture;

class TestMainWindow : public QObject {
  Q_OBJECT

 private slots:
  void exploresAndFollowsTheDatabase() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("w.db");
    const auto w = fx::write_two_runs(path.toStdString());
    // As after any earlier reader (`mcuprof report`, a previous window): an empty WAL file,
    // which SQLite touches on every read.
    QVERIFY(mcuprof::gui::load_runs(path).error.isEmpty());
    QVERIFY(QFileInfo::exists(path + "-wal"));

    MainWindow window;
    QSignalSpy shown(&window, &MainWindow::runsShown);
    window.open_database(path);
    QTRY_COMPARE(window.run_count(), 2);
    QTRY_VERIFY(!window.busy());

    // B (patch-based) alone: its patches; then both: the comparison.
    window.select_runs({w.b});
    QTRY_VERIFY(!window.busy());
    QVERIFY(window.tables()->has_patches());
    QVERIFY(!window.tables()->has_comparison());
    // Selecting a patch highlights its span on the chart.
    auto* patches = window.findChild<QTableView*>(QStringLiteral("patches"));
    QVERIFY(patches != nullptr);
    patches->selectRow(1);
    const auto& highlight = window.chart()->renderer().highlight();
    QVERIFY(highlight.has_value());
    QCOMPARE(highlight->begin, w.patches[1].first);
    QCOMPARE(highlight->end, w.patches[1].second);
    // Selecting a layer run in patches highlights its first piece.
    auto* layer_view = window.findChild<QTableView*>(QStringLiteral("layers"));
    layer_view->selectRow(1);
    QVERIFY(highlight.has_value());
    QCOMPARE(highlight->begin, w.patches[0].first + fx::patch_pieces_b()[0].cycles);
    window.select_runs({w.a, w.b});
    QTRY_VERIFY(!window.busy());
    QVERIFY(window.tables()->has_comparison());
    QCOMPARE(window.chart()->renderer().runs().size(), size_t{2});
    QVERIFY(!window.tables()->has_patches());  // the tables show A, layer by layer

    // Rubber band over A's second layer (cycles axis): the layer table keeps that layer.
    const auto layers = fx::layers_a();
    const double lo = static_cast<double>(fx::kStart + layers[0].cycles + 10);
    window.chart()->select_range(lo, lo + 20);
    QStringList csv = window.tables()->layers_csv().split("\r\n", Qt::SkipEmptyParts);
    QCOMPARE(csv.size(), 2);
    QVERIFY(csv[1].startsWith(QStringLiteral("1,dw 1,")));
    window.chart()->clear_selection();
    csv = window.tables()->layers_csv().split("\r\n", Qt::SkipEmptyParts);
    QCOMPARE(csv.size(), 1 + static_cast<int>(layers.size()));

    // Our own reads do not look like changes: no re-read comes by itself.
    const auto before = shown.size();
    QTest::qWait(1500);
    QCOMPARE(shown.size(), before);

    // A run written by someone else appears, and the selection stays.
    {
      auto store =
          fx::traces::TraceStore::open(path.toStdString(), fx::traces::TraceStore::Mode::ReadWrite);
      auto r = fx::record("layer");
      r.total_cycles = 10;
      store.write_run(r, {});
    }
    QTRY_COMPARE_WITH_TIMEOUT(window.run_count(), 3, 10000);
    QTRY_VERIFY(!window.busy());
    QCOMPARE(window.chart()->renderer().runs().size(), size_t{2});
    QVERIFY(window.tables()->has_comparison());
  }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
