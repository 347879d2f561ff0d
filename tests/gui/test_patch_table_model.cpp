// PatchTableModel under QAbstractItemModelTester, filled from a stored patch-based run.
#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QTest>

#include "patch_table_model.hpp"
#include "two_run_fixture.hpp"

using mcuprof::gui::PatchTableModel;
namespace fx = gui_fixture;

class TestPatchTableModel : public QObject {
  Q_OBJECT

 private slots:
  void showsThePatchesOfARun() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("p.db").toStdString();
    const auto written = fx::write_two_runs(path);
    const auto store = fx::traces::TraceStore::open(path, fx::traces::TraceStore::Mode::ReadOnly);

    PatchTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.set_patches(store.patch_table(written.b));
    QCOMPARE(model.rowCount(), fx::kPatches);
    uint64_t piece_cycles = 0, piece_macs = 0;
    for (const auto& l : fx::patch_pieces_b()) piece_cycles += l.cycles, piece_macs += l.macs;
    for (int p = 0; p < fx::kPatches; ++p) {
      QCOMPARE(model.data(model.index(p, PatchTableModel::Row), Qt::UserRole).toInt(), p / 2);
      QCOMPARE(model.data(model.index(p, PatchTableModel::Col), Qt::UserRole).toInt(), p % 2);
      QCOMPARE(model.data(model.index(p, PatchTableModel::Start), Qt::UserRole).toULongLong(),
               written.patches[static_cast<size_t>(p)].first);
      QCOMPARE(model.data(model.index(p, PatchTableModel::Cycles), Qt::UserRole).toULongLong(),
               piece_cycles);
      QCOMPARE(model.data(model.index(p, PatchTableModel::Macs), Qt::UserRole).toULongLong(),
               piece_macs);
      QCOMPARE(model.data(model.index(p, PatchTableModel::Share), Qt::UserRole).toDouble(),
               static_cast<double>(piece_cycles) / static_cast<double>(written.total_b));
    }
    QCOMPARE(model.data(model.index(3, PatchTableModel::Name)).toString(),
             QStringLiteral("patch 1,1"));
    QCOMPARE(model.headerData(PatchTableModel::Cycles, Qt::Horizontal).toString(),
             QStringLiteral("Cycles"));

    // A layer-wise run has no patches.
    model.set_patches(store.patch_table(written.a));
    QCOMPARE(model.rowCount(), 0);
  }
};

QTEST_MAIN(TestPatchTableModel)
#include "test_patch_table_model.moc"
