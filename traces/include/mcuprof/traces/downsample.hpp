// Downsampling of a counter series for storage that never hides a peak.
//
// The series is a step function: each sample's value holds until the next sample.
// Method (min/max per bucket, "M4"): the time span [first.ts, last.ts] is cut into
// max_points / 4 equal buckets; in each bucket we keep the first sample, the sample with
// the lowest value, the sample with the highest value (first of equals) and the last
// sample, in time order, without duplicates. Kept samples are exact (same ts, same value)
// and so the stored series has exactly the same maximum and minimum as the exact one,
// reached at the same cycle; the first and last samples are always kept.
#pragma once

#include <cstddef>
#include <vector>

#include "mcuprof/traces/records.hpp"

namespace mcuprof::traces {

// Returns `points` unchanged when it has at most max_points samples (or max_points is 0),
// else at most max_points samples chosen as above (max_points is raised to 4 if lower).
std::vector<CounterPoint> downsample_counter(const std::vector<CounterPoint>& points,
                                             size_t max_points);

}  // namespace mcuprof::traces
