// Helpers over the chart's input structures: value lookup, series sum, peak, completion.
#include "chart_data.hpp"

#include <algorithm>
#include <limits>

namespace mcuprof::plot {

std::optional<int64_t> value_at(std::span<const StepPoint> series, uint64_t cycle) {
  const auto it = std::upper_bound(series.begin(), series.end(), cycle,
                                   [](uint64_t c, const StepPoint& p) { return c < p.cycle; });
  if (it == series.begin()) return std::nullopt;
  return std::prev(it)->bytes;
}

StepSeries sum_series(std::span<const StepSeries* const> parts) {
  std::vector<size_t> next(parts.size(), 0);
  std::vector<int64_t> current(parts.size(), 0);
  StepSeries out;
  size_t total_points = 0;
  for (const auto* p : parts) total_points += p->size();
  out.reserve(total_points);
  for (;;) {
    uint64_t cycle = std::numeric_limits<uint64_t>::max();
    bool any = false;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (next[i] < parts[i]->size()) {
        cycle = std::min(cycle, (*parts[i])[next[i]].cycle);
        any = true;
      }
    }
    if (!any) break;
    // Apply every sample at this cycle one by one so transient values survive.
    for (size_t i = 0; i < parts.size(); ++i) {
      while (next[i] < parts[i]->size() && (*parts[i])[next[i]].cycle == cycle) {
        current[i] = (*parts[i])[next[i]].bytes;
        ++next[i];
        int64_t sum = 0;
        for (const int64_t v : current) sum += v;
        out.push_back({cycle, sum});
      }
    }
  }
  return out;
}

std::optional<StepPoint> series_max(std::span<const StepPoint> series) {
  if (series.empty()) return std::nullopt;
  const auto it =
      std::max_element(series.begin(), series.end(),
                       [](const StepPoint& a, const StepPoint& b) { return a.bytes < b.bytes; });
  return *it;
}

namespace {
template <typename Span>
const typename Span::value_type* span_at(const Span& spans, uint64_t cycle) {
  const auto it = std::upper_bound(spans.begin(), spans.end(), cycle,
                                   [](uint64_t c, const auto& s) { return c < s.begin; });
  if (it == spans.begin()) return nullptr;
  const auto& s = *std::prev(it);
  return cycle < s.end ? &s : nullptr;
}
}  // namespace

const LayerSpan* layer_at(std::span<const LayerSpan> layers, uint64_t cycle) {
  return span_at(layers, cycle);
}

const PatchSpan* patch_at(std::span<const PatchSpan> patches, uint64_t cycle) {
  return span_at(patches, cycle);
}

std::string layer_place(std::span<const LayerSpan> layers, uint64_t cycle) {
  if (const auto* layer = layer_at(layers, cycle)) return layer->name;
  const auto next = std::upper_bound(layers.begin(), layers.end(), cycle,
                                     [](uint64_t c, const LayerSpan& l) { return c < l.begin; });
  if (next != layers.end()) return "before " + next->name;
  return layers.empty() ? std::string() : "after " + layers.back().name;
}

void complete_run(ChartRun& run) {
  const auto by_begin = [](const auto& a, const auto& b) { return a.begin < b.begin; };
  std::stable_sort(run.layers.begin(), run.layers.end(), by_begin);
  std::stable_sort(run.patches.begin(), run.patches.end(), by_begin);
  if (run.total.empty()) {
    const StepSeries* parts[] = {&run.static_bytes, &run.arena, &run.stack};
    run.total = sum_series(parts);
  }
  if (run.end_cycle == 0) {
    for (const StepSeries* s : {&run.static_bytes, &run.arena, &run.stack, &run.total}) {
      if (!s->empty()) run.end_cycle = std::max(run.end_cycle, s->back().cycle);
    }
    for (const auto& l : run.layers) run.end_cycle = std::max(run.end_cycle, l.end);
    for (const auto& p : run.patches) run.end_cycle = std::max(run.end_cycle, p.end);
  }
  if (!run.peak) {
    if (const auto top = series_max(run.total)) {
      PeakInfo peak{top->cycle, top->bytes, {}};
      if (const auto* layer = layer_at(run.layers, top->cycle)) peak.where = layer->name;
      if (const auto* patch = patch_at(run.patches, top->cycle)) {
        peak.where += (peak.where.empty() ? "" : " ") + std::string("patch (") +
                      std::to_string(patch->row) + "," + std::to_string(patch->col) + ")";
      }
      run.peak = peak;
    }
  }
  if (run.peak && run.peak->where.empty())
    run.peak->where = layer_place(run.layers, run.peak->cycle);
}

}  // namespace mcuprof::plot
