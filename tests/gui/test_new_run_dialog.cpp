// The new run dialog end to end: it lists the boards from the real `mcuprof targets
// --json`, runs `mcuprof run` (found next to the test, in build/bin) as a child on the
// demo firmware and the run lands in the database; Cancel kills the child.
#include <QComboBox>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "mcuprof/traces/store.hpp"
#include "new_run_dialog.hpp"

using mcuprof::gui::NewRunDialog;

namespace {

template <typename T>
T* child(QWidget& parent, const char* name) {
  return parent.findChild<T*>(QString::fromLatin1(name));
}

// Fills the dialog for the demo firmware on the STM32F412 into `db`.
bool fill(NewRunDialog& dialog, const QString& db) {
  auto* target = child<QComboBox>(dialog, "target");
  if (!QTest::qWaitFor([&] { return target->count() > 0; }, 60000)) return false;
  const int f412 = target->findData(QStringLiteral("stm32f412"));
  if (f412 < 0) return false;
  target->setCurrentIndex(f412);
  child<QLineEdit>(dialog, "input")->setText(QStringLiteral(MCUPROF_DEMO_ELF));
  child<QLineEdit>(dialog, "database")->setText(db);
  return true;
}

}  // namespace

class TestNewRunDialog : public QObject {
  Q_OBJECT

 private slots:
  void init() {
    if (NewRunDialog::mcuprof_program().isEmpty()) QSKIP("mcuprof not built next to the test");
    if (!QFileInfo::exists(QStringLiteral(MCUPROF_DEMO_ELF)))
      QSKIP("demo firmware not built: " MCUPROF_DEMO_ELF);
  }

  void runsMcuprofAndTheRunLandsInTheDatabase() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString db = dir.filePath("new.db");
    NewRunDialog dialog(db);
    QVERIFY(fill(dialog, db));
    QCOMPARE(child<QLabel>(dialog, "command")->text(),
             QStringLiteral("mcuprof run %1 --target stm32f412 --db %2").arg(MCUPROF_DEMO_ELF, db));
    QSignalSpy done(&dialog, &NewRunDialog::runFinished);
    auto* run = child<QPushButton>(dialog, "run");
    QVERIFY(run->isEnabled());
    QTest::mouseClick(run, Qt::LeftButton);
    QVERIFY(!run->isEnabled());  // one run at a time
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 120000);
    QCOMPARE(done[0][0].toString(), db);
    QVERIFY2(done[0][1].toBool(),
             qPrintable(child<QPlainTextEdit>(dialog, "output")->toPlainText()));
    const auto store = mcuprof::traces::TraceStore::open(
        db.toStdString(), mcuprof::traces::TraceStore::Mode::ReadOnly);
    const auto runs = store.runs();
    QCOMPARE(runs.size(), size_t{1});
    QCOMPARE(QString::fromStdString(runs[0].target), QStringLiteral("stm32f412"));
    QVERIFY(runs[0].total_cycles > 0);
  }

  void cancelKillsTheChild() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString db = dir.filePath("c.db");
    NewRunDialog dialog(db);
    QVERIFY(fill(dialog, db));
    QSignalSpy done(&dialog, &NewRunDialog::runFinished);
    QTest::mouseClick(child<QPushButton>(dialog, "run"), Qt::LeftButton);
    auto* cancel = child<QPushButton>(dialog, "cancel");
    QCOMPARE(cancel->text(), QStringLiteral("Cancel"));
    QTest::mouseClick(cancel, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(cancel->text(), QStringLiteral("Close"), 30000);  // child gone
    const QStringList lines =
        child<QPlainTextEdit>(dialog, "output")->toPlainText().split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.last(), QStringLiteral("cancelled"));
    QCOMPARE(done.size(), 0);  // a cancelled run is not reported as finished
    QVERIFY(child<QPushButton>(dialog, "run")->isEnabled());  // can run again
  }
};

QTEST_MAIN(TestNewRunDialog)
#include "test_new_run_dialog.moc"
