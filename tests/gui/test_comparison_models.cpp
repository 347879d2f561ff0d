// The comparison panel's models (headline figures, per-layer deltas) under
// QAbstractItemModelTester, checked against figures computed here from the fixture's
// layer definitions (two_run_fixture.hpp), not from the reader.
#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QTest>
#include <map>

#include "comparison_summary_model.hpp"
#include "layer_delta_model.hpp"
#include "two_run_fixture.hpp"

using mcuprof::gui::ComparisonSummaryModel;
using mcuprof::gui::LayerDeltaModel;
namespace fx = gui_fixture;

namespace {

struct Expected {
  uint64_t cycles = 0, macs = 0, flash = 0;
  int64_t peak = 0;
  std::string peak_layer;
};

// Per run, from the definitions alone.
Expected expected_a() {
  Expected e;
  for (const auto& l : fx::layers_a()) {
    e.cycles += l.cycles;
    e.macs += l.macs;
    e.flash += l.flash_data;
    if (l.sram > e.peak) e.peak = l.sram, e.peak_layer = l.name;
  }
  e.cycles += fx::kStart + fx::kTail;
  return e;
}

Expected expected_b() {
  Expected e;
  for (const auto& l : fx::patch_pieces_b()) {
    e.cycles += fx::kPatches * l.cycles;
    e.macs += fx::kPatches * l.macs;
    e.flash += fx::kPatches * l.flash_data;
    if (l.sram > e.peak) e.peak = l.sram, e.peak_layer = l.name;
  }
  const auto last = fx::layers_a().back();
  e.cycles += last.cycles + fx::kStart + fx::kTail;
  e.macs += last.macs;
  e.flash += last.flash_data;
  if (last.sram > e.peak) e.peak = last.sram, e.peak_layer = last.name;
  return e;
}

double user(const QAbstractItemModel& m, int row, int col) {
  return m.data(m.index(row, col), Qt::UserRole).toDouble();
}

}  // namespace

