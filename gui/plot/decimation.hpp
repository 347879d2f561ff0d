// Min/max decimation of a step series onto pixel columns: each column gets the lowest and
// highest value the series had anywhere in the column's time range, so a drawn curve never
// hides a peak however many samples fall into one pixel.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "chart_data.hpp"

namespace mcuprof::plot {

// The values of a series over one column's time range [a, b).
struct ColumnEnvelope {
  bool has_data = false;  // false before the first sample and after the run's end
  int64_t first = 0;      // value at the column's start (or its first sample)
  int64_t last = 0;       // value at the column's end
  int64_t min = 0;
  int64_t max = 0;
};

// Column c covers cycles [edges[c], edges[c+1]); edges must be non-decreasing, so there
// are edges.size() - 1 columns. A sample's value counts in every column its hold interval
// [cycle, next sample's cycle) meets, and in the column where it starts even if the next
// sample has the same cycle (a transient value). The last sample holds until end_cycle
// (exclusive; a sample at or after it still counts in the column where it starts).
// Guarantee: max over the columns a sample meets >= that sample's value, and each column's
// max equals the true maximum of the series over [a, b) (the same for min).
// Cost: O(log n) per column plus the samples in the visible range.
std::vector<ColumnEnvelope> decimate_step_series(std::span<const StepPoint> series,
                                                 std::span<const double> edges, uint64_t end_cycle);

}  // namespace mcuprof::plot
