// SpanRangeProxy: sorts a table by its raw values (Qt::UserRole) and, when a time range
// is set (the rubber band on the chart), keeps only the rows whose spans overlap it.
// The rows' intervals are given per source row (span_intervals.hpp); a row without
// intervals is hidden while a range is set.
#pragma once

#include <QSortFilterProxyModel>
#include <optional>
#include <utility>
#include <vector>

#include "span_intervals.hpp"

namespace mcuprof::gui {

class SpanRangeProxy final : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit SpanRangeProxy(QObject* parent = nullptr);

  // Intervals of each source row (index = source row). Call when the source changes.
  void set_row_intervals(std::vector<Intervals> intervals);
  // Keep rows overlapping [lo, hi) cycles; nullopt shows every row.
  void set_range(std::optional<std::pair<uint64_t, uint64_t>> range);
  const std::optional<std::pair<uint64_t, uint64_t>>& range() const { return range_; }
  // The intervals of a source row (empty when unknown).
  const Intervals& intervals_of(int source_row) const;

 protected:
  bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override;

 private:
  std::vector<Intervals> intervals_;
  std::optional<std::pair<uint64_t, uint64_t>> range_;
};

}  // namespace mcuprof::gui
