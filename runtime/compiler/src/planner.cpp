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

// One arena buffer: the tensors that share its offset, each live over its own interval
// (one piece, or a chain of in-place ops: an input and the output that overwrites it).
struct Block {
  std::vector<Lifetime> pieces;
  int64_t bytes() const {
    int64_t b = 0;
    for (const auto& p : pieces) b = std::max(b, p.bytes);
    return b;
  }
  int32_t first() const {
    int32_t f = INT32_MAX;
    for (const auto& p : pieces) f = std::min(f, p.first);
    return f;
  }
  int32_t last() const {
    int32_t l = -1;
    for (const auto& p : pieces) l = std::max(l, p.last);
    return l;
  }
};

std::vector<Block> single_blocks(const std::vector<Lifetime>& bufs) {
  std::vector<Block> blocks;
  for (const auto& l : bufs) blocks.push_back({{l}});
  return blocks;
}

// First fit (or best fit) of blocks in the given order, each placed against the
// already-placed blocks with a piece live at the same time as one of its own. A
// candidate offset is 0 or the end of such a piece; it is free when no two pieces live
// together overlap in bytes. First fit takes the lowest free candidate; best fit the one
// with the smallest gap below the next piece above it (the top only when no gap fits).
// With one piece per block and size-descending order, first fit is exactly TFLite
// Micro's GreedyMemoryPlanner.
int64_t place(const std::vector<Block>& blocks, const std::vector<std::size_t>& order,
              bool best_fit, std::vector<int64_t>& offsets) {
  offsets.assign(blocks.size(), -1);
  std::vector<std::size_t> placed;
  int64_t arena = 0;
  // Pairs (piece of the new block, piece of a placed block) live at the same time.
  struct Clash {
    int64_t mine;   // aligned bytes of the new block's piece
    int64_t start;  // the placed piece's offset
    int64_t end;    // and its end (aligned)
  };
  std::vector<Clash> clashes;
  std::vector<int64_t> candidates;
  for (const auto i : order) {
    clashes.clear();
    candidates.assign(1, 0);
    for (const auto j : placed)
      for (const auto& a : blocks[i].pieces)
        for (const auto& b : blocks[j].pieces)
          if (overlaps(a, b)) {
            clashes.push_back({align_up(a.bytes), offsets[j], offsets[j] + align_up(b.bytes)});
            candidates.push_back(offsets[j] + align_up(b.bytes));
          }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    int64_t chosen = -1, chosen_gap = INT64_MAX, top = -1;
    for (const auto c : candidates) {
      int64_t gap = INT64_MAX;
      bool free = true;
      for (const auto& k : clashes) {
        if (c < k.end && k.start < c + k.mine) {
          free = false;
          break;
        }
        if (k.start >= c) gap = std::min(gap, k.start - c);
      }
      if (!free) continue;
      if (!best_fit) {
        chosen = c;
        break;
      }
      if (gap == INT64_MAX) {
        if (top < 0) top = c;
      } else if (gap < chosen_gap) {
        chosen = c, chosen_gap = gap;
      }
    }
    if (chosen < 0) chosen = top;
    offsets[i] = chosen;
    placed.push_back(i);
    arena = std::max(arena, chosen + align_up(blocks[i].bytes()));
  }
  return arena;
}

struct Candidate {
  int64_t arena;
  std::vector<int64_t> offsets;
  std::string method;
};

