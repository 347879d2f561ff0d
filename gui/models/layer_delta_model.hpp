// LayerDeltaModel: the per-layer part of a comparison (TraceStore::compare): for each
// layer matched across two runs, cycles, MACs and SRAM peak of both with their deltas. A
// layer present in one run only has the other side empty. Qt::UserRole gives raw
// numbers (deltas as B − A, the relative cycle delta as a fraction).
#pragma once

#include <QAbstractTableModel>
#include <vector>

#include "mcuprof/traces/store.hpp"

namespace mcuprof::gui {

class LayerDeltaModel final : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column {
    Index,
    Name,
    Op,
    CyclesA,
    CyclesB,
    CyclesDelta,
    CyclesDeltaPct,
    MacsA,
    MacsB,
    SramA,
    SramB,
    SramDelta,
    ColumnCount
  };

  explicit LayerDeltaModel(QObject* parent = nullptr);
  void set_layers(std::vector<traces::LayerPair> layers);
  const traces::LayerPair* pair_at(int row) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  std::vector<traces::LayerPair> layers_;
};

}  // namespace mcuprof::gui
