// Memory planner: places every activation tensor in one arena by lifetime. Computes
// TFLite Micro's greedy plan (largest first, first gap among overlapping tensors), a
// few other orderings and placements, optionally lets elementwise ops work in place,
// and keeps the smallest; also the lower bound (largest sum of simultaneously live
// tensors), which no plan without in-place operation can beat.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mcuprof/compiler/graph.hpp"

namespace mcuprof::compiler {

inline constexpr int64_t kArenaAlignment = 16;  // TFLite Micro's buffer alignment

// One tensor's life in op-index time: live from `first` to `last` inclusive.
struct Lifetime {
  int32_t tensor = -1;
  int64_t bytes = 0;
  int32_t first = 0, last = 0;
};

// Arena tensors (activations not removed by fusion) and their lifetimes. Model inputs
// live from op 0, outputs until the last op.
std::vector<Lifetime> lifetimes(const Graph& g);

struct ArenaPlan {
  std::vector<int64_t> offsets;  // per graph tensor; -1 if not in the arena
  int64_t arena_bytes = 0;
  std::string method;                      // which placement won
  std::vector<int32_t> in_place_ops;       // op indices whose output takes an input's bytes
  std::vector<int32_t> in_place_inputs;    // per in_place_ops entry: that input (tensor index)
  std::vector<int64_t> anonymous_offsets;  // plan_lifetimes: per buffer with tensor -1
};

struct PlannerOptions {
  // RESHAPE, int8 QUANTIZE, ADD/MUL (an input of the output's shape), DEPTHWISE_CONV_2D
  // with depth multiplier 1 (docs/runtime.md, "Memory planner")
  bool allow_in_place = true;
  int32_t in_place_from = 0;  // ops before this one never run in place (a patch stage)
  bool greedy_only = false;   // TFLite Micro's placement order only (patch schedules)
  // The graph's inputs may be overwritten by in-place ops like any other tensor: a
  // rest-of-network graph whose input is a patch stage's output map (rest_of).
  bool inputs_in_place = false;
};

struct MemoryReport {
  ArenaPlan plan;                   // the one used (smallest)
  int64_t tflm_greedy = 0;          // TFLite Micro's greedy planner on the same tensors
  int64_t lower_bound = 0;          // max over ops of the sum of live tensor bytes
  int64_t without_in_place = 0;     // our best plan with in-place disabled
  std::vector<int64_t> live_bytes;  // per op: bytes of tensors live during it
};

// Bytes an in-place op's output shares with the input it overwrites (plan.in_place_ops[k]
// and plan.in_place_inputs[k]): during that op the two hold their sizes less this.
int64_t in_place_overlap(const Graph& g, const ArenaPlan& plan, std::size_t k);

MemoryReport plan_memory(const Graph& g, const PlannerOptions& options = {});

// The same on given lifetimes (plan_memory uses lifetimes(g)); a buffer with tensor -1 is
// an opaque block (a patch schedule's per-patch buffers), placed but never in place, its
// offset returned in plan.anonymous_offsets.
MemoryReport plan_lifetimes(const Graph& g, const std::vector<Lifetime>& life,
                            const PlannerOptions& options = {});

// The TFLite Micro greedy planner on plain lifetimes (exposed for tests).
int64_t tflm_greedy_size(const std::vector<Lifetime>& buffers,
                         std::vector<int64_t>* offsets = nullptr);

}  // namespace mcuprof::compiler
