// `mcuprof sweep plan`: each point's schedule and figures as `plan` predicts them (the same
// choose_schedule and fit check `run` applies), the points that cannot fit with the
// reason, those already in the database, and the work left (MACs, simulated time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sweep/sweep_points.hpp"

namespace mcuprof::profiler::sweep {

struct PointPlan {
  std::string schedule;  // what would run: layer or patch:PxP@N
  bool fits = false;
  std::string reason;  // why it cannot run (empty when it fits)
  uint64_t macs = 0;
  uint64_t peak_sram_bytes = 0;
  uint64_t flash_bytes = 0;
  uint64_t clock_hz = 0;
};

// Plans every point (models imported once per board).
// `int8_io`: the models as `run --io int8` compiles them.
std::vector<PointPlan> plan_points(const std::vector<Point>& points, bool int8_io = false);

}  // namespace mcuprof::profiler::sweep
