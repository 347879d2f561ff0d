// TraceLoader: reads the run list and the selected runs' data off the GUI thread
// (QtConcurrent::run over trace_loading.hpp) and hands the results back on the GUI thread.
// A newer request of the same kind supersedes an older one: a stale result is dropped, so
// the window only ever shows the latest selection. busyChanged() drives the busy indicator.
#pragma once

#include <QObject>
#include <memory>
#include <vector>

#include "trace_loading.hpp"

namespace mcuprof::gui {

class TraceLoader final : public QObject {
  Q_OBJECT

 public:
  explicit TraceLoader(QObject* parent = nullptr);
  ~TraceLoader() override;

  void load_runs(const QString& path);
  void load_selection(const QString& path, std::vector<int64_t> ids);
  bool busy() const { return pending_ > 0; }

 signals:
  void runsLoaded(std::shared_ptr<const RunsSnapshot> runs);
  void selectionLoaded(std::shared_ptr<const SelectionSnapshot> selection);
  void busyChanged(bool busy);

 private:
  template <typename Snapshot, typename Load, typename Deliver>
  void start(uint64_t& generation, Load load, Deliver deliver);

  uint64_t runs_generation_ = 0;
  uint64_t selection_generation_ = 0;
  int pending_ = 0;
};

}  // namespace mcuprof::gui
