// PatchTableModel: a patch-based run's patches (one row per patch span: grid position,
// start, cycles, ms, share, MACs, flash data bytes, SRAM peak) as a Qt table model, from
// the trace reader's patch_table(). Qt::UserRole gives raw numbers (sorting, CSV, tests).
#pragma once

#include <vector>

#include "mcuprof/traces/store.hpp"
#include "row_table_model.hpp"

namespace mcuprof::gui {

class PatchTableModel final : public RowTableModel<traces::PatchRow> {
  Q_OBJECT

 public:
  enum Column { Name, Row, Col, Start, Cycles, Ms, Share, Macs, FlashData, SramPeak, ColumnCount };

  explicit PatchTableModel(QObject* parent = nullptr);
  void set_patches(std::vector<traces::PatchRow> patches) { set_rows(std::move(patches)); }
  const traces::PatchRow* patch_at(int row) const { return row_at(row); }

  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;
};

}  // namespace mcuprof::gui
