// Arena planning by lifetime; see planner.hpp and docs/runtime.md, "Memory planner".
#include "mcuprof/compiler/planner.hpp"

#include <algorithm>
#include <functional>
#include <numeric>

namespace mcuprof::compiler {
namespace {

int64_t align_up(int64_t v) {
  return (v + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
}

bool overlaps(const Lifetime& a, const Lifetime& b) {
  return !(a.first > b.last || b.first > a.last);
}

// First fit (or best fit) of buffers in the given order, each placed against the
// already-placed buffers that are live at the same time. first_fit with size-descending
// order is exactly TFLite Micro's GreedyMemoryPlanner.
int64_t place(const std::vector<Lifetime>& bufs, const std::vector<std::size_t>& order,
              bool best_fit, std::vector<int64_t>& offsets) {
  offsets.assign(bufs.size(), -1);
  std::vector<std::size_t> placed;
  int64_t arena = 0;
  for (const auto i : order) {
    const int64_t size = align_up(bufs[i].bytes);
    std::vector<std::size_t> active;
    for (const auto j : placed)
      if (overlaps(bufs[i], bufs[j])) active.push_back(j);
    std::sort(active.begin(), active.end(), [&](auto a, auto b) {
      return offsets[a] != offsets[b] ? offsets[a] < offsets[b] : a < b;
    });
    int64_t candidate = 0, chosen = -1, chosen_gap = 0;
    for (const auto j : active) {
      const int64_t gap = offsets[j] - candidate;
      if (gap >= size) {
        if (!best_fit) {
          chosen = candidate;
          break;
        }
        if (chosen < 0 || gap < chosen_gap) chosen = candidate, chosen_gap = gap;
      }
      candidate = std::max(candidate, offsets[j] + align_up(bufs[j].bytes));
    }
    if (chosen < 0) chosen = candidate;
    offsets[i] = chosen;
    placed.push_back(i);
    arena = std::max(arena, chosen + size);
  }
  return arena;
}

struct Candidate {
  int64_t arena;
  std::vector<int64_t> offsets;
  std::string method;
};

Candidate best_placement(const std::vector<Lifetime>& bufs) {
  std::vector<std::size_t> base(bufs.size());
  std::iota(base.begin(), base.end(), 0);
  const auto sorted = [&](auto less) {
    auto o = base;
    std::stable_sort(o.begin(), o.end(), less);
    return o;
  };
  const auto len = [&](std::size_t i) { return bufs[i].last - bufs[i].first + 1; };
  const std::vector<std::pair<std::string, std::vector<std::size_t>>> orders = {
      {"size", sorted([&](auto a, auto b) { return bufs[a].bytes > bufs[b].bytes; })},
      {"size x lifetime",
       sorted([&](auto a, auto b) { return bufs[a].bytes * len(a) > bufs[b].bytes * len(b); })},
      {"lifetime", sorted([&](auto a, auto b) {
         return len(a) != len(b) ? len(a) > len(b) : bufs[a].bytes > bufs[b].bytes;
       })},
      {"first use", sorted([&](auto a, auto b) {
         return bufs[a].first != bufs[b].first ? bufs[a].first < bufs[b].first
                                               : bufs[a].bytes > bufs[b].bytes;
       })},
  };
  Candidate best{INT64_MAX, {}, ""};
  for (const auto& [name, order] : orders)
    for (const bool best_fit : {false, true}) {
      std::vector<int64_t> offs;
      const int64_t a = place(bufs, order, best_fit, offs);
      if (a < best.arena)
        best = {a, std::move(offs),
                std::string(best_fit ? "best fit, " : "first fit, ") + name + " order"};
    }
  return best;
}

// Ops whose output may overwrite input 0 element by element as it is read.
bool elementwise_in_place(const Graph& g, const Operator& op) {
  switch (op.type) {
    case OpType::kReshape:
      return true;
    case OpType::kAdd:
    case OpType::kMul:
      return g.in(op, 0).shape == g.out(op).shape && g.in(op, 1).shape == g.out(op).shape;
    case OpType::kQuantize:
      return g.in(op).dtype == g.out(op).dtype;
    default:
      return false;
  }
}

}  // namespace

std::vector<Lifetime> lifetimes(const Graph& g) {
  const auto n_ops = static_cast<int32_t>(g.ops.size());
  std::vector<Lifetime> all(g.tensors.size());
  std::vector<bool> used(g.tensors.size(), false);
  const auto touch = [&](int32_t t, int32_t when) {
    auto& l = all[static_cast<std::size_t>(t)];
    if (!used[static_cast<std::size_t>(t)]) l = {t, g.tensor(t).bytes(), when, when};
    used[static_cast<std::size_t>(t)] = true;
    l.first = std::min(l.first, when);
    l.last = std::max(l.last, when);
  };
  for (const auto t : g.inputs) touch(t, 0);
  for (int32_t i = 0; i < n_ops; ++i) {
    for (const auto t : g.ops[static_cast<std::size_t>(i)].outputs) touch(t, i);
    for (const auto t : g.ops[static_cast<std::size_t>(i)].inputs)
      if (t >= 0) touch(t, i);
  }
  for (const auto t : g.outputs) touch(t, n_ops - 1);
  std::vector<Lifetime> out;
  for (std::size_t t = 0; t < g.tensors.size(); ++t)
    if (used[t] && !g.tensors[t].constant && !g.tensors[t].removed) out.push_back(all[t]);
  return out;
}

int64_t tflm_greedy_size(const std::vector<Lifetime>& buffers, std::vector<int64_t>* offsets) {
  std::vector<std::size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](auto a, auto b) { return buffers[a].bytes > buffers[b].bytes; });
  std::vector<int64_t> offs;
  const int64_t a = place(buffers, order, false, offs);
  if (offsets) *offsets = std::move(offs);
  return a;
}