class TestComparisonModels : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    path_ = dir_.filePath("cmp.db").toStdString();
    written_ = fx::write_two_runs(path_);
  }

  void headlineFiguresAndDeltas() {
    const auto store = fx::traces::TraceStore::open(path_, fx::traces::TraceStore::Mode::ReadOnly);
    const auto cmp = store.compare(written_.a, written_.b);
    ComparisonSummaryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.set_runs(cmp.a, cmp.b);
    const Expected a = expected_a();
    const Expected b = expected_b();
    using C = ComparisonSummaryModel;

    const int peak = model.row_of("peak SRAM");
    QVERIFY(peak >= 0);
    QCOMPARE(user(model, peak, C::A), static_cast<double>(a.peak));
    QCOMPARE(user(model, peak, C::B), static_cast<double>(b.peak));
    QCOMPARE(user(model, peak, C::Delta), static_cast<double>(b.peak - a.peak));
    QCOMPARE(user(model, peak, C::DeltaPct),
             static_cast<double>(b.peak - a.peak) / static_cast<double>(a.peak));
    QVERIFY(model.data(model.index(peak, C::Delta)).toString().startsWith(QStringLiteral("−")));

    const int where = model.row_of("highest in");
    QVERIFY(where >= 0);
    QVERIFY(model.data(model.index(where, C::A))
                .toString()
                .endsWith(QString::fromStdString(a.peak_layer)));
    QVERIFY(model.data(model.index(where, C::B))
                .toString()
                .endsWith(QString::fromStdString(b.peak_layer)));
    QVERIFY(model.data(model.index(where, C::B)).toString().contains(QStringLiteral("patch 0,0")));
    QVERIFY(!model.data(model.index(where, C::Delta), Qt::UserRole).isValid());

    const int latency = model.row_of("latency (ms)");
    const double ms_a = static_cast<double>(a.cycles) * 1000.0 / fx::kClockHz;
    const double ms_b = static_cast<double>(b.cycles) * 1000.0 / fx::kClockHz;
    QCOMPARE(user(model, latency, C::A), ms_a);
    QCOMPARE(user(model, latency, C::B), ms_b);
    QCOMPARE(model.data(model.index(latency, C::A)).toString(), QString::number(ms_a, 'f', 3));

    // The MAC overhead of the patch-based schedule: +300 of 1750 MACs.
    const int macs = model.row_of("MACs");
    QCOMPARE(user(model, macs, C::A), static_cast<double>(a.macs));
    QCOMPARE(user(model, macs, C::B), static_cast<double>(b.macs));
    QCOMPARE(
        user(model, macs, C::DeltaPct),
        (static_cast<double>(b.macs) - static_cast<double>(a.macs)) / static_cast<double>(a.macs));
    QCOMPARE(model.data(model.index(macs, C::DeltaPct)).toString(), QStringLiteral("+17.1 %"));

    const int cpm = model.row_of("cycles/MAC");
    QCOMPARE(user(model, cpm, C::A), static_cast<double>(a.cycles) / static_cast<double>(a.macs));
    QCOMPARE(user(model, cpm, C::B), static_cast<double>(b.cycles) / static_cast<double>(b.macs));

    const int flash = model.row_of("flash data reads");
    QCOMPARE(user(model, flash, C::A), static_cast<double>(a.flash));
    QCOMPARE(user(model, flash, C::B), static_cast<double>(b.flash));
    const int ifetch = model.row_of("flash instruction reads");
    QCOMPARE(user(model, ifetch, C::Delta),
             static_cast<double>(fx::flash_ifetch_b()) - static_cast<double>(fx::flash_ifetch_a()));

    QCOMPARE(model.headerData(C::A, Qt::Horizontal).toString(),
             QStringLiteral("#%1 model.tflite (layer)").arg(written_.a));
    QCOMPARE(model.headerData(C::B, Qt::Horizontal).toString(),
             QStringLiteral("#%1 model.tflite (patch-2x2)").arg(written_.b));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
  }

  // A run without MACs (an ELF without layer markers) or without flash data counting:
  // "n/a", no number and no delta — never "0" or "0.00".
  void figuresARunDidNotMeasureAreNotApplicable() {
    mcuprof::traces::RunRecord a, b;
    a.total_cycles = 1000;
    a.flash_data_measured = false;
    b.total_cycles = 800;
    b.macs = 400;
    b.flash_data_measured = true;
    b.flash_data_bytes = 64;
    ComparisonSummaryModel model;
    model.set_runs(a, b);
    using C = ComparisonSummaryModel;
    for (const char* label : {"MACs", "cycles/MAC", "flash data reads"}) {
      const int row = model.row_of(label);
      QVERIFY2(row >= 0, label);
      QCOMPARE(model.data(model.index(row, C::A)).toString(), QStringLiteral("n/a"));
      QVERIFY(!model.data(model.index(row, C::A), Qt::UserRole).isValid());
      QVERIFY(model.data(model.index(row, C::B), Qt::UserRole).isValid());
      QVERIFY(!model.data(model.index(row, C::Delta), Qt::UserRole).isValid());
      QVERIFY(model.data(model.index(row, C::Delta)).toString().isEmpty());
      QVERIFY(!model.data(model.index(row, C::DeltaPct), Qt::UserRole).isValid());
    }
    const int cycles = model.row_of("cycles");
    QCOMPARE(model.data(model.index(cycles, C::Delta), Qt::UserRole).toDouble(), -200.0);
  }

  void perLayerDeltas() {
    const auto store = fx::traces::TraceStore::open(path_, fx::traces::TraceStore::Mode::ReadOnly);
    LayerDeltaModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.set_layers(store.compare(written_.a, written_.b).layers);
    QCOMPARE(model.rowCount(), static_cast<int>(fx::layers_a().size()));

    // Expected per layer: A from its definition, B as kPatches pieces (or the same layer).
    std::map<int, fx::LayerDef> pieces;
    for (const auto& l : fx::patch_pieces_b()) pieces.emplace(l.index, l);
    using C = LayerDeltaModel;
    for (int row = 0; row < model.rowCount(); ++row) {
      const int index = model.data(model.index(row, C::Index), Qt::UserRole).toInt();
      const auto la = fx::layers_a().at(static_cast<size_t>(index));
      const bool patched = pieces.count(index) > 0;
      const uint64_t cb = patched ? fx::kPatches * pieces.at(index).cycles : la.cycles;
      const uint64_t mb = patched ? fx::kPatches * pieces.at(index).macs : la.macs;
      const int64_t sb = patched ? pieces.at(index).sram : la.sram;
      QCOMPARE(model.data(model.index(row, C::Name), Qt::UserRole).toString(),
               QString::fromStdString(la.name));
      QCOMPARE(model.data(model.index(row, C::CyclesA), Qt::UserRole).toULongLong(), la.cycles);
      QCOMPARE(model.data(model.index(row, C::CyclesB), Qt::UserRole).toULongLong(), cb);
      QCOMPARE(model.data(model.index(row, C::CyclesDelta), Qt::UserRole).toLongLong(),
               static_cast<qlonglong>(cb) - static_cast<qlonglong>(la.cycles));
      QCOMPARE(user(model, row, C::CyclesDeltaPct),
               (static_cast<double>(cb) - static_cast<double>(la.cycles)) /
                   static_cast<double>(la.cycles));
      QCOMPARE(model.data(model.index(row, C::MacsB), Qt::UserRole).toULongLong(), mb);
      QCOMPARE(model.data(model.index(row, C::SramDelta), Qt::UserRole).toLongLong(),
               static_cast<qlonglong>(sb - la.sram));
    }
    // Layer 0: 4000 → 4800 cycles.
    QCOMPARE(model.data(model.index(0, C::CyclesDeltaPct)).toString(), QStringLiteral("+20.0 %"));
    QCOMPARE(model.data(model.index(2, C::CyclesDelta)).toString(), QStringLiteral("0"));

    // A layer only one run has: the other side is empty, no delta.
    fx::traces::LayerPair only_b;
    only_b.layer_index = 7;
    only_b.name = "extra";
    only_b.b = fx::traces::LayerRow{};
    only_b.b->cycles = 10;
    model.set_layers({only_b});
    QVERIFY(!model.data(model.index(0, C::CyclesA), Qt::UserRole).isValid());
    QVERIFY(!model.data(model.index(0, C::CyclesDelta), Qt::UserRole).isValid());
    QCOMPARE(model.data(model.index(0, C::CyclesA)).toString(), QStringLiteral("–"));
    QCOMPARE(model.data(model.index(0, C::CyclesB), Qt::UserRole).toULongLong(), 10ull);
  }

 private:
  QTemporaryDir dir_;
  std::string path_;
  fx::Written written_;
};

QTEST_MAIN(TestComparisonModels)
#include "test_comparison_models.moc"
