// Min/max decimation of step series per pixel column (see decimation.hpp for the rule).
#include "decimation.hpp"

#include <algorithm>

namespace mcuprof::plot {

std::vector<ColumnEnvelope> decimate_step_series(std::span<const StepPoint> series,
                                                 std::span<const double> edges,
                                                 uint64_t end_cycle) {
  std::vector<ColumnEnvelope> out(edges.size() > 1 ? edges.size() - 1 : 0);
  if (series.empty() || out.empty()) return out;
  const double hold_end = static_cast<double>(std::max(end_cycle, series.back().cycle));
  const auto first_at_or_after = [&](size_t from, double a) {
    return static_cast<size_t>(
        std::lower_bound(series.begin() + static_cast<std::ptrdiff_t>(from), series.end(), a,
                         [](const StepPoint& p, double v) { return static_cast<double>(p.cycle) < v; }) -
        series.begin());
  };
  size_t i = first_at_or_after(0, edges[0]);  // first sample with cycle >= a
  for (size_t c = 0; c < out.size(); ++c) {
    const double a = edges[c];
    const double b = edges[c + 1];
    if (c > 0 && i < series.size() && static_cast<double>(series[i].cycle) < a) i = first_at_or_after(i, a);
    ColumnEnvelope& env = out[c];
    const auto take = [&env](int64_t v) {
      if (!env.has_data) {
        env = {true, v, v, v, v};
        return;
      }
      env.min = std::min(env.min, v);
      env.max = std::max(env.max, v);
      env.last = v;
    };
    // The value carried in from before a, unless a sample starts exactly at a.
    const bool sample_at_a = i < series.size() && static_cast<double>(series[i].cycle) == a;
    if (i > 0 && !sample_at_a && a < hold_end && b > a) take(series[i - 1].bytes);
    if (b <= a) continue;
    // Every sample starting inside [a, b), transient ones included.
    size_t j = i;
    for (; j < series.size() && static_cast<double>(series[j].cycle) < b; ++j) take(series[j].bytes);
    i = j;
  }
  return out;
}

}  // namespace mcuprof::plot
