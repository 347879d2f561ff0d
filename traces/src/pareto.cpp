// The Pareto front (pareto.hpp) by one sweep over the points sorted by peak SRAM, then
// latency: a point is on the front when its latency is below every latency seen before it.
#include "mcuprof/traces/pareto.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

namespace mcuprof::traces {

std::vector<bool> pareto_front(const std::vector<ParetoInput>& points) {
  std::vector<size_t> order(points.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (points[a].peak_sram_bytes != points[b].peak_sram_bytes)
      return points[a].peak_sram_bytes < points[b].peak_sram_bytes;
    return points[a].latency_ms < points[b].latency_ms;
  });
  std::vector<bool> front(points.size(), false);
  double best = std::numeric_limits<double>::infinity();
  for (const size_t i : order) {
    if (points[i].latency_ms < best) {
      front[i] = true;
      best = points[i].latency_ms;
    }
  }
  return front;
}

}  // namespace mcuprof::traces
