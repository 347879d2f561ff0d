// The text of the bar over the tables when they are filtered to a time range selected on
// the chart, in the chart's x unit: "Spans overlapping 12.50 – 94.00 ms (cycles 1,250,000 –
// 9,400,000 of run A): 3 of 52 layers, 4 of 16 patches". Pure function, no widgets.
#pragma once

#include <QString>
#include <cstdint>
#include <optional>
#include <utility>

#include "axis_mapping.hpp"

namespace mcuprof::gui {

// A range selected on the chart, in its x axis' unit.
struct AxisRange {
  double lo = 0;
  double hi = 0;
  plot::XUnit unit = plot::XUnit::Cycles;
};

struct FilterCounts {
  int layers_shown = 0;
  int layers_total = 0;
  int patches_shown = 0;
  int patches_total = 0;  // 0: the run has no patches (not mentioned)
};

// `cycles` is the range in the tables' run's cycles; `axis` what was selected (nullopt or
// a cycles axis: the cycles alone are shown).
QString filter_bar_text(const std::optional<AxisRange>& axis, std::pair<uint64_t, uint64_t> cycles,
                        const FilterCounts& counts);

// "12.50 – 94.00 ms", "20.0 – 40.0 %", "1,200 – 9,400 cycles": decimals follow the width
// of the range so its ends differ.
QString axis_range_text(const AxisRange& range);

}  // namespace mcuprof::gui
