// The GUI part of issue 12's consistency test (tests/unit/test_consistency.cpp has the
// CLI part): every shared model is run by the real `mcuprof` layer-wise and patch-based,
// and the GUI's models — the run list, the comparison's headline figures, the layer
// table — must show exactly the figures `run --summary` gave, under the same
// definitions (docs/cli.md, "Figures").
//
// Bounded work, as in the CLI test: one board per model (rotating over stm32f412,
// stm32l4r5 and stm32h743) and every run stops after 3,000,000 cycles; the figures
// compared are sizes fixed before the run starts, and the cycles of that same run.
#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <filesystem>
#include <map>

#include "comparison_summary_model.hpp"
#include "layer_table_model.hpp"
#include "mcuprof/traces/store.hpp"
#include "run_list_model.hpp"

using namespace mcuprof::gui;
namespace traces = mcuprof::traces;

namespace {

struct Case {
  const char* model;
  const char* board;
};
// The rotation of tests/unit/test_consistency.cpp.
constexpr Case kCases[] = {{"vww_96_int8", "stm32f412"},
                           {"kws_ref_model", "stm32l4r5"},
                           {"ad01_int8", "stm32h743"},
                           {"pretrainedResnet_quant", "stm32f412"},
                           {"mcunet-vww1", "stm32l4r5"}};

QString shared_model(const char* name) {
  return QString::fromStdString((std::filesystem::path(MCUPROF_SOURCE_DIR) / ".." / "shared" /
                                 "models" / (std::string(name) + ".tflite"))
                                    .lexically_normal()
                                    .string());
}

// Runs mcuprof; fails the test (and returns an empty object) unless it exits 0 (or,
// with `stopped_ok`, stops at its cycle budget, status 90).
QJsonObject mcuprof_json(const QStringList& args, bool stopped_ok = false) {
  QProcess p;
  p.start(QStringLiteral(MCUPROF_PROGRAM), args);
  if (!p.waitForFinished(600000)) {
    qWarning() << "mcuprof did not finish:" << args;
    return {};
  }
  const int status = p.exitCode();
  if (!(status == 0 || (stopped_ok && status == 90))) {
    qWarning() << "mcuprof" << args << "exited" << status << p.readAllStandardError();
    return {};
  }
  return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}

QJsonObject read_json(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(f.readAll()).object();
}

double number(const QJsonObject& o, const char* key) {
  return o.value(QLatin1String(key)).toDouble();
}

QVariant user(const QAbstractItemModel& m, int row, int column) {
  return m.data(m.index(row, column), Qt::UserRole);
}

}  // namespace

class TestGuiConsistency : public QObject {
  Q_OBJECT

 private slots:
  void sharedModels_data() {
    QTest::addColumn<int>("which");
    for (int i = 0; i < static_cast<int>(std::size(kCases)); ++i)
      QTest::newRow(kCases[i].model) << i;
  }

