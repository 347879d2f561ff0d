// TraceLoader: the window's data is read on a worker thread and delivered on the GUI
// thread; a newer request supersedes an older one; errors come back as text.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "db_signature.hpp"
#include "trace_loader.hpp"
#include "two_run_fixture.hpp"

using namespace mcuprof::gui;
namespace fx = gui_fixture;

class TestTraceLoader : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    path_ = dir_.filePath("l.db");
    written_ = fx::write_two_runs(path_.toStdString());
  }

  void loadsRunsAndSelectionInTheBackground() {
    TraceLoader loader;
    QSignalSpy busy(&loader, &TraceLoader::busyChanged);
    std::shared_ptr<const RunsSnapshot> runs;
    QThread* delivered_on = nullptr;
    connect(&loader, &TraceLoader::runsLoaded, this, [&](std::shared_ptr<const RunsSnapshot> s) {
      runs = s;
      delivered_on = QThread::currentThread();
    });
    loader.load_runs(path_);
    QVERIFY(loader.busy());
    QTRY_VERIFY(runs != nullptr);
    QCOMPARE(delivered_on, QThread::currentThread());  // the GUI thread
    QVERIFY(runs->error.isEmpty());
    QCOMPARE(runs->runs.size(), size_t{2});
    QTRY_VERIFY(!loader.busy());
    QCOMPARE(busy.size(), 2);
    QCOMPARE(busy[0][0].toBool(), true);
    QCOMPARE(busy[1][0].toBool(), false);

    std::shared_ptr<const SelectionSnapshot> sel;
    connect(&loader, &TraceLoader::selectionLoaded, this,
            [&](std::shared_ptr<const SelectionSnapshot> s) { sel = s; });
    loader.load_selection(path_, {written_.b, written_.a});
    QTRY_VERIFY(sel != nullptr);
    QVERIFY(sel->error.isEmpty());
    QCOMPARE(sel->ids, (std::vector<int64_t>{written_.a, written_.b}));
    QCOMPARE(sel->charts.size(), size_t{2});
    QCOMPARE(sel->table_run, written_.a);
    QVERIFY(sel->comparison.has_value());
    QCOMPARE(sel->comparison->a.id, written_.a);
    QCOMPARE(sel->comparison->b.id, written_.b);
    QCOMPARE(sel->layers.size(), fx::layers_a().size());
    QVERIFY(sel->patches.empty());
  }

  void aNewerRequestSupersedesAnOlderOne() {
    TraceLoader loader;
    std::vector<std::vector<int64_t>> delivered;
    connect(&loader, &TraceLoader::selectionLoaded, this,
            [&](std::shared_ptr<const SelectionSnapshot> s) { delivered.push_back(s->ids); });
    loader.load_selection(path_, {written_.a});
    loader.load_selection(path_, {written_.b});
    QTRY_VERIFY(!loader.busy());
    QCOMPARE(delivered.size(), size_t{1});
    QCOMPARE(delivered[0], (std::vector<int64_t>{written_.b}));
  }

  // Our own reads must not look like a change (else each re-read starts the next); a new
  // run written to the database must.
  void aReadIsNoChangeAWriteIs() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("s.db");
    fx::write_two_runs(path.toStdString());
    const QString before = database_signature(path);
    for (int i = 0; i < 3; ++i) {
      QVERIFY(load_runs(path).error.isEmpty());
      QVERIFY(load_selection(path, {1, 2}).error.isEmpty());
    }
    QCOMPARE(database_signature(path), before);
    {
      auto store =
          fx::traces::TraceStore::open(path.toStdString(), fx::traces::TraceStore::Mode::ReadWrite);
      fx::traces::RunRecord r = fx::record("layer");
      r.total_cycles = 10;
      store.write_run(r, {});
      QVERIFY(database_signature(path) != before);  // while the writer is open (WAL)
    }
    QVERIFY(database_signature(path) != before);  // and after it closed (checkpointed)
    QCOMPARE(load_runs(path).runs.size(), size_t{3});
  }

  void reportsErrors() {
    TraceLoader loader;
    std::shared_ptr<const RunsSnapshot> runs;
    connect(&loader, &TraceLoader::runsLoaded, this,
            [&](std::shared_ptr<const RunsSnapshot> s) { runs = s; });
    loader.load_runs(dir_.filePath("missing.db"));
    QTRY_VERIFY(runs != nullptr);
    QVERIFY(!runs->error.isEmpty());
    QVERIFY(runs->runs.empty());
    // A run that is not there: nothing selected, no error.
    const auto sel = load_selection(path_, {999});
    QVERIFY(sel.error.isEmpty());
    QVERIFY(sel.charts.empty());
    QCOMPARE(sel.table_run, int64_t{0});
  }

 private:
  QTemporaryDir dir_;
  QString path_;
  fx::Written written_;
};

QTEST_MAIN(TestTraceLoader)
#include "test_trace_loader.moc"
