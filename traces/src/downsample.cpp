// Min/max-per-bucket downsampling of counter series (see downsample.hpp).
#include "mcuprof/traces/downsample.hpp"

#include <algorithm>

#include "muldiv.hpp"

namespace mcuprof::traces {

std::vector<CounterPoint> downsample_counter(const std::vector<CounterPoint>& points,
                                             size_t max_points) {
  if (max_points == 0 || points.size() <= max_points) return points;
  const size_t buckets = std::max<size_t>(max_points, 4) / 4;
  const uint64_t first_ts = points.front().ts;
  const uint64_t width = points.back().ts - first_ts + 1;
  const auto bucket_of = [&](uint64_t ts) {
    return static_cast<size_t>(muldiv(ts - first_ts, buckets, width));
  };

  std::vector<CounterPoint> out;
  out.reserve(buckets * 4);
  size_t i = 0;
  while (i < points.size()) {
    const size_t bucket = bucket_of(points[i].ts);
    size_t first = i;
    size_t lo = i;
    size_t hi = i;
    size_t last = i;
    for (; i < points.size() && bucket_of(points[i].ts) == bucket; ++i) {
      if (points[i].value < points[lo].value) lo = i;
      if (points[i].value > points[hi].value) hi = i;
      last = i;
    }
    size_t keep[4] = {first, lo, hi, last};
    std::sort(std::begin(keep), std::end(keep));
    for (size_t k = 0; k < 4; ++k)
      if (k == 0 || keep[k] != keep[k - 1]) out.push_back(points[keep[k]]);
  }
  return out;
}

}  // namespace mcuprof::traces