  void sharedModels() {
    QFETCH(int, which);
    const Case c = kCases[which];
    const QString model = shared_model(c.model);
    if (!QFile::exists(model)) QSKIP(qPrintable(QStringLiteral("missing shared model ") + model));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString db = dir.filePath(QStringLiteral("runs.db"));

    // Layer-wise, and the plan's patch-based choice (its recommendation when it is one,
    // else its first option that fits).
    const QJsonObject plan = mcuprof_json({"plan", model, "--target", c.board, "--json"});
    QVERIFY(plan.contains(QStringLiteral("options")));
    QString patch = plan[QStringLiteral("recommended")][QStringLiteral("schedule")].toString();
    if (!patch.startsWith(QStringLiteral("patch")))
      for (const auto o : plan[QStringLiteral("options")].toArray())
        if (o[QStringLiteral("fits")].toBool()) {
          patch = o[QStringLiteral("schedule")].toString();
          break;
        }
    std::vector<QJsonObject> summaries;
    for (const QString& schedule : {QStringLiteral("layer"), patch}) {
      if (!schedule.startsWith(QStringLiteral("layer")) &&
          !schedule.startsWith(QStringLiteral("patch")))
        continue;
      const QString summary = dir.filePath(schedule + QStringLiteral(".json"));
      QProcess run;
      run.start(QStringLiteral(MCUPROF_PROGRAM),
                {"run", model, "--target", c.board, "--schedule", schedule, "--max-cycles",
                 "3000000", "--db", db, "--summary", summary});
      QVERIFY(run.waitForFinished(600000));
      if (run.exitCode() == 65) continue;  // does not fit this board: plan said so too
      QVERIFY2(run.exitCode() == 0 || run.exitCode() == 90, run.readAllStandardError());
      summaries.push_back(read_json(summary));
      QVERIFY(!summaries.back().isEmpty());
    }
    QVERIFY(!summaries.empty());

    const auto store =
        traces::TraceStore::open(db.toStdString(), traces::TraceStore::Mode::ReadOnly);
    std::vector<traces::RunRecord> runs = store.runs();
    QCOMPARE(runs.size(), summaries.size());
    std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.id < b.id; });

    // The run list: one row per run, its figures those of its summary.
    RunListModel list;
    QAbstractItemModelTester tester(&list, QAbstractItemModelTester::FailureReportingMode::QtTest);
    list.set_runs(runs);
    for (size_t k = 0; k < summaries.size(); ++k) {
      const QJsonObject& s = summaries[k];
      const int row = static_cast<int>(k);
      QCOMPARE(list.run_at(row)->id, static_cast<int64_t>(number(s, "run_id")));
      QCOMPARE(list.data(list.index(row, RunListModel::Name)).toString(),
               s[QStringLiteral("name")].toString());
      QCOMPARE(list.data(list.index(row, RunListModel::Schedule)).toString(),
               s[QStringLiteral("schedule")].toString());
      QCOMPARE(list.data(list.index(row, RunListModel::Target)).toString(),
               s[QStringLiteral("target")].toString());
      QCOMPARE(user(list, row, RunListModel::PeakSram).toULongLong(),
               static_cast<qulonglong>(number(s, "peak_sram_bytes")));
      QCOMPARE(user(list, row, RunListModel::Cycles).toULongLong(),
               static_cast<qulonglong>(number(s, "total_cycles")));
      QCOMPARE(user(list, row, RunListModel::LatencyMs).toDouble(), number(s, "latency_ms"));
    }

    // The comparison's headline figures: run A is the first run, B the last.
    const QJsonObject& a = summaries.front();
    const QJsonObject& b = summaries.back();
    ComparisonSummaryModel cmp;
    cmp.set_runs(runs.front(), runs.back());
    using C = ComparisonSummaryModel;
    const std::map<std::string, const char*> keys = {
        {"peak SRAM", "peak_sram_bytes"},
        {"arena (part of peak SRAM)", "arena_bytes"},
        {"flash", "flash_bytes"},
        {"SRAM in use, highest", "sram_in_use_peak_bytes"},
        {"latency (ms)", "latency_ms"},
        {"cycles", "total_cycles"},
        {"MACs", "macs"},
        {"cycles/MAC", "cycles_per_mac"},
        {"flash instruction reads", "flash_ifetch_bytes"},
    };
    for (const auto& [label, key] : keys) {
      const int row = cmp.row_of(label);
      QVERIFY2(row >= 0, label.c_str());
      for (const auto& [column, s] : {std::pair{C::A, &a}, std::pair{C::B, &b}}) {
        const QJsonValue want = s->value(QLatin1String(key));
        const QVariant got = user(cmp, row, column);
        if (want.isNull()) {  // not measured (a run stopped before its first layer)
          QVERIFY2(!got.isValid(), label.c_str());
          QCOMPARE(cmp.data(cmp.index(row, column)).toString(), QStringLiteral("n/a"));
        } else {
          QVERIFY2(got.isValid(), label.c_str());
          QCOMPARE(got.toDouble(), want.toDouble());
        }
      }
    }

    // The layer table: each layer's cycles and MACs are the sum of its spans in the
    // summary (one span layer-wise; one per patch inside the patch stage).
    for (size_t k = 0; k < summaries.size(); ++k) {
      std::map<int, std::pair<double, double>> by_layer;  // index -> (cycles, macs)
      for (const auto l : summaries[k][QStringLiteral("layers")].toArray()) {
        auto& sum = by_layer[l[QStringLiteral("index")].toInt()];
        sum.first += l[QStringLiteral("cycles")].toDouble();
        sum.second += l[QStringLiteral("macs")].toDouble();
      }
      LayerTableModel layers;
      layers.set_layers(store.layer_table(runs[k].id));
      QCOMPARE(static_cast<size_t>(layers.rowCount()), by_layer.size());
      for (int row = 0; row < layers.rowCount(); ++row) {
        const int index = user(layers, row, LayerTableModel::Index).toInt();
        QVERIFY(by_layer.count(index));
        QCOMPARE(user(layers, row, LayerTableModel::Cycles).toDouble(), by_layer[index].first);
        QCOMPARE(user(layers, row, LayerTableModel::Macs).toDouble(), by_layer[index].second);
      }
    }
  }
};

QTEST_GUILESS_MAIN(TestGuiConsistency)
#include "test_consistency_gui.moc"
