// A known calling-context tree for the Functions tab's tests, laid out and written as
// `mcuprof run --function-cycles` writes the "functions" track (profiler's
// call_tree_spans, docs/trace-schema.md): one `function` slice per call path, dur =
// inclusive cycles, children after one another from the parent's ts (largest first),
// self figures and calls as arguments. The tests compute what they expect from the
// definitions below (exclusive figures per path), never from the reader.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "mcuprof/traces/store.hpp"
#include "mcuprof/traces/writer.hpp"

namespace fn_fixture {

namespace traces = mcuprof::traces;

struct PathDef {
  int parent;  // index in paths(); -1 for a root
  std::string name;
  uint64_t self_cycles;
  uint64_t calls;
  uint64_t self_instructions;
  uint64_t self_ifetch;
  uint64_t self_data;
};

// Indexes into paths(), for the tests.
enum : int {
  kReset,
  kMain,
  kMidA,
  kLeafUnderMid,
  kLeafUnderMain,
  kRecurse1,
  kRecurse2,
  kRecurse3,
  kClsRun,
  kOtherRun,
  kMemset,
  kSysTick,
  kPathCount
};

inline std::vector<PathDef> paths() {
  return {
      {-1, "Reset_Handler", 10, 1, 6, 40, 0},
      {kReset, "main", 20, 1, 12, 80, 4},
      {kMain, "mid_a", 300, 3, 200, 600, 32},
      {kMidA, "leaf_b", 600, 3, 450, 1200, 64},
      {kMain, "leaf_b", 950, 3, 700, 1800, 96},
      {kMain, "recurse", 50, 1, 30, 100, 0},
      {kRecurse1, "recurse", 40, 1, 25, 80, 0},
      {kRecurse2, "recurse", 30, 1, 20, 60, 0},
      {kMain, "ns::Cls::run(int)", 100, 2, 70, 200, 8},
      {kClsRun, "other::run(int)", 80, 2, 60, 160, 0},
      {kReset, "memset", 5, 1, 3, 10, 0},
      {-1, "SysTick_Handler", 60, 4, 40, 120, 0},
  };
}

// Inclusive figures of a path: its own plus its callees'.
struct Inclusive {
  uint64_t cycles = 0, instructions = 0, ifetch = 0, data = 0;
};
inline Inclusive inclusive(int path) {
  const auto defs = paths();
  Inclusive sum;
  for (int i = 0; i < kPathCount; ++i) {
    bool below = false;
    for (int p = i; p >= 0 && !below; p = defs[static_cast<size_t>(p)].parent) below = p == path;
    if (!below) continue;
    const PathDef& d = defs[static_cast<size_t>(i)];
    sum.cycles += d.self_cycles;
    sum.instructions += d.self_instructions;
    sum.ifetch += d.self_ifetch;
    sum.data += d.self_data;
  }
  return sum;
}

inline uint64_t window_cycles() {
  uint64_t sum = 0;
  for (const auto& d : paths()) sum += d.self_cycles;
  return sum;
}

// The spans as the profiler lays them out; id = path index + 1 and parent_id set, as the
// store would read them back.
inline std::vector<traces::Span> spans() {
  const auto defs = paths();
  std::vector<traces::Span> out(defs.size());
  const auto place = [&](int parent, uint64_t at) {
    std::vector<int> level;
    for (int i = 0; i < kPathCount; ++i)
      if (defs[static_cast<size_t>(i)].parent == parent) level.push_back(i);
    std::stable_sort(level.begin(), level.end(),
                     [](int a, int b) { return inclusive(a).cycles > inclusive(b).cycles; });
    for (int i : level) {
      out[static_cast<size_t>(i)].ts = at;
      at += inclusive(i).cycles;
    }
  };
  for (int parent = -1; parent < kPathCount; ++parent)  // parents come before children
    place(parent, parent < 0 ? 0 : out[static_cast<size_t>(parent)].ts);
  for (int i = 0; i < kPathCount; ++i) {
    const PathDef& d = defs[static_cast<size_t>(i)];
    const Inclusive all = inclusive(i);
    traces::Span& s = out[static_cast<size_t>(i)];
    s.id = i + 1;
    s.parent_id = d.parent + 1;
    s.track = traces::track::kFunctions;
    s.kind = traces::kind::kFunction;
    s.name = d.name;
    s.dur = s.cycles = all.cycles;
    s.instructions = all.instructions;
    s.flash_ifetch_bytes = all.ifetch;
    s.flash_data_bytes = all.data;
    s.self_cycles = d.self_cycles;
    s.args = {{"address", int64_t{0x08000100} + 16 * i},
              {"calls", static_cast<int64_t>(d.calls)},
              {"self_instructions", static_cast<int64_t>(d.self_instructions)},
              {"self_flash_ifetch_bytes", static_cast<int64_t>(d.self_ifetch)},
              {"self_flash_data_bytes", static_cast<int64_t>(d.self_data)}};
  }
  return out;
}

inline traces::RunRecord record(const std::string& name) {
  traces::RunRecord r;
  r.name = name;
  r.target = "stm32f412";
  r.firmware_path = "fw.elf";
  r.clock_hz = 100'000'000;
  r.total_cycles = window_cycles();
  r.stop_reason = "exited";
  return r;
}

// Writes a run with the tree (its id) into `path`; with_track false writes the same run
// without a "functions" track, as a run without --function-cycles is stored.
inline int64_t write_run(const std::string& path, bool with_track = true) {
  auto store = traces::TraceStore::open(path, traces::TraceStore::Mode::ReadWrite);
  traces::RunWriter w(store, record(with_track ? "with-functions" : "without-functions"));
  if (with_track)
    for (traces::Span s : spans()) {
      s.id = 0;  // assigned by the store, which also finds the parents from the nesting
      s.parent_id = 0;
      w.add_span(std::move(s));
    }
  return w.finish();
}

}  // namespace fn_fixture
