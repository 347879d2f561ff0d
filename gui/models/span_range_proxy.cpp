// Time-range filter and sorting over the layer and patch tables (see span_range_proxy.hpp).
#include "span_range_proxy.hpp"

namespace mcuprof::gui {

SpanRangeProxy::SpanRangeProxy(QObject* parent) : QSortFilterProxyModel(parent) {
  setSortRole(Qt::UserRole);
}

void SpanRangeProxy::set_row_intervals(std::vector<Intervals> intervals) {
  intervals_ = std::move(intervals);
  invalidateFilter();
}

void SpanRangeProxy::set_range(std::optional<std::pair<uint64_t, uint64_t>> range) {
  range_ = range;
  invalidateFilter();
}

const Intervals& SpanRangeProxy::intervals_of(int source_row) const {
  static const Intervals none;
  if (source_row < 0 || static_cast<size_t>(source_row) >= intervals_.size()) return none;
  return intervals_[static_cast<size_t>(source_row)];
}

bool SpanRangeProxy::filterAcceptsRow(int source_row, const QModelIndex& source_parent) const {
  if (source_parent.isValid() || !range_) return true;
  return overlaps(intervals_of(source_row), range_->first, range_->second);
}

}  // namespace mcuprof::gui
