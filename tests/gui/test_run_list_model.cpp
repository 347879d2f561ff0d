// RunListModel under QAbstractItemModelTester, filled from a real trace database.
#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QTest>

#include "mcuprof/traces/store.hpp"
#include "mcuprof/traces/writer.hpp"
#include "run_labels.hpp"
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
    QCOMPARE(model.data(model.index(0, RunListModel::LatencyMs)).toString(), QString("10.000 ms"));
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

  void namesModelScheduleBoardLatencyPeak() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("n.db").toStdString();
    {
      auto store = TraceStore::open(path, TraceStore::Mode::ReadWrite);
      const auto base = [] {
        RunRecord r;
        r.target = "stm32f412";
        r.firmware_path = "/fw/model_runner.elf";
        r.clock_hz = 100'000'000;
        r.total_cycles = 21'026'000;
        r.stop_reason = "exited";
        return r;
      };
      RunRecord named = base();  // named by `run --name`
      named.name = "vww baseline";
      named.model_path = "/models/vww_96_int8.tflite";
      named.schedule = "layer";
      named.peak_sram_bytes = 62'360;
      store.write_run(named, {});
      RunRecord model = base();  // no name: the model's file name
      model.model_path = "/models/mcunet-vww1.tflite";
      model.schedule = "patch:4x4@10";
      model.target = "stm32h743";
      model.peak_sram_bytes = 113'664;
      store.write_run(model, {});
      RunRecord elf = base();  // a firmware run: the firmware's file name, no model
      elf.firmware_path = "/fw/my_app.elf";
      store.write_run(elf, {});
    }
    RunListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.set_runs(TraceStore::open(path, TraceStore::Mode::ReadOnly).runs());
    QCOMPARE(model.rowCount(), 3);
    const auto text = [&](int row, int column) {
      return model.data(model.index(row, column)).toString();
    };
    QCOMPARE(text(0, RunListModel::Name), QString("vww baseline"));
    QCOMPARE(text(1, RunListModel::Name), QString("mcunet-vww1.tflite"));
    QCOMPARE(text(2, RunListModel::Name), QString("my_app.elf"));
    QCOMPARE(text(0, RunListModel::Model), QString("vww_96_int8.tflite"));
    QCOMPARE(text(2, RunListModel::Model), QString());
    QCOMPARE(text(1, RunListModel::Schedule), QString("patch:4x4@10"));
    QCOMPARE(text(1, RunListModel::Target), QString("stm32h743"));
    QCOMPARE(model.headerData(RunListModel::Target, Qt::Horizontal).toString(), QString("Board"));
    QCOMPARE(text(0, RunListModel::LatencyMs), QString("210.260 ms"));
    QCOMPARE(text(0, RunListModel::PeakSram), QString("60.9 KiB"));
    QCOMPARE(text(1, RunListModel::PeakSram), QString("111 KiB"));
    QCOMPARE(text(2, RunListModel::PeakSram), QString());  // not measured
    QCOMPARE(model.data(model.index(1, RunListModel::PeakSram), Qt::UserRole).toULongLong(),
             113'664ull);
    // The key columns come first, in the order the issue lists them.
    QCOMPARE(RunListModel::kKeyColumns, static_cast<int>(RunListModel::PeakSram) + 1);
    QVERIFY(RunListModel::Name < RunListModel::Model &&
            RunListModel::Model < RunListModel::Schedule &&
            RunListModel::Schedule < RunListModel::Target &&
            RunListModel::Target < RunListModel::LatencyMs);
    QVERIFY(model.data(model.index(1, RunListModel::Name), Qt::ToolTipRole)
                .toString()
                .contains("/models/mcunet-vww1.tflite"));
  }

  void labelsTellRunsApart() {
    const auto run = [](int64_t id, std::string name, std::string model, std::string schedule,
                        std::string target) {
      RunRecord r;
      r.id = id;
      r.name = std::move(name);
      r.model_path = std::move(model);
      r.firmware_path = "/fw/model_runner.elf";
      r.schedule = std::move(schedule);
      r.target = std::move(target);
      return r;
    };
    using mcuprof::plot::distinct_run_labels;
    // Different names: the names alone.
    auto labels = distinct_run_labels({run(1, "", "/m/vww.tflite", "layer", "f412"),
                                       run(2, "", "/m/kws.tflite", "layer", "f412")});
    QCOMPARE(labels, (std::vector<std::string>{"vww.tflite", "kws.tflite"}));
    // Same model, two schedules and two boards: what differs is added.
    labels = distinct_run_labels({run(1, "", "/m/vww.tflite", "layer", "stm32f412"),
                                  run(2, "", "/m/vww.tflite", "patch", "stm32f412"),
                                  run(3, "", "/m/vww.tflite", "patch", "stm32h743"),
                                  run(4, "mine", "/m/vww.tflite", "patch", "stm32h743")});
    QCOMPARE(labels,
             (std::vector<std::string>{"vww.tflite · layer", "vww.tflite · patch · stm32f412",
                                       "vww.tflite · patch · stm32h743", "mine"}));
    // Identical in every shown field: the run ids.
    labels = distinct_run_labels({run(7, "", "/m/vww.tflite", "layer", "stm32f412"),
                                  run(9, "", "/m/vww.tflite", "layer", "stm32f412")});
    QCOMPARE(labels, (std::vector<std::string>{"#7 vww.tflite", "#9 vww.tflite"}));
  }
};

QTEST_MAIN(TestRunListModel)
#include "test_run_list_model.moc"
