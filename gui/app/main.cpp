// mcuprof-gui: explore the runs of a trace database. Usage: mcuprof-gui [TRACES.db]
#include <QApplication>
#include <QCommandLineParser>

#include "main_window.hpp"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("mcuprof-gui");
  QApplication::setApplicationVersion(MCUPROF_VERSION);
  QCommandLineParser parser;
  parser.setApplicationDescription("Explore mcuprof trace databases");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument("database", "Trace database to open");
  parser.process(app);

  mcuprof::gui::MainWindow window;
  if (!parser.positionalArguments().isEmpty()) window.open_database(parser.positionalArguments().first());
  window.show();
  return QApplication::exec();
}
