// Patch schedules of one or more stages: their names ("patch:4x4@2+4x4@5-9"), planning
// every stage of one, and the search over them (see patch_plan.hpp; docs/patch-based.md,
// "Squeeze-excite blocks: a chain of stages").
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "mcuprof/compiler/patch_plan.hpp"

namespace mcuprof::compiler {

std::string schedule_string(const std::vector<StageSpec>& stages) {
  std::string s = "patch:";
  for (size_t k = 0; k < stages.size(); ++k) {
    const StageSpec& st = stages[k];
    if (k > 0) s += '+';
    s += st.first == 0 && k == 0 ? fmt::format("{}x{}@{}", st.grid, st.grid, st.split)
                                 : fmt::format("{}x{}@{}-{}", st.grid, st.grid, st.first, st.split);
  }
  return s;
}

namespace {

// A decimal number at the front of `s` (consumed), at most 9 digits.
std::optional<int32_t> number(std::string_view& s) {
  size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  if (n == 0 || n > 9) return std::nullopt;
  int32_t v = 0;
  std::from_chars(s.data(), s.data() + n, v);
  s.remove_prefix(n);
  return v;
}

bool take(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

}  // namespace

std::optional<std::vector<StageSpec>> parse_schedule_string(const std::string& text) {
  std::string_view s = text;
  if (s.substr(0, 6) != "patch:") return std::nullopt;
  s.remove_prefix(6);
  std::vector<StageSpec> stages;
  do {
    const auto p = number(s);
    if (!p || !take(s, 'x')) return std::nullopt;
    const auto q = number(s);
    if (!q || !take(s, '@')) return std::nullopt;
    const auto a = number(s);
    if (!a) return std::nullopt;
    StageSpec st{0, *a, *p};
    if (take(s, '-')) {
      const auto b = number(s);
      if (!b) return std::nullopt;
      st = {*a, *b, *p};
    } else if (!stages.empty()) {
      return std::nullopt;  // only the first stage may be named by its split alone
    }
    if (*p != *q || *p < 1 || st.first >= st.split) return std::nullopt;
    if (!stages.empty() && st.first < stages.back().split) return std::nullopt;
    stages.push_back(st);
  } while (take(s, '+'));
  if (!s.empty()) return std::nullopt;
  return stages;
}

void check_stages(const Graph& g, const std::vector<StagePlan>& stages) {
  for (size_t k = 1; k < stages.size(); ++k)
    if (stages[k].first < stages[k - 1].split)
      throw ModelError(fmt::format(
          "stage {} starts at layer {}, inside stage {} (which runs up to split point {})", k + 1,
          stages[k].first, k, stages[k - 1].split));
  (void)g;  // a later reader of a stage's intermediates is refused by plan_stage already
}

std::vector<StagePlan> plan_stages(const Graph& g, const std::vector<StageSpec>& stages,
                                   const EstimateOptions& options) {
  std::vector<StagePlan> plans;
  for (const StageSpec& st : stages)
    plans.push_back(plan_stage(g, st.first, st.split, st.grid, options));
  check_stages(g, plans);
  return plans;
}

namespace {

constexpr size_t kMaxStages = 8;

// The first op at or after `from` that no stage can contain (the number of ops if none).
int32_t forced_end(const Graph& g, int32_t from) {
  for (int32_t i = from; static_cast<size_t>(i) < g.ops.size(); ++i)
    if (!tileable(g, i)) return i;
  return static_cast<int32_t>(g.ops.size());
}

// After a stage forced to end at `end`: the first op that can start the next stage (a
// stage of that op alone plans with a 2x2 grid), -1 if none before the next forced end.
int32_t restart(const Graph& g, int32_t end, const EstimateOptions& options) {
  const int32_t n = static_cast<int32_t>(g.ops.size());
  for (int32_t a = end + 1; a + 1 < n; ++a) {
    if (!tileable(g, a)) continue;
    try {
      plan_stage(g, a, a + 1, 2, options);
      return a;
    } catch (const ModelError&) {
    }
  }
  return -1;
}

// An earlier stage of a chain, planned with every grid it takes.
struct EarlierStage {
  std::vector<StagePlan> by_grid;  // valid grids, ascending
};

// Earlier stages' grids: each the one with the fewest MACs whose stage arena stays within
// the peak the rest of the schedule has anyway (else the least arena, then MACs).
std::vector<StagePlan> chain(const Graph& g, const std::vector<EarlierStage>& earlier,
                             const StagePlan& last, const EstimateOptions& options,
                             ScheduleEstimate& estimate) {
  std::vector<StagePlan> stages;
  for (const EarlierStage& e : earlier) {
    const StagePlan* least = &e.by_grid.front();
    for (const StagePlan& p : e.by_grid)
      if (p.patch_buffer_bytes < least->patch_buffer_bytes ||
          (p.patch_buffer_bytes == least->patch_buffer_bytes &&
           p.stage_macs_patch < least->stage_macs_patch))
        least = &p;
    stages.push_back(*least);
  }
  stages.push_back(last);
  estimate = estimate_schedule(g, stages, options);
  if (earlier.empty()) return stages;
  bool changed = false;
  for (size_t k = 0; k < earlier.size(); ++k) {
    int64_t others = estimate.layerwise_arena_bytes;  // every phase but this stage
    for (size_t j = 0; j < estimate.stage_arena_bytes.size(); ++j)
      if (j != k) others = std::max(others, estimate.stage_arena_bytes[j]);
    const int64_t fixed = estimate.stage_arena_bytes[k] - stages[k].patch_buffer_bytes;
    const int64_t cap = std::max(others, estimate.stage_arena_bytes[k]);
    for (const StagePlan& p : earlier[k].by_grid)
      if (fixed + p.patch_buffer_bytes <= cap && p.stage_macs_patch < stages[k].stage_macs_patch) {
        stages[k] = p;
        changed = true;
      }
  }
  if (changed) estimate = estimate_schedule(g, stages, options);
  return stages;
}

}  // namespace

ScheduleSearch search_schedules(const Graph& g, int64_t arena_budget_bytes,
                                double max_mac_overhead_pct, int32_t max_grid,
                                const EstimateOptions& options) {
  ScheduleSearch s;
  s.layerwise.estimate = estimate_schedule(g, std::optional<StagePlan>{}, options);
  s.layerwise.fits = s.layerwise.estimate.arena_bytes <= arena_budget_bytes;
  const int32_t n = static_cast<int32_t>(g.ops.size());
  // Segment k: the last stage runs from `first` to any split up to the forced end; the
  // earlier stages are the previous segments' whole stages.
  std::vector<EarlierStage> earlier;
  int32_t first = 0;
  while (first >= 0 && earlier.size() < kMaxStages) {
    const int32_t end = forced_end(g, first);
    for (int32_t split = first + 1; split <= std::min(end, n - 1); ++split) {
      for (int32_t grid = 2; grid <= max_grid; ++grid) {
        StagePlan plan;
        try {
          plan = plan_stage(g, first, split, grid, options);
        } catch (const ModelError&) {
          continue;  // not tileable here (or the grid outgrew the map)
        }
        ScheduleOption o;
        o.patch = true;
        o.split = split;
        o.grid = grid;
        for (const StagePlan& p : chain(g, earlier, plan, options, o.estimate))
          o.stages.push_back({p.first, p.split, p.grid});
        o.fits = o.estimate.arena_bytes <= arena_budget_bytes;
        s.options.push_back(o);
      }
    }
    if (end >= n - 1) break;
    // The whole segment becomes an earlier stage of the chains that go on.
    EarlierStage whole;
    for (int32_t grid = 2; grid <= max_grid; ++grid) {
      try {
        whole.by_grid.push_back(plan_stage(g, first, end, grid, options));
      } catch (const ModelError&) {
      }
    }
    if (whole.by_grid.empty()) break;
    earlier.push_back(std::move(whole));
    first = restart(g, end, options);
  }
  if (s.layerwise.fits) {
    s.recommended = s.layerwise;
    s.reason = "the layer-wise schedule already fits; it needs no recomputation";
    return s;
  }
  const auto better = [](const ScheduleOption& a, const ScheduleOption& b) {
    if (a.estimate.arena_bytes != b.estimate.arena_bytes)
      return a.estimate.arena_bytes < b.estimate.arena_bytes;
    return a.estimate.macs < b.estimate.macs;
  };
  const ScheduleOption* best = nullptr;
  for (const auto& o : s.options)
    if (o.estimate.mac_overhead_pct <= max_mac_overhead_pct &&
        (best == nullptr || better(o, *best)))
      best = &o;
  if (best != nullptr) {
    s.recommended = *best;
    s.reason = best->fits ? fmt::format("least memory within the {:g} % MAC overhead budget",
                                        max_mac_overhead_pct)
                          : fmt::format(
                                "least memory within the {:g} % MAC overhead budget, but it still "
                                "does not fit",
                                max_mac_overhead_pct);
    return s;
  }
  for (const auto& o : s.options)
    if (best == nullptr || better(o, *best)) best = &o;
  s.recommended = best != nullptr ? *best : s.layerwise;
  s.reason = best != nullptr ? fmt::format(
                                   "no option within the {:g} % MAC overhead budget; least "
                                   "memory of all",
                                   max_mac_overhead_pct)
                             : "no patch-based option is possible for this model";
  return s;
}

}  // namespace mcuprof::compiler
