// RunListModel: the runs of a trace database as a Qt table model (one row per run),
// for the run list of mcuprof-gui: id, name, model, schedule, board, latency and peak
// first, then status, cycles, instructions, firmware and start time. Reads through the
// traces library only.
#pragma once

#include <vector>

#include "mcuprof/traces/store.hpp"
#include "row_table_model.hpp"

namespace mcuprof::gui {

class RunListModel final : public RowTableModel<traces::RunRecord> {
  Q_OBJECT

 public:
  // Name is run_display_name(); Model the model's file name (empty for a firmware run);
  // Target is headed "Board"; LatencyMs shows "210.260 ms" (Qt::UserRole: the number);
  // PeakSram the stored peak SRAM, "60.9 KiB" (Qt::UserRole: bytes).
  enum Column {
    Id,
    Name,
    Model,
    Schedule,
    Target,
    LatencyMs,
    PeakSram,
    Status,
    Cycles,
    Instructions,
    Firmware,
    StartedAt,
    ColumnCount
  };
  // The columns the run list must show in full (the view sizes itself to them).
  static constexpr int kKeyColumns = PeakSram + 1;

  explicit RunListModel(QObject* parent = nullptr);

  // Replaces the rows with `runs` (e.g. TraceStore::runs()).
  void set_runs(std::vector<traces::RunRecord> runs) { set_rows(std::move(runs)); }
  const traces::RunRecord* run_at(int row) const { return row_at(row); }

  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;
};

}  // namespace mcuprof::gui
