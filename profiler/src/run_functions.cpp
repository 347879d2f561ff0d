// Per-function figures for `mcuprof run --function-cycles` (see run_functions.hpp).
#include "run_functions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "function_cycles.hpp"

namespace mcuprof::profiler {

FunctionProfiler::FunctionProfiler(sim::Machine& machine, const sim::ElfImage& image)
    : machine_(machine),
      image_(image),
      recorder_(image, [&machine](uint32_t address, uint32_t size) {
        return machine.read_memory(address, size);
      }) {
  machine_.set_block_observer(&recorder_);
}

void FunctionProfiler::window_edge(bool begin, const Counters& at) {
  const sim::ExecutionCounters c{at.cycles, at.instructions, at.flash_ifetch_bytes,
                                 at.flash_data_bytes};
  if (begin)
    recorder_.window_begin(c);
  else
    recorder_.window_end(c);
}

nlohmann::json FunctionProfiler::window_json() const {
  return {{"begin_cycle", tree_.window_begin},
          {"end_cycle", tree_.window_end},
          {"markers", tree_.marked}};
}

void FunctionProfiler::finish() {
  machine_.set_block_observer(nullptr);
  tree_ = recorder_.finish(machine_.counters());
  finished_ = true;
}

nlohmann::json FunctionProfiler::summary(unsigned rows) const {
  // Flat cycles (whole machine run, from the block profile) and the call stack's
  // figures (inside the window) side by side; rows ordered by the window's figures.
  struct Row {
    FunctionCycles flat;
    const FunctionFigures* window = nullptr;
  };
  const auto figures = function_figures(tree_);
  std::map<uint32_t, const FunctionFigures*> by_address;  // "(no symbol)": 0
  for (const auto& f : figures) by_address[f.address] = &f;
  std::vector<Row> all;
  for (const auto& flat : cycles_per_function(image_, machine_.block_profile())) {
    const auto it = by_address.find(flat.address);
    all.push_back({flat, it == by_address.end() ? nullptr : it->second});
  }
  const auto window_cycles = [](const Row& r) {
    return r.window ? r.window->exclusive.cycles : uint64_t{0};
  };
  std::stable_sort(all.begin(), all.end(),
                   [&](const Row& a, const Row& b) { return window_cycles(a) > window_cycles(b); });
  auto out = nlohmann::json::array();
  for (const auto& row : all) {
    if (out.size() >= rows) break;
    nlohmann::json j = {{"name", row.flat.name},
                        {"address", row.flat.address},
                        {"cycles", row.flat.cycles},
                        {"instructions", row.flat.instructions},
                        {"calls", row.flat.calls}};
    if (row.window) {
      const FunctionFigures& f = *row.window;
      j["call_stack_calls"] = f.calls;
      j["exclusive_cycles"] = f.exclusive.cycles;
      j["inclusive_cycles"] = f.inclusive.cycles;
      j["exclusive_instructions"] = f.exclusive.instructions;
      j["inclusive_instructions"] = f.inclusive.instructions;
      j["exclusive_flash_ifetch_bytes"] = f.exclusive.flash_ifetch_bytes;
      j["inclusive_flash_ifetch_bytes"] = f.inclusive.flash_ifetch_bytes;
      j["exclusive_flash_data_bytes"] = f.exclusive.flash_data_bytes;
      j["inclusive_flash_data_bytes"] = f.inclusive.flash_data_bytes;
    }
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<traces::Span> FunctionProfiler::spans() const {
  auto out = call_tree_spans(tree_);
  for (auto& s : call_timeline_spans(tree_)) out.push_back(std::move(s));
  return out;
}

std::vector<traces::Span> call_timeline_spans(const CallTree& tree) {
  std::vector<traces::Span> out;
  out.reserve(tree.timeline.size() + 1);
  for (const auto& c : tree.timeline) {
    traces::Span s;
    s.track = kTimelineTrack;
    s.kind = "call";
    s.name = tree.functions[static_cast<size_t>(c.function)].name;
    s.ts = c.begin;
    s.dur = c.end - c.begin;
    s.cycles = s.dur;
    out.push_back(std::move(s));
  }
  if (tree.timeline_capped_at) {
    traces::Span s;
    s.track = kTimelineTrack;
    s.kind = "note";
    s.name = fmt::format("timeline capped at {} calls: calls starting from here are not shown",
                         tree.timeline_cap);
    s.ts = *tree.timeline_capped_at;
    s.args.emplace_back("timeline_cap", static_cast<int64_t>(tree.timeline_cap));
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<traces::Span> call_tree_spans(const CallTree& tree) {
  const auto inclusive = inclusive_per_node(tree);
  std::vector<std::vector<size_t>> children(tree.nodes.size());
  std::vector<size_t> roots;
  for (size_t i = 0; i < tree.nodes.size(); ++i) {
    if (inclusive[i].cycles == 0) continue;  // nothing ran there: no slice
    const int p = tree.nodes[i].parent;
    (p < 0 ? roots : children[static_cast<size_t>(p)]).push_back(i);
  }
  const auto largest_first = [&](size_t a, size_t b) {
    return inclusive[a].cycles > inclusive[b].cycles;
  };
  std::vector<traces::Span> out;
  // Depth-first, parents before children: (node, start position).
  std::vector<std::pair<size_t, uint64_t>> todo;
  std::stable_sort(roots.begin(), roots.end(), largest_first);
  uint64_t at = 0;
  std::vector<std::pair<size_t, uint64_t>> level;
  for (size_t r : roots) {
    level.emplace_back(r, at);
    at += inclusive[r].cycles;
  }
  todo.assign(level.rbegin(), level.rend());
  while (!todo.empty()) {
    const auto [i, ts] = todo.back();
    todo.pop_back();
    const CallNode& n = tree.nodes[i];
    const sim::ExecutionCounters& all = inclusive[i];
    traces::Span s;
    s.track = traces::track::kFunctions;
    s.kind = traces::kind::kFunction;
    s.name = tree.functions[static_cast<size_t>(n.function)].name;
    s.ts = ts;
    s.dur = all.cycles;
    s.cycles = all.cycles;
    s.instructions = all.instructions;
    s.flash_ifetch_bytes = all.flash_ifetch_bytes;
    s.flash_data_bytes = all.flash_data_bytes;
    s.self_cycles = n.self.cycles;
    s.args.emplace_back("address",
                        int64_t{tree.functions[static_cast<size_t>(n.function)].address});
    s.args.emplace_back("calls", static_cast<int64_t>(n.calls));
    s.args.emplace_back("self_instructions", static_cast<int64_t>(n.self.instructions));
    s.args.emplace_back("self_flash_ifetch_bytes", static_cast<int64_t>(n.self.flash_ifetch_bytes));
    s.args.emplace_back("self_flash_data_bytes", static_cast<int64_t>(n.self.flash_data_bytes));
    out.push_back(std::move(s));
    auto& kids = children[i];
    std::stable_sort(kids.begin(), kids.end(), largest_first);
    level.clear();
    uint64_t pos = ts;
    for (size_t c : kids) {
      level.emplace_back(c, pos);
      pos += inclusive[c].cycles;
    }
    todo.insert(todo.end(), level.rbegin(), level.rend());
  }
  return out;
}

}  // namespace mcuprof::profiler
