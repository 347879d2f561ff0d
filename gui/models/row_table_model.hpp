// RowTableModel: what every table model of the GUI shares — a vector of rows replaced as
// a whole (a model reset), row lookup, and the row and column counts. A model derives
// from it and gives its columns, data() and headerData().
#pragma once

#include <QAbstractTableModel>
#include <utility>
#include <vector>

namespace mcuprof::gui {

template <typename Row>
class RowTableModel : public QAbstractTableModel {
 public:
  RowTableModel(int columns, QObject* parent) : QAbstractTableModel(parent), columns_(columns) {}

  void set_rows(std::vector<Row> rows) {
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
  }
  // The row at `row`, or nullptr outside the table.
  const Row* row_at(int row) const {
    if (row < 0 || static_cast<size_t>(row) >= rows_.size()) return nullptr;
    return &rows_[static_cast<size_t>(row)];
  }
  const std::vector<Row>& rows() const { return rows_; }

  int rowCount(const QModelIndex& parent = {}) const override {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
  }
  int columnCount(const QModelIndex& parent = {}) const override {
    return parent.isValid() ? 0 : columns_;
  }

 private:
  int columns_;
  std::vector<Row> rows_;
};

}  // namespace mcuprof::gui
