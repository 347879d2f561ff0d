// Background reading of the trace database (see trace_loader.hpp).
#include "trace_loader.hpp"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace mcuprof::gui {

TraceLoader::TraceLoader(QObject* parent) : QObject(parent) {}

// Outstanding reads finish on the pool; their watchers (children) are deleted with us,
// so no result is delivered afterwards. Wait so no read outlives the window's process.
TraceLoader::~TraceLoader() {
  for (auto* watcher : findChildren<QFutureWatcherBase*>()) watcher->waitForFinished();
}

template <typename Snapshot, typename Load, typename Deliver>
void TraceLoader::start(uint64_t& generation, Load load, Deliver deliver) {
  const uint64_t mine = ++generation;
  auto* watcher = new QFutureWatcher<Snapshot>(this);
  if (pending_++ == 0) emit busyChanged(true);
  connect(watcher, &QFutureWatcherBase::finished, this,
          [this, watcher, &generation, mine, deliver] {
            watcher->deleteLater();
            const bool current = mine == generation;
            if (current) deliver(std::make_shared<const Snapshot>(watcher->result()));
            if (--pending_ == 0) emit busyChanged(false);
          });
  watcher->setFuture(QtConcurrent::run(std::move(load)));
}

void TraceLoader::load_runs(const QString& path) {
  start<RunsSnapshot>(
      runs_generation_, [path] { return mcuprof::gui::load_runs(path); },
      [this](std::shared_ptr<const RunsSnapshot> s) { emit runsLoaded(std::move(s)); });
}

void TraceLoader::load_selection(const QString& path, std::vector<int64_t> ids) {
  start<SelectionSnapshot>(
      selection_generation_,
      [path, ids = std::move(ids)] { return mcuprof::gui::load_selection(path, ids); },
      [this](std::shared_ptr<const SelectionSnapshot> s) { emit selectionLoaded(std::move(s)); });
}

}  // namespace mcuprof::gui
