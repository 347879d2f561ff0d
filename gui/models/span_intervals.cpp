// Table rows → cycle intervals (see span_intervals.hpp).
#include "span_intervals.hpp"

#include <algorithm>

namespace mcuprof::gui {

bool overlaps(std::span<const CycleInterval> intervals, uint64_t lo, uint64_t hi) {
  return std::any_of(intervals.begin(), intervals.end(), [&](const CycleInterval& i) {
    if (i.begin == i.end) return i.begin >= lo && i.begin < hi;
    return i.begin < hi && lo < i.end;
  });
}

std::vector<Intervals> layer_intervals(std::span<const traces::LayerRow> rows,
                                       std::span<const plot::LayerSpan> spans) {
  std::vector<Intervals> out(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto& row = rows[r];
    for (const auto& s : spans) {
      const bool same =
          row.layer_index >= 0 ? s.index == row.layer_index : (s.index < 0 && s.name == row.name);
      if (same) out[r].push_back({s.begin, s.end});
    }
    std::sort(out[r].begin(), out[r].end(),
              [](const CycleInterval& a, const CycleInterval& b) { return a.begin < b.begin; });
  }
  return out;
}

std::vector<Intervals> patch_intervals(std::span<const traces::PatchRow> rows,
                                       std::span<const plot::PatchSpan> spans) {
  std::vector<Intervals> out(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const auto it = std::find_if(spans.begin(), spans.end(), [&](const plot::PatchSpan& s) {
      return s.begin == row.ts && s.row == row.patch_row && s.col == row.patch_col;
    });
    out[r].push_back(it != spans.end() ? CycleInterval{it->begin, it->end}
                                       : CycleInterval{row.ts, row.ts + row.cycles});
  }
  return out;
}

}  // namespace mcuprof::gui
