// mcuprof-gui: explore the runs of a trace database.
// Usage: mcuprof-gui [TRACES.db] [--runs 1,2] [--x cycles|ms|progress]
//                    [--tab layers|patches|comparison|functions|sweep] [--filter LO,HI]
//                    [--screenshot FILE.png [--size WxH] [--grab window|tables]]
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>
#include <functional>

#include "main_window.hpp"
#include "memory_chart_widget.hpp"
#include "table_tabs.hpp"

namespace {

// Calls `then` once the window has no read running (polling; reads finish on their own).
void when_idle(mcuprof::gui::MainWindow& window, std::function<void()> then) {
  auto* timer = new QTimer(&window);
  timer->setInterval(100);
  QObject::connect(timer, &QTimer::timeout, &window, [&window, timer, then] {
    if (window.busy()) return;
    timer->deleteLater();
    then();
  });
  timer->start();
}

}  // namespace

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
  QCommandLineOption screenshot(
      "screenshot", "Save the window as a PNG once the data is loaded, then quit", "file");
  QCommandLineOption runs("runs", "Runs to select, by id (e.g. 1,2); default: all for --screenshot",
                          "ids");
  QCommandLineOption tab(
      "tab", "Table tab to show: layers, patches, comparison, functions or sweep", "tab", "layers");
  parser.addOption(runs);
  parser.addOption(x_unit);
  QCommandLineOption filter(
      "filter", "Filter the tables to the time range LO,HI (in x axis units), as Shift+drag does",
      "range");
  QCommandLineOption size("size", "Window size for --screenshot, e.g. 1600x1000", "WxH");
  QCommandLineOption grab("grab", "What --screenshot saves: window (default) or tables", "part",
                          "window");
  parser.addOption(tab);
  parser.addOption(filter);
  parser.addOption(screenshot);
  parser.addOption(size);
  parser.addOption(grab);
  parser.process(app);

  mcuprof::gui::MainWindow window;
  const QString unit = parser.value(x_unit);
  window.set_x_unit(unit == "ms" ? 1 : unit == "progress" ? 2 : 0);
  if (const QStringList wh = parser.value(size).split('x'); wh.size() == 2)
    window.resize(wh[0].toInt(), wh[1].toInt());
  if (!parser.positionalArguments().isEmpty())
    window.open_database(parser.positionalArguments().first());
  window.show();
  QList<qlonglong> ids;
  for (const QString& id : parser.value(runs).split(',', Qt::SkipEmptyParts))
    ids.append(id.toLongLong());
  if (!ids.isEmpty()) window.select_runs(ids);
  using Tab = mcuprof::gui::TableTabs::Tab;
  const QString tab_name = parser.value(tab);
  const Tab chosen = tab_name == "patches"      ? Tab::Patches
                     : tab_name == "comparison" ? Tab::Comparison
                     : tab_name == "functions"  ? Tab::Functions
                     : tab_name == "sweep"      ? Tab::Sweep
                                                : Tab::Layers;
  // The tab is chosen once the selection has loaded (a tab without data is disabled).
  const QStringList range = parser.value(filter).split(',');
  const bool filtered = range.size() == 2;
  const double lo = filtered ? range[0].toDouble() : 0.0;
  const double hi = filtered ? range[1].toDouble() : 0.0;
  QObject::connect(
      &window, &mcuprof::gui::MainWindow::runsShown, &window,
      [&window, chosen, ids, filtered, lo, hi, select_all = parser.isSet(screenshot)] {
        if (ids.isEmpty() && select_all) window.select_all_runs();
        when_idle(window, [&window, chosen, filtered, lo, hi] {
          window.tables()->show_tab(chosen);
          if (filtered) window.chart()->select_range(lo, hi);
        });
      },
      Qt::SingleShotConnection);
  if (parser.isSet(screenshot)) {
    const QString file = parser.value(screenshot);
    QWidget* part =
        parser.value(grab) == "tables" ? static_cast<QWidget*>(window.tables()) : &window;
    // Give the first read time to start, wait for every read to end, then paint and grab.
    QTimer::singleShot(300, &window, [&window, file, part] {
      when_idle(window, [&window, file, part] {
        QTimer::singleShot(300, &window, [file, part] {
          const bool ok = part->grab().save(file);
          QApplication::exit(ok ? 0 : 1);
        });
      });
    });
  }
  return QApplication::exec();
}
