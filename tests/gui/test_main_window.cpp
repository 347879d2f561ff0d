// The main window over a small database: runs load in the background, two selected runs
// fill the comparison tab and the patch table, the chart's rubber band filters the tables,
// and a run written to the database while the window is open appears (without our own
// reads re-triggering a re-read). The Functions tab with runs of the real `mcuprof` on a
// test firmware: the call tree and flame graph of a run with --function-cycles, the hint
// for one without.
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QProcess>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include "flame_graph_widget.hpp"
#include "function_tree_model.hpp"
#include "functions_tab.hpp"
#include "main_window.hpp"
#include "memory_chart_widget.hpp"
#include "run_list_model.hpp"
#include "table_tabs.hpp"
#include "two_run_fixture.hpp"

using mcuprof::gui::MainWindow;
using mcuprof::gui::RunListModel;
using mcuprof::gui::TableTabs;
namespace fx = gui_fixture;

namespace {

// `mcuprof run` of the call-tree test firmware into `db`; empty on success, else its output.
QString run_mcuprof(const QString& db, const QStringList& extra) {
  QProcess p;
  p.setProcessChannelMode(QProcess::MergedChannels);
  p.start(QStringLiteral(MCUPROF_PROGRAM),
          QStringList{"run", MCUPROF_CALL_TREE_ELF, "--target", "stm32f412", "--db", db} + extra);
  if (!p.waitForFinished(120000)) return QStringLiteral("mcuprof did not finish");
  return p.exitCode() == 0 ? QString() : QString::fromUtf8(p.readAll());
}

// The child of `parent` whose full name is `name`.
QModelIndex child_named(const QAbstractItemModel& model, const QModelIndex& parent,
                        const QString& name) {
  for (int r = 0; r < model.rowCount(parent); ++r) {
    const QModelIndex i = model.index(r, 0, parent);
    if (i.data(mcuprof::gui::FunctionTreeModel::kNameRole).toString() == name) return i;
  }
  return {};
}

}  // namespace

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

  void runListAndFilterBarAreReadable() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("r.db");
    const auto w = fx::write_two_runs(path.toStdString());
    MainWindow window;
    window.open_database(path);
    QTRY_COMPARE(window.run_count(), 2);
    QTRY_VERIFY(!window.busy());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // Id, name, model, schedule, board, latency and peak side by side, each at least as
    // wide as its contents and its title.
    QTableView* runs = window.run_table();
    const QHeaderView* header = runs->horizontalHeader();
    for (int c = 0; c < RunListModel::kKeyColumns; ++c) {
      const QString title = runs->model()->headerData(c, Qt::Horizontal).toString();
      QVERIFY2(
          header->sectionViewportPosition(c) + header->sectionSize(c) <= runs->viewport()->width(),
          qPrintable(title + " is not fully visible"));
      // (sizeHintForColumn is public in QAbstractItemView, protected in QTableView.)
      QVERIFY2(
          header->sectionSize(c) >= static_cast<QAbstractItemView*>(runs)->sizeHintForColumn(c) &&
              header->sectionSize(c) >= header->sectionSizeHint(c),
          qPrintable(title + " is narrower than its contents"));
    }
    QCOMPARE(runs->model()->index(0, RunListModel::Name).data().toString(),
             QString("model.tflite"));

    // A range selected with the axis in milliseconds is reported in milliseconds.
    window.select_runs({w.a});
    QTRY_VERIFY(!window.busy());
    window.set_x_unit(1);
    const double ms_per_cycle = 1000.0 / static_cast<double>(fx::kClockHz);
    const double lo = static_cast<double>(fx::kStart) * ms_per_cycle;
    window.chart()->select_range(lo, lo * 3);
    auto* bar = window.findChild<QLabel*>(QStringLiteral("filterText"));
    QVERIFY(bar != nullptr);
    QVERIFY2(bar->text().startsWith("Spans overlapping ") && bar->text().contains(" ms (cycles "),
             qPrintable(bar->text()));
    window.set_x_unit(0);  // cycles: the bar speaks cycles (the selection was dropped)
    window.chart()->select_range(static_cast<double>(fx::kStart), fx::kStart * 3.0);
    QVERIFY2(bar->text().startsWith("Spans overlapping cycles "), qPrintable(bar->text()));
  }

  void functionsTabShowsARealRun() {
    using mcuprof::gui::FunctionTreeModel;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("fn.db");
    QString error = run_mcuprof(path, {"--function-cycles", "20"});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    error = run_mcuprof(path, {});  // the same firmware without call stacks
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const auto store =
        fx::traces::TraceStore::open(path.toStdString(), fx::traces::TraceStore::Mode::ReadOnly);
    const auto runs = store.runs();
    QCOMPARE(runs.size(), size_t{2});
    const auto table = store.function_table(runs[0].id);
    QVERIFY(!table.empty());

    MainWindow window;
    window.open_database(path);
    QTRY_COMPARE(window.run_count(), 2);
    QTRY_VERIFY(!window.busy());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.select_runs({runs[0].id});
    QTRY_VERIFY(!window.busy());
    window.tables()->show_tab(TableTabs::Functions);
    QCOMPARE(window.tables()->current_tab(), TableTabs::Functions);
    auto* tab = window.tables()->functions();
    QVERIFY(!tab->showing_hint());

    // The call tree (call_tree.c): Reset_Handler > main > mid_a > leaf_b, the roots making
    // the run's cycles.
    const QAbstractItemModel& tree = *tab->tree_view()->model();
    const QModelIndex main = child_named(tree, child_named(tree, {}, "Reset_Handler"), "main");
    const QModelIndex mid = child_named(tree, main, "mid_a");
    const QModelIndex leaf = child_named(tree, mid, "leaf_b");
    QVERIFY(leaf.isValid());
    qulonglong roots = 0;
    for (int r = 0; r < tree.rowCount(); ++r)
      roots +=
          tree.index(r, FunctionTreeModel::Cycles).data(FunctionTreeModel::kSortRole).toULongLong();
    QCOMPARE(roots, qulonglong{runs[0].total_cycles});

    // Selecting a row outlines its frame; clicking a frame selects its row.
    auto* flame = tab->flame();
    const int mid_node = mid.data(FunctionTreeModel::kNodeRole).toInt();
    tab->tree_view()->setCurrentIndex(mid);
    QVERIFY(flame->highlighted(mid_node));
    const int leaf_node = leaf.data(FunctionTreeModel::kNodeRole).toInt();
    const mcuprof::gui::FlameFrame* frame = nullptr;
    for (const auto& f : flame->frames())
      if (f.node == leaf_node) frame = &f;
    QVERIFY(frame != nullptr);
    QTest::mouseClick(flame, Qt::LeftButton, {}, frame->rect.center().toPoint());
    QCOMPARE(flame->zoom(), leaf_node);
    QCOMPARE(tab->tree_view()->currentIndex().data(FunctionTreeModel::kNodeRole).toInt(),
             leaf_node);
    QVERIFY(tab->breadcrumb()->text().contains("mid_a"));

    // By function: the figures `mcuprof report` has (the store's function table).
    tab->set_mode(1);
    const auto* model = tab->model();
    for (const auto& row : table) {
      const QModelIndex i = model->index_of_function(QString::fromStdString(row.name));
      QVERIFY2(i.isValid(), row.name.c_str());
      const auto value = [&](int column) {
        return i.siblingAtColumn(column).data(FunctionTreeModel::kSortRole).toULongLong();
      };
      QCOMPARE(value(FunctionTreeModel::Cycles), qulonglong{row.cycles});
      QCOMPARE(value(FunctionTreeModel::SelfCycles), qulonglong{row.self_cycles});
      QCOMPARE(value(FunctionTreeModel::Calls), qulonglong{row.calls});
      QCOMPARE(value(FunctionTreeModel::FlashIfetch), qulonglong{row.flash_ifetch_bytes});
    }
    tab->set_mode(0);

    // A run without call stacks: the hint.
    window.select_runs({runs[1].id});
    QTRY_VERIFY(!window.busy());
    QVERIFY(tab->showing_hint());
    QVERIFY2(tab->hint().contains("--function-cycles"), qPrintable(tab->hint()));
  }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