MemoryReport plan_memory(const Graph& g, const PlannerOptions& options) {
  MemoryReport r;
  const auto life = lifetimes(g);
  const auto n_ops = g.ops.size();
  r.live_bytes.assign(n_ops, 0);
  for (const auto& l : life)
    for (auto i = l.first; i <= l.last; ++i) r.live_bytes[static_cast<std::size_t>(i)] += l.bytes;
  r.lower_bound =
      r.live_bytes.empty() ? 0 : *std::max_element(r.live_bytes.begin(), r.live_bytes.end());

  std::vector<int64_t> greedy_offsets;
  r.tflm_greedy = tflm_greedy_size(life, &greedy_offsets);
  auto plain = best_placement(life);
  if (r.tflm_greedy <= plain.arena)
    plain = {r.tflm_greedy, greedy_offsets, "TFLite Micro greedy (first fit, size order)"};
  r.without_in_place = plain.arena;

  const auto to_plan = [&](const std::vector<Lifetime>& bufs, const Candidate& c,
                           const std::vector<int32_t>& group_of_tensor) {
    ArenaPlan p;
    p.offsets.assign(g.tensors.size(), -1);
    p.arena_bytes = c.arena;
    p.method = c.method;
    for (std::size_t t = 0; t < g.tensors.size(); ++t)
      if (group_of_tensor[t] >= 0)
        p.offsets[t] = c.offsets[static_cast<std::size_t>(group_of_tensor[t])];
    (void)bufs;
    return p;
  };
  std::vector<int32_t> identity(g.tensors.size(), -1);
  for (std::size_t k = 0; k < life.size(); ++k)
    identity[static_cast<std::size_t>(life[k].tensor)] = static_cast<int32_t>(k);
  r.plan = to_plan(life, plain, identity);
  if (!options.allow_in_place) return r;

  // In place: merge an op's output with input 0 when input 0 dies there, is not a model
  // input or output, and has the same byte size. Merged tensors form one buffer.
  std::vector<int32_t> group(g.tensors.size(), -1);
  std::vector<Lifetime> groups;
  for (const auto& l : life) {
    group[static_cast<std::size_t>(l.tensor)] = static_cast<int32_t>(groups.size());
    groups.push_back(l);
  }
  const auto is_io = [&](int32_t t) {
    return std::find(g.inputs.begin(), g.inputs.end(), t) != g.inputs.end() ||
           std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end();
  };
  std::vector<int32_t> in_place;
  for (std::size_t i = 0; i < n_ops; ++i) {
    const auto& op = g.ops[i];
    if (!elementwise_in_place(g, op)) continue;
    const int32_t src = op.inputs[0], dst = op.outputs[0];
    const auto gs = group[static_cast<std::size_t>(src)], gd = group[static_cast<std::size_t>(dst)];
    if (gs < 0 || gd < 0 || gs == gd || is_io(src) || is_io(dst)) continue;
    if (groups[static_cast<std::size_t>(gs)].last != static_cast<int32_t>(i)) continue;
    if (g.tensor(src).bytes() != g.tensor(dst).bytes()) continue;
    // Another input of the same op living in the same group would be overwritten early.
    bool clash = false;
    for (std::size_t k = 1; k < op.inputs.size(); ++k)
      if (op.inputs[k] >= 0 && group[static_cast<std::size_t>(op.inputs[k])] == gs &&
          op.inputs[k] != src)
        clash = true;
    if (clash) continue;
    auto& a = groups[static_cast<std::size_t>(gs)];
    const auto& b = groups[static_cast<std::size_t>(gd)];
    a.last = std::max(a.last, b.last);
    a.bytes = std::max(a.bytes, b.bytes);
    for (auto& x : group)
      if (x == gd) x = gs;
    groups[static_cast<std::size_t>(gd)].bytes = 0;  // emptied; dropped below
    in_place.push_back(static_cast<int32_t>(i));
  }
  if (in_place.empty()) return r;
  std::vector<Lifetime> compact;
  std::vector<int32_t> remap(groups.size(), -1);
  for (std::size_t k = 0; k < groups.size(); ++k)
    if (std::find(group.begin(), group.end(), static_cast<int32_t>(k)) != group.end()) {
      remap[k] = static_cast<int32_t>(compact.size());
      compact.push_back(groups[k]);
    }
  for (auto& x : group)
    if (x >= 0) x = remap[static_cast<std::size_t>(x)];
  auto merged = best_placement(compact);
  std::vector<int64_t> greedy2;
  const int64_t g2 = tflm_greedy_size(compact, &greedy2);
  if (g2 <= merged.arena) merged = {g2, greedy2, "TFLite Micro greedy (first fit, size order)"};
  if (merged.arena < r.plan.arena_bytes) {
    r.plan = to_plan(compact, merged, group);
    r.plan.method += ", in place";
    r.plan.in_place_ops = std::move(in_place);
  }
  return r;
}

}  // namespace mcuprof::compiler
