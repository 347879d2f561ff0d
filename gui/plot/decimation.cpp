// Min/max decimation of step series per pixel column (see decimation.hpp for the rule).
#include "decimation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mcuprof::plot {

namespace {

// Samples have integer cycles, so "cycle < edge" is "cycle < ceil(edge)".
uint64_t integer_bound(double edge) {
  if (!(edge > 0.0)) return 0;
  if (edge >= 1.8e19) return std::numeric_limits<uint64_t>::max();
  return static_cast<uint64_t>(std::ceil(edge));
}

}  // namespace

std::vector<ColumnEnvelope> decimate_step_series(std::span<const StepPoint> series,
                                                 std::span<const double> edges,
                                                 uint64_t end_cycle) {
  std::vector<ColumnEnvelope> out(edges.size() > 1 ? edges.size() - 1 : 0);
  if (series.empty() || out.empty()) return out;
  const size_t n = series.size();
  const uint64_t hold_end = std::max(end_cycle, series.back().cycle);
  const StepPoint* data = series.data();
  // First sample with cycle >= a.
  const uint64_t a_bound = integer_bound(edges[0]);
  size_t i = static_cast<size_t>(
      std::lower_bound(series.begin(), series.end(), a_bound,
                       [](const StepPoint& p, uint64_t v) { return p.cycle < v; }) -
      series.begin());
  for (size_t c = 0; c < out.size(); ++c) {
    const double a = edges[c];
    const uint64_t b_bound = integer_bound(edges[c + 1]);
    if (!(edges[c + 1] > a)) continue;  // an empty column
    ColumnEnvelope& env = out[c];
    int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
    bool any = false;
    // The value carried in from before a, unless a sample starts exactly at a, and only
    // while the run lasts.
    const bool sample_at_a = i < n && static_cast<double>(data[i].cycle) == a;
    if (i > 0 && !sample_at_a && a < static_cast<double>(hold_end)) {
      lo = hi = env.first = env.last = data[i - 1].bytes;
      any = true;
    }
    // Every sample starting inside [a, b), transient ones included: a tight min/max loop.
    size_t j = i;
    if (j < n && data[j].cycle < b_bound) {
      if (!any) env.first = data[j].bytes;
      any = true;
      for (; j < n && data[j].cycle < b_bound; ++j) {
        const int64_t v = data[j].bytes;
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
      }
      env.last = data[j - 1].bytes;
    }
    if (any) {
      env.has_data = true;
      env.min = lo;
      env.max = hi;
    }
    i = j;
  }
  return out;
}

}  // namespace mcuprof::plot
