// RunListModel: the runs of a trace database as a Qt table model (one row per run),
// for the run list of mcuprof-gui. Reads through the traces library only.
#pragma once

#include <vector>

#include "mcuprof/traces/store.hpp"
#include "row_table_model.hpp"

namespace mcuprof::gui {

class RunListModel final : public RowTableModel<traces::RunRecord> {
  Q_OBJECT

 public:
  enum Column {
    Id,
    Target,
    Firmware,
    Status,
    Cycles,
    LatencyMs,
    Instructions,
    StartedAt,
    ColumnCount
  };

  explicit RunListModel(QObject* parent = nullptr);

  // Replaces the rows with `runs` (e.g. TraceStore::runs()).
  void set_runs(std::vector<traces::RunRecord> runs) { set_rows(std::move(runs)); }
  const traces::RunRecord* run_at(int row) const { return row_at(row); }

  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;
};

}  // namespace mcuprof::gui
