// The Pareto front of runs (e.g. a sweep's on one board): those no other run beats on
// both peak SRAM and latency — the least latency for each memory budget. Pure, shared by
// `mcuprof sweep report`, `plot --pareto` and the GUI's Sweep tab; unit-tested against a
// brute-force check (tests/unit/test_sweep_pareto.cpp).
#pragma once

#include <cstdint>
#include <vector>

namespace mcuprof::traces {

struct ParetoInput {
  uint64_t peak_sram_bytes = 0;
  double latency_ms = 0;
};

// For each input, whether it is on the front: no other input has peak SRAM <= and latency
// <= with at least one strictly less. Of exact duplicates, the first one is on the front.
std::vector<bool> pareto_front(const std::vector<ParetoInput>& points);

}  // namespace mcuprof::traces
