// Where each row of the layer and patch tables sits in time: the cycle intervals of the
// spans behind a table row (a layer-wise layer has one, a layer run inside patches one
// per patch), taken from the chart's spans of the same run. Used to filter the tables to
// a time range selected on the chart and to highlight a row's span.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "chart_data.hpp"
#include "mcuprof/traces/store.hpp"

namespace mcuprof::gui {

struct CycleInterval {
  uint64_t begin = 0;
  uint64_t end = 0;  // exclusive
};
using Intervals = std::vector<CycleInterval>;

// True when one of `intervals` overlaps [lo, hi) (a zero-length span at lo counts).
bool overlaps(std::span<const CycleInterval> intervals, uint64_t lo, uint64_t hi);

// Per layer row: the spans of that layer (matched by layer index, or by name when the row
// has none), in time order.
std::vector<Intervals> layer_intervals(std::span<const traces::LayerRow> rows,
                                       std::span<const plot::LayerSpan> spans);

// Per patch row: the patch span that starts at the row's cycle with the same grid
// position ([ts, ts + cycles) when the chart has no such span).
std::vector<Intervals> patch_intervals(std::span<const traces::PatchRow> rows,
                                       std::span<const plot::PatchSpan> spans);

}  // namespace mcuprof::gui
