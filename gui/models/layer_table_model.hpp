// LayerTableModel: a run's per-layer table (cycles, ms, share, MACs, cycles/MAC, flash
// data bytes, SRAM peak) as a Qt table model, from the trace reader's layer rows.
#pragma once

#include <vector>

#include "mcuprof/traces/store.hpp"
#include "row_table_model.hpp"

namespace mcuprof::gui {

class LayerTableModel final : public RowTableModel<traces::LayerRow> {
  Q_OBJECT

 public:
  enum Column {
    Index,
    Name,
    Op,
    Spans,
    Cycles,
    Ms,
    Share,
    Macs,
    CyclesPerMac,
    FlashData,
    SramPeak,
    ColumnCount
  };

  explicit LayerTableModel(QObject* parent = nullptr);
  void set_layers(std::vector<traces::LayerRow> layers) { set_rows(std::move(layers)); }
  const traces::LayerRow* layer_at(int row) const { return row_at(row); }

  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;
};

}  // namespace mcuprof::gui
