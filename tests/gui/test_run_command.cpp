// The new run dialog's command line (mcuprof_run_arguments) and its board list, parsed from
// `mcuprof targets --json` (the real program's output when it is built) and from text.
#include <QProcess>
#include <QTest>

#include "run_command.hpp"

using namespace mcuprof::gui;

namespace {

NewRunRequest request(QString input, QString target, QString database,
                      ScheduleKind schedule = ScheduleKind::Layer, int grid = 0, int split = 0) {
  NewRunRequest r;
  r.input = std::move(input);
  r.target = std::move(target);
  r.database = std::move(database);
  r.schedule = schedule;
  r.patch_grid = grid;
  r.patch_split = split;
  return r;
}

}  // namespace

class TestRunCommand : public QObject {
  Q_OBJECT

 private slots:
  void modelSchedules() {
    NewRunRequest r = request("/m/mbv2.tflite", "stm32f412", "/t/traces.db");
    QCOMPARE(mcuprof_run_arguments(r),
             (QStringList{"run", "/m/mbv2.tflite", "--target", "stm32f412", "--db", "/t/traces.db",
                          "--schedule", "layer"}));
    r.schedule = ScheduleKind::Patch;
    QCOMPARE(mcuprof_run_arguments(r).mid(6), (QStringList{"--schedule", "patch"}));
    r.patch_grid = 4;
    r.patch_split = 5;
    QCOMPARE(mcuprof_run_arguments(r).mid(6), (QStringList{"--schedule", "patch:4x4@5"}));
    r.schedule = ScheduleKind::Auto;
    QCOMPARE(mcuprof_run_arguments(r).mid(6), (QStringList{"--schedule", "auto"}));
    r.input = "/m/MODEL.TFLITE";  // the suffix in any case
    QVERIFY(mcuprof_run_arguments(r).contains("--schedule"));
  }

  void firmwareHasNoSchedule() {
    NewRunRequest r{.input = "fw dir/demo.elf",
                    .target = "lm3s6965",
                    .database = "a b.db",
                    .schedule = ScheduleKind::Patch,
                    .patch_grid = 2,
                    .patch_split = 3};
    // One argument per item: a path with spaces stays one argument (no shell).
    QCOMPARE(mcuprof_run_arguments(r),
             (QStringList{"run", "fw dir/demo.elf", "--target", "lm3s6965", "--db", "a b.db"}));
  }

  void incompleteRequestsSayWhy() {
    QString error;
    QVERIFY(mcuprof_run_arguments(request("", "t", "d"), &error).isEmpty());
    QVERIFY(error.contains("model"));
    QVERIFY(mcuprof_run_arguments(request("m.tflite", "", "d"), &error).isEmpty());
    QVERIFY(error.contains("target"));
    QVERIFY(mcuprof_run_arguments(request("m.tflite", "t", ""), &error).isEmpty());
    QVERIFY(error.contains("database"));
    NewRunRequest r{.input = "m.tflite",
                    .target = "t",
                    .database = "d",
                    .schedule = ScheduleKind::Patch,
                    .patch_grid = 4,
                    .patch_split = 0};
    QVERIFY(mcuprof_run_arguments(r, &error).isEmpty());
    QVERIFY(error.contains("split"));
    r.patch_split = 2;
    QVERIFY(!mcuprof_run_arguments(r, &error).isEmpty());
    QVERIFY(error.isEmpty());
  }

  void parsesTargetsJson() {
    const QByteArray json = R"([
      {"name": "stm32f412", "description": "STM32F412 Nucleo", "core": "cortex-m4", "fpu": true,
       "clock_hz": 100000000, "memories": [
         {"name": "flash", "kind": "flash", "base": 134217728, "size": 1048576, "wait_states": 3},
         {"name": "sram", "kind": "sram", "base": 536870912, "size": 262144, "wait_states": 0}]},
      {"name": "lm3s6965", "core": "cortex-m3", "clock_hz": 50000000, "memories": []}])";
    const auto boards = parse_targets_json(json);
    QCOMPARE(boards.size(), size_t{2});
    QCOMPARE(boards[0].name, QStringLiteral("stm32f412"));
    QVERIFY(boards[0].description.contains("cortex-m4"));
    QVERIFY(boards[0].description.contains("100 MHz"));
    QVERIFY(boards[0].description.contains("256"));
    QVERIFY(boards[0].description.contains("STM32F412 Nucleo"));
    QCOMPARE(boards[1].name, QStringLiteral("lm3s6965"));
    QVERIFY(parse_targets_json("name core\nstm32f412 cortex-m4").empty());  // not JSON
  }

  void parsesTargetsText() {
    const QByteArray text =
        "name         core          fpu      MHz   code KiB   data KiB  description\n"
        "stm32f412    cortex-m4     yes      100       1024        256  STM32F412 Nucleo\n"
        "lm3s6965     cortex-m3      no       50        256         64  Stellaris\n";
    const auto boards = parse_targets_text(text);
    QCOMPARE(boards.size(), size_t{2});
    QCOMPARE(boards[0].name, QStringLiteral("stm32f412"));
    QVERIFY(boards[0].description.startsWith("cortex-m4"));
    QCOMPARE(boards[1].name, QStringLiteral("lm3s6965"));
  }

  // The real `mcuprof targets --json`, so the parser follows the program's format.
  void parsesTheRealTargetList() {
#ifdef MCUPROF_PROGRAM
    QProcess p;
    p.start(MCUPROF_PROGRAM, {"targets", "--json"});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    const auto boards = parse_targets_json(p.readAllStandardOutput());
    QVERIFY(!boards.empty());
    bool f412 = false;
    for (const auto& b : boards) f412 = f412 || b.name == "stm32f412";
    QVERIFY(f412);
#else
    QSKIP("mcuprof is not built");
#endif
  }
};

QTEST_MAIN(TestRunCommand)
#include "test_run_command.moc"
