// LayerDeltaModel: the per-layer part of a comparison (TraceStore::compare): for each
// layer matched across two runs, cycles, MACs and SRAM peak of both with their deltas. A
// layer present in one run only has the other side empty. Qt::UserRole gives raw
// numbers (deltas as B − A, the relative cycle delta as a fraction).
#pragma once

#include <vector>

#include "mcuprof/traces/store.hpp"
#include "row_table_model.hpp"

namespace mcuprof::gui {

class LayerDeltaModel final : public RowTableModel<traces::LayerPair> {
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
  void set_layers(std::vector<traces::LayerPair> layers) { set_rows(std::move(layers)); }
  const traces::LayerPair* pair_at(int row) const { return row_at(row); }

  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;
};

}  // namespace mcuprof::gui
