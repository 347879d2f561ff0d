// RunListModel under QAbstractItemModelTester, filled from a real trace database.
#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QTest>

#include "mcuprof/traces/store.hpp"
#include "mcuprof/traces/writer.hpp"
#include "run_list_model.hpp"

using mcuprof::gui::RunListModel;
using mcuprof::traces::RunRecord;
using mcuprof::traces::TraceStore;

class TestRunListModel : public QObject {
  Q_OBJECT

 private slots:
  void showsTheRunsOfADatabase() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("t.db").toStdString();
    {
      auto store = TraceStore::open(path, TraceStore::Mode::ReadWrite);
      for (uint64_t cycles : {1'000'000ull, 250'000ull}) {
        RunRecord r;
        r.target = "stm32f412";
        r.firmware_path = "/fw/demo.elf";
        r.firmware_sha256 = "ab";
        r.started_at = "2026-11-28T00:00:00Z";
        r.tool_version = "0.1.0";
        r.cycle_model = "unit";
        r.clock_hz = 100'000'000;
        r.total_cycles = cycles;
        r.instructions = cycles;
        r.stop_reason = "exited";
        store.write_run(r, {});
      }
    }
    RunListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto store = TraceStore::open(path, TraceStore::Mode::ReadOnly);
    model.set_runs(store.runs());
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), static_cast<int>(RunListModel::ColumnCount));
    QCOMPARE(model.data(model.index(0, RunListModel::Target)).toString(), QString("stm32f412"));
    QCOMPARE(model.data(model.index(0, RunListModel::Firmware)).toString(), QString("demo.elf"));
    QCOMPARE(model.data(model.index(1, RunListModel::Cycles), Qt::UserRole).toULongLong(),
             250'000ull);
    QCOMPARE(model.data(model.index(0, RunListModel::LatencyMs)).toString(), QString("10.000"));
    QCOMPARE(model.data(model.index(1, RunListModel::Status)).toString(), QString("exit 0"));
    // A run whose writer announced it and never finished (killed, or still running).
    {
      auto store_rw = TraceStore::open(path, TraceStore::Mode::ReadWrite);
      RunRecord r;
      r.target = "stm32f746";
      mcuprof::traces::WriterOptions options;
      options.announce_early = true;
      mcuprof::traces::RunWriter abandoned(store_rw, r, options);
    }
    model.set_runs(store.runs());
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.data(model.index(2, RunListModel::Status)).toString(), QString("incomplete"));
    model.set_runs({});
    QCOMPARE(model.rowCount(), 0);
  }
};

QTEST_MAIN(TestRunListModel)
#include "test_run_list_model.moc"
