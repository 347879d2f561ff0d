// LayerTableModel: a run's per-layer table (cycles, ms, share, MACs, cycles/MAC, flash
// data bytes, SRAM peak) as a Qt table model, from the trace reader's layer rows.
#pragma once

#include <QAbstractTableModel>
#include <vector>

#include "mcuprof/traces/store.hpp"

namespace mcuprof::gui {

class LayerTableModel final : public QAbstractTableModel {
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
  void set_layers(std::vector<traces::LayerRow> layers);
  const traces::LayerRow* layer_at(int row) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  std::vector<traces::LayerRow> layers_;
};

}  // namespace mcuprof::gui