Candidate best_placement(const std::vector<Block>& blocks) {
  std::vector<std::size_t> base(blocks.size());
  std::iota(base.begin(), base.end(), 0);
  std::vector<int64_t> bytes(blocks.size());
  std::vector<int32_t> first(blocks.size()), len(blocks.size());
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    bytes[i] = blocks[i].bytes();
    first[i] = blocks[i].first();
    len[i] = blocks[i].last() - first[i] + 1;
  }
  const auto sorted = [&](auto less) {
    auto o = base;
    std::stable_sort(o.begin(), o.end(), less);
    return o;
  };
  const std::vector<std::pair<std::string, std::vector<std::size_t>>> orders = {
      {"size", sorted([&](auto a, auto b) { return bytes[a] > bytes[b]; })},
      {"size x lifetime",
       sorted([&](auto a, auto b) { return bytes[a] * len[a] > bytes[b] * len[b]; })},
      {"lifetime", sorted([&](auto a, auto b) {
         return len[a] != len[b] ? len[a] > len[b] : bytes[a] > bytes[b];
       })},
      {"first use", sorted([&](auto a, auto b) {
         return first[a] != first[b] ? first[a] < first[b] : bytes[a] > bytes[b];
       })},
  };
  Candidate best{INT64_MAX, {}, ""};
  for (const auto& [name, order] : orders)
    for (const bool best_fit : {false, true}) {
      std::vector<int64_t> offs;
      const int64_t a = place(blocks, order, best_fit, offs);
      if (a < best.arena)
        best = {a, std::move(offs),
                std::string(best_fit ? "best fit, " : "first fit, ") + name + " order"};
    }
  return best;
}

