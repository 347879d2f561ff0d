// ComparisonSummaryModel: the headline figures of two runs (comparison_figures.hpp) as a
// table: figure, run A, run B, delta, delta %. Qt::UserRole gives raw numbers (the
// relative delta as a fraction); Qt::DisplayRole formatted text.
#pragma once

#include <QAbstractTableModel>
#include <QString>
#include <vector>

#include "comparison_figures.hpp"

namespace mcuprof::gui {

class ComparisonSummaryModel final : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Figure, A, B, Delta, DeltaPct, ColumnCount };

  explicit ComparisonSummaryModel(QObject* parent = nullptr);
  // The two runs (column titles name them); clear() empties the table.
  void set_runs(const traces::RunRecord& a, const traces::RunRecord& b);
  void clear();
  const HeadlineFigure* figure_at(int row) const;
  // The row of the figure with this label, or -1.
  int row_of(const std::string& label) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  std::vector<HeadlineFigure> figures_;
  QString name_a_;
  QString name_b_;
};

// "#3 vww.tflite (patch-4x4)": a run's id, name (run_display_name) and schedule, for
// column and panel titles.
QString run_title(const traces::RunRecord& run);

}  // namespace mcuprof::gui
