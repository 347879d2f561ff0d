// Arena planning by lifetime; see planner.hpp and docs/runtime.md, "Memory planner".
#include "mcuprof/compiler/planner.hpp"

#include <algorithm>
#include <functional>
#include <numeric>
#include <optional>

namespace mcuprof::compiler {
namespace {

int64_t align_up(int64_t v) {
  return (v + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
}

bool overlaps(const Lifetime& a, const Lifetime& b) {
  return !(a.first > b.last || b.first > a.last);
}

// One arena buffer: the tensors that share it, each live over its own interval and at its
// own offset inside it (one piece, or a chain of in-place ops: an input and the output
// that overwrites it, at the same offset or, for a pointwise conv, just before it).
struct Piece {
  Lifetime life;
  int64_t at = 0;  // offset inside the block
};

struct Block {
  std::vector<Piece> pieces;
  int64_t bytes() const {
    int64_t b = 0;
    for (const auto& p : pieces) b = std::max(b, p.at + p.life.bytes);
    return b;
  }
  int32_t first() const {
    int32_t f = INT32_MAX;
    for (const auto& p : pieces) f = std::min(f, p.life.first);
    return f;
  }
  int32_t last() const {
    int32_t l = -1;
    for (const auto& p : pieces) l = std::max(l, p.life.last);
    return l;
  }
};

std::vector<Block> single_blocks(const std::vector<Lifetime>& bufs) {
  std::vector<Block> blocks;
  for (const auto& l : bufs) blocks.push_back({{{l, 0}}});
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
  // Pairs (piece of the new block, piece of a placed block) live at the same time, in
  // bytes relative to the new block's offset c: the new piece takes [c + at, c + at + mine).
  struct Clash {
    int64_t at;     // the new block's piece: offset inside its block
    int64_t mine;   // and its aligned bytes
    int64_t start;  // the placed piece's offset in the arena
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
          if (overlaps(a.life, b.life)) {
            const int64_t start = offsets[j] + b.at, end = start + align_up(b.life.bytes);
            clashes.push_back({a.at, align_up(a.life.bytes), start, end});
            if (end >= a.at) candidates.push_back(end - a.at);
          }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    int64_t chosen = -1, chosen_gap = INT64_MAX, top = -1;
    for (const auto c : candidates) {
      int64_t gap = INT64_MAX;
      bool free = true;
      for (const auto& k : clashes) {
        if (c + k.at < k.end && k.start < c + k.at + k.mine) {
          free = false;
          break;
        }
        if (k.start >= c + k.at) gap = std::min(gap, k.start - c - k.at);
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

// The output channels the conv kernel computes in one pass over the pixels (CONV_CHUNK in
// runtime/firmware/src/kernels/conv.c); a wider conv revisits every input pixel per chunk.
constexpr int64_t kConvOnePassChannels = 128;

// An input whose bytes an op's output may take over (when that input dies at the op), and
// where the output then starts relative to the input (0 or before it, never after).
struct InPlace {
  std::size_t input;
  int64_t output_at = 0;
};

// A 1x1 stride-1 conv without padding, one batch, all channels in one pass: output pixel p
// depends on input pixel p alone, and the kernel writes output pixel q only after its last
// read of input pixels below q (pixels in increasing order, in blocks it reads before it
// writes; tests/unit/test_kernels_conv.cpp checks this contract). Placed D bytes before
// its input, D = OC + (P-1)*max(0, OC-IC), output pixels 0..q end at or before input
// pixel q starts, so its writes only touch input pixels the kernel is done with: an expand
// conv ends IC bytes past its output, a projection conv starts OC bytes before its input.
std::optional<int64_t> pointwise_conv_output_at(const Graph& g, const Operator& op) {
  if (op.inputs.size() < 2 || op.inputs[1] < 0) return std::nullopt;
  const auto& in = g.in(op).shape;
  const auto& out = g.out(op).shape;
  const auto& w = g.tensor(op.inputs[1]).shape;
  const bool ok = in.size() == 4 && out.size() == 4 && w.size() == 4 && in[0] == 1 && out[0] == 1 &&
                  w[1] == 1 && w[2] == 1 && op.options.stride_h == 1 && op.options.stride_w == 1 &&
                  op.pads.top == 0 && op.pads.left == 0 && op.pads.bottom == 0 &&
                  op.pads.right == 0 && in[1] == out[1] && in[2] == out[2] &&
                  out[3] <= kConvOnePassChannels && g.in(op).dtype == g.out(op).dtype;
  if (!ok) return std::nullopt;
  const int64_t pixels = int64_t{out[1]} * out[2], ic = in[3], oc = out[3];
  return -align_up(oc + (pixels - 1) * std::max<int64_t>(0, oc - ic));
}

// RESHAPE, int8 QUANTIZE, ADD/MUL (an input of the output's shape; the other may
// broadcast): element i is read before element i is written. DEPTHWISE_CONV_2D with
// depth multiplier 1 and one batch: the kernel copies input channel c into its scratch
// plane before writing output channel c, and output channel c's bytes (every C-th byte
// from c, C the channels of both) are input channel c's or lie past the input. These
// write over their input at its offset; a pointwise CONV_2D just before it (above).
std::vector<InPlace> in_place_inputs(const Graph& g, const Operator& op) {
  switch (op.type) {
    case OpType::kReshape:
      return {{0}};
    case OpType::kQuantize:
      return g.in(op).dtype == g.out(op).dtype ? std::vector<InPlace>{{0}} : std::vector<InPlace>{};
    case OpType::kAdd:
    case OpType::kMul: {
      std::vector<InPlace> k;
      for (std::size_t i = 0; i < 2; ++i)
        if (g.in(op, i).shape == g.out(op).shape && g.in(op, i).dtype == g.out(op).dtype)
          k.push_back({i});
      return k;
    }
    case OpType::kDepthwiseConv2D: {
      const auto& in = g.in(op).shape;
      const auto& out = g.out(op).shape;
      const bool ok = op.options.depth_multiplier == 1 && in.size() == 4 && out.size() == 4 &&
                      in[0] == 1 && out[0] == 1 && in[3] == out[3];
      return ok ? std::vector<InPlace>{{0}} : std::vector<InPlace>{};
    }
    case OpType::kConv2D: {
      const auto at = pointwise_conv_output_at(g, op);
      return at ? std::vector<InPlace>{{0, *at}} : std::vector<InPlace>{};
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

  // Blocks of the opaque buffers (tensor -1), in order; every buffer's offset inside its
  // block (0 unless an in-place conv put it after its output).
  std::vector<int32_t> anonymous;
  std::vector<int64_t> at(g.tensors.size(), 0);
  const auto to_plan = [&](const Candidate& c, const std::vector<int32_t>& block_of_tensor) {
    ArenaPlan p;
    p.offsets.assign(g.tensors.size(), -1);
    p.arena_bytes = c.arena;
    p.method = c.method;
    for (std::size_t t = 0; t < g.tensors.size(); ++t)
      if (block_of_tensor[t] >= 0)
        p.offsets[t] = c.offsets[static_cast<std::size_t>(block_of_tensor[t])] + at[t];
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
  // output's from it, at the input's offset or, for a pointwise conv, before it. A block
  // is placed whole, so a conv that starts before its input moves the block's earlier
  // pieces up with it; hence three rule sets — every conv, expand convs only (more output
  // channels than input), no conv — and the smallest arena wins.
  const auto is_io = [&](int32_t t) {
    return (!options.inputs_in_place &&
            std::find(g.inputs.begin(), g.inputs.end(), t) != g.inputs.end()) ||
           std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end();
  };
  const std::vector<int32_t> all_anonymous = anonymous;
  enum class Convs { kAll, kExpand, kNone };
  for (const Convs convs : {Convs::kAll, Convs::kExpand, Convs::kNone}) {
    std::vector<int32_t> block = identity;
    std::vector<Block> blocks = single_blocks(life);
    std::fill(at.begin(), at.end(), 0);
    std::vector<int32_t> in_place, in_place_src;
    for (std::size_t i = static_cast<std::size_t>(std::max(options.in_place_from, 0)); i < n_ops;
         ++i) {
      const auto& op = g.ops[i];
      if (op.type == OpType::kConv2D &&
          (convs == Convs::kNone ||
           (convs == Convs::kExpand && g.out(op).bytes() < g.in(op).bytes())))
        continue;
      const int32_t dst = op.outputs[0];
      for (const auto& rule : in_place_inputs(g, op)) {
        const int32_t src = op.inputs[rule.input];
        const auto bs = block[static_cast<std::size_t>(src)];
        const auto bd = block[static_cast<std::size_t>(dst)];
        if (bs < 0 || bd < 0 || bs == bd || is_io(src) || is_io(dst)) continue;
        if (blocks[static_cast<std::size_t>(bs)].last() != static_cast<int32_t>(i)) continue;
        // Another input of the op in the same block would be overwritten early.
        bool clash = false;
        for (std::size_t j = 0; j < op.inputs.size(); ++j)
          if (j != rule.input && op.inputs[j] >= 0 &&
              block[static_cast<std::size_t>(op.inputs[j])] == bs)
            clash = true;
        if (clash) continue;
        auto& into = blocks[static_cast<std::size_t>(bs)].pieces;
        auto& from = blocks[static_cast<std::size_t>(bd)].pieces;
        int64_t out_at = at[static_cast<std::size_t>(src)] + rule.output_at;
        if (out_at < 0) {  // the output starts before the block: move the block's pieces up
          for (auto& piece : into) piece.at -= out_at;
          for (std::size_t t = 0; t < block.size(); ++t)
            if (block[t] == bs) at[t] -= out_at;
          out_at = 0;
        }
        for (auto& piece : from) piece.at += out_at;
        into.insert(into.end(), from.begin(), from.end());
        from.clear();
        for (std::size_t t = 0; t < block.size(); ++t)
          if (block[t] == bd) block[t] = bs, at[t] += out_at;
        in_place.push_back(static_cast<int32_t>(i));
        in_place_src.push_back(src);
        break;
      }
    }
    if (in_place.empty()) continue;
    std::vector<Block> compact;
    std::vector<int32_t> remap(blocks.size(), -1);
    for (std::size_t k = 0; k < blocks.size(); ++k)
      if (!blocks[k].pieces.empty()) {
        remap[k] = static_cast<int32_t>(compact.size());
        compact.push_back(blocks[k]);
      }
    for (auto& x : block)
      if (x >= 0) x = remap[static_cast<std::size_t>(x)];
    anonymous = all_anonymous;
    for (auto& x : anonymous) x = remap[static_cast<std::size_t>(x)];
    auto merged = placement(compact);
    if (merged.arena < r.plan.arena_bytes) {
      r.plan = to_plan(merged, block);
      r.plan.method += convs == Convs::kAll      ? ", in place"
                       : convs == Convs::kExpand ? ", in place (expand convs)"
                                                 : ", in place (no convs)";
      r.plan.in_place_ops = std::move(in_place);
      r.plan.in_place_inputs = std::move(in_place_src);
    }
  }
  return r;
}

int64_t in_place_overlap(const Graph& g, const ArenaPlan& plan, std::size_t k) {
  const auto op = static_cast<std::size_t>(plan.in_place_ops[k]);
  const auto src = static_cast<std::size_t>(plan.in_place_inputs[k]);
  const auto dst = static_cast<std::size_t>(g.ops[op].outputs[0]);
  const int64_t lo = std::max(plan.offsets[src], plan.offsets[dst]);
  const int64_t hi = std::min(plan.offsets[src] + g.tensors[src].bytes(),
                              plan.offsets[dst] + g.tensors[dst].bytes());
  return std::max<int64_t>(0, hi - lo);
}

}  // namespace mcuprof::compiler
