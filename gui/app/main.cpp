// mcuprof-gui: explore the runs of a trace database.
// Usage: mcuprof-gui [TRACES.db] [--runs 1,2] [--x cycles|ms|progress] [--screenshot FILE.png]
#include <QApplication>
#include <QCommandLineParser>
#include <QItemSelectionModel>
#include <QTimer>

#include "main_window.hpp"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("mcuprof-gui");
  QApplication::setOrganizationName("mcuprof");
  QApplication::setApplicationVersion(MCUPROF_VERSION);
  QCommandLineParser parser;
  parser.setApplicationDescription("Explore mcuprof trace databases");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument("database", "Trace database to open");
  QCommandLineOption x_unit("x", "x axis: cycles, ms or progress", "unit", "cycles");
  QCommandLineOption screenshot("screenshot", "Save the window as a PNG once shown, then quit",
                                "file");
  QCommandLineOption runs("runs", "Runs to select, by id (e.g. 1,2); default: all for --screenshot",
                          "ids");
  parser.addOption(runs);
  parser.addOption(x_unit);
  parser.addOption(screenshot);
  parser.process(app);

  mcuprof::gui::MainWindow window;
  const QString unit = parser.value(x_unit);
  window.set_x_unit(unit == "ms" ? 1 : unit == "progress" ? 2 : 0);
  if (!parser.positionalArguments().isEmpty())
    window.open_database(parser.positionalArguments().first());
  window.show();
  QList<qlonglong> ids;
  for (const QString& id : parser.value(runs).split(',', Qt::SkipEmptyParts))
    ids.append(id.toLongLong());
  if (!ids.isEmpty()) QTimer::singleShot(200, &window, [&window, ids] { window.select_runs(ids); });
  if (parser.isSet(screenshot)) {
    const QString file = parser.value(screenshot);
    QTimer::singleShot(400, &window, [&window, file, ids] {
      if (ids.isEmpty()) window.select_all_runs();
      QTimer::singleShot(400, &window, [&window, file] {
        const bool ok = window.grab().save(file);
        QApplication::exit(ok ? 0 : 1);
      });
    });
  }
  return QApplication::exec();
}