// The inputs whose bytes an op's output may take over (when that input dies at the op):
// the kernel reads every byte of that input it still needs before writing over it.
// RESHAPE, int8 QUANTIZE, ADD/MUL (an input of the output's shape; the other may
// broadcast): element i is read before element i is written. DEPTHWISE_CONV_2D with
// depth multiplier 1 and one batch: the kernel copies input channel c into its scratch
// plane before writing output channel c, and output channel c's bytes (every C-th byte
// from c, C the channels of both) are input channel c's or lie past the input.
std::vector<std::size_t> in_place_inputs(const Graph& g, const Operator& op) {
  switch (op.type) {
    case OpType::kReshape:
      return {0};
    case OpType::kQuantize:
      return g.in(op).dtype == g.out(op).dtype ? std::vector<std::size_t>{0}
                                               : std::vector<std::size_t>{};
    case OpType::kAdd:
    case OpType::kMul: {
      std::vector<std::size_t> k;
      for (std::size_t i = 0; i < 2; ++i)
        if (g.in(op, i).shape == g.out(op).shape && g.in(op, i).dtype == g.out(op).dtype)
          k.push_back(i);
      return k;
    }
    case OpType::kDepthwiseConv2D: {
      const auto& in = g.in(op).shape;
      const auto& out = g.out(op).shape;
      const bool ok = op.options.depth_multiplier == 1 && in.size() == 4 && out.size() == 4 &&
                      in[0] == 1 && out[0] == 1 && in[3] == out[3];
      return ok ? std::vector<std::size_t>{0} : std::vector<std::size_t>{};
    }
    default:
      return {};
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
  const int64_t a = place(single_blocks(buffers), order, false, offs);
  if (offsets) *offsets = std::move(offs);
  return a;
}

MemoryReport plan_memory(const Graph& g, const PlannerOptions& options) {
  return plan_lifetimes(g, lifetimes(g), options);
}

MemoryReport plan_lifetimes(const Graph& g, const std::vector<Lifetime>& life,
                            const PlannerOptions& options) {
  MemoryReport r;
  const auto n_ops = g.ops.size();
  r.live_bytes.assign(n_ops, 0);
  for (const auto& l : life)
    for (auto i = l.first; i <= l.last; ++i) r.live_bytes[static_cast<std::size_t>(i)] += l.bytes;
  r.lower_bound =
      r.live_bytes.empty() ? 0 : *std::max_element(r.live_bytes.begin(), r.live_bytes.end());

  std::vector<int64_t> greedy_offsets;
  r.tflm_greedy = tflm_greedy_size(life, &greedy_offsets);
  const auto placement = [&](const std::vector<Block>& blocks) {
    if (!options.greedy_only) return best_placement(blocks);
    std::vector<std::size_t> order(blocks.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](auto a, auto b) { return blocks[a].bytes() > blocks[b].bytes(); });
    Candidate c{0, {}, "first fit, size order"};
    c.arena = place(blocks, order, false, c.offsets);
    return c;
  };
  auto plain = placement(single_blocks(life));
  if (r.tflm_greedy <= plain.arena)
    plain = {r.tflm_greedy, greedy_offsets, "TFLite Micro greedy (first fit, size order)"};
  r.without_in_place = plain.arena;

  // Blocks of the opaque buffers (tensor -1), in order.
  std::vector<int32_t> anonymous;
  const auto to_plan = [&](const Candidate& c, const std::vector<int32_t>& block_of_tensor) {
    ArenaPlan p;
    p.offsets.assign(g.tensors.size(), -1);
    p.arena_bytes = c.arena;
    p.method = c.method;
    for (std::size_t t = 0; t < g.tensors.size(); ++t)
      if (block_of_tensor[t] >= 0)
        p.offsets[t] = c.offsets[static_cast<std::size_t>(block_of_tensor[t])];
    for (const auto k : anonymous)
      p.anonymous_offsets.push_back(c.offsets[static_cast<std::size_t>(k)]);
    return p;
  };
  std::vector<int32_t> identity(g.tensors.size(), -1);
  for (std::size_t k = 0; k < life.size(); ++k) {
    if (life[k].tensor < 0)
      anonymous.push_back(static_cast<int32_t>(k));
    else
      identity[static_cast<std::size_t>(life[k].tensor)] = static_cast<int32_t>(k);
  }
  r.plan = to_plan(plain, identity);
  if (!options.allow_in_place) return r;

  // In place: an op's output joins the block of an input that dies at that op (neither a
  // model input or output); the block then holds the input's piece up to the op and the
  // output's from it, at one offset.
  std::vector<int32_t> block = identity;
  std::vector<Block> blocks = single_blocks(life);
  const auto is_io = [&](int32_t t) {
    return std::find(g.inputs.begin(), g.inputs.end(), t) != g.inputs.end() ||
           std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end();
  };
  std::vector<int32_t> in_place, in_place_src;
  for (std::size_t i = static_cast<std::size_t>(std::max(options.in_place_from, 0)); i < n_ops;
       ++i) {
    const auto& op = g.ops[i];
    const int32_t dst = op.outputs[0];
    for (const auto k : in_place_inputs(g, op)) {
      const int32_t src = op.inputs[k];
      const auto bs = block[static_cast<std::size_t>(src)];
      const auto bd = block[static_cast<std::size_t>(dst)];
      if (bs < 0 || bd < 0 || bs == bd || is_io(src) || is_io(dst)) continue;
      if (blocks[static_cast<std::size_t>(bs)].last() != static_cast<int32_t>(i)) continue;
      // Another input of the op in the same block would be overwritten early.
      bool clash = false;
      for (std::size_t j = 0; j < op.inputs.size(); ++j)
        if (j != k && op.inputs[j] >= 0 && block[static_cast<std::size_t>(op.inputs[j])] == bs)
          clash = true;
      if (clash) continue;
      auto& into = blocks[static_cast<std::size_t>(bs)].pieces;
      auto& from = blocks[static_cast<std::size_t>(bd)].pieces;
      into.insert(into.end(), from.begin(), from.end());
      from.clear();
      for (auto& x : block)
        if (x == bd) x = bs;
      in_place.push_back(static_cast<int32_t>(i));
      in_place_src.push_back(src);
      break;
    }
  }
  if (in_place.empty()) return r;
  std::vector<Block> compact;
  std::vector<int32_t> remap(blocks.size(), -1);
  for (std::size_t k = 0; k < blocks.size(); ++k)
    if (!blocks[k].pieces.empty()) {
      remap[k] = static_cast<int32_t>(compact.size());
      compact.push_back(blocks[k]);
    }
  for (auto& x : block)
    if (x >= 0) x = remap[static_cast<std::size_t>(x)];
  for (auto& x : anonymous) x = remap[static_cast<std::size_t>(x)];
  auto merged = placement(compact);
  if (merged.arena < r.plan.arena_bytes) {
    r.plan = to_plan(merged, block);
    r.plan.method += ", in place";
    r.plan.in_place_ops = std::move(in_place);
    r.plan.in_place_inputs = std::move(in_place_src);
  }
  return r;
}

}  // namespace mcuprof::compiler
