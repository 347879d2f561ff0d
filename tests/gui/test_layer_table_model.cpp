// LayerTableModel under QAbstractItemModelTester, filled from a stored run's layer table.
#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QTest>

#include "layer_table_model.hpp"
#include "mcuprof/traces/store.hpp"
#include "mcuprof/traces/writer.hpp"

using mcuprof::gui::LayerTableModel;
namespace traces = mcuprof::traces;

class TestLayerTableModel : public QObject {
  Q_OBJECT

 private slots:
  void showsTheLayersOfARun() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("t.db").toStdString();
    int64_t id = 0;
    {
      auto store = traces::TraceStore::open(path, traces::TraceStore::Mode::ReadWrite);
      traces::RunRecord r;
      r.target = "stm32f412";
      r.firmware_path = "fw.elf";
      r.started_at = "2026-11-29T00:00:00Z";
      r.clock_hz = 100'000'000;
      r.total_cycles = 1000;
      r.stop_reason = "exited";
      traces::RunWriter w(store, r);
      traces::Span run;
      run.name = "run";
      run.kind = traces::kind::kRun;
      run.dur = run.cycles = 1000;
      w.add_span(run);
      for (int i = 0; i < 2; ++i) {
        traces::Span l;
        l.name = "CONV_2D " + std::to_string(i);
        l.kind = traces::kind::kLayer;
        l.op = "CONV_2D";
        l.layer_index = i;
        l.ts = 100 + 400 * static_cast<uint64_t>(i);
        l.dur = l.cycles = 300 + 100 * static_cast<uint64_t>(i);
        l.macs = 100;
        l.sram_peak_bytes = 2048;
        w.add_span(l);
      }
      id = w.finish();
    }
    LayerTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto store = traces::TraceStore::open(path, traces::TraceStore::Mode::ReadOnly);
    model.set_layers(store.layer_table(id));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.data(model.index(1, LayerTableModel::Cycles), Qt::UserRole).toULongLong(),
             400ull);
    QCOMPARE(model.data(model.index(1, LayerTableModel::CyclesPerMac), Qt::UserRole).toDouble(),
             4.0);
    QCOMPARE(model.data(model.index(0, LayerTableModel::Share)).toString(), QString("30.0 %"));
    QCOMPARE(model.data(model.index(0, LayerTableModel::Op)).toString(), QString("CONV_2D"));
    model.set_layers({});
    QCOMPARE(model.rowCount(), 0);
  }
};

QTEST_MAIN(TestLayerTableModel)
#include "test_layer_table_model.moc"
