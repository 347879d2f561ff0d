// Patch-stage planning (see patch_plan.hpp and docs/patch-based.md).
#include "mcuprof/compiler/patch_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "mcuprof/compiler/analysis.hpp"
#include "mcuprof/compiler/planner.hpp"

namespace mcuprof::compiler {
namespace {

bool spatial_window_op(OpType t) {
  return t == OpType::kConv2D || t == OpType::kDepthwiseConv2D || t == OpType::kAveragePool2D ||
         t == OpType::kMaxPool2D;
}

bool elementwise_op(OpType t) {
  return t == OpType::kAdd || t == OpType::kMul || t == OpType::kQuantize ||
         t == OpType::kDequantize;
}

std::string layer_name(const Graph& g, int32_t op_index) {
  const Operator& op = g.ops.at(static_cast<size_t>(op_index));
  return fmt::format("layer {} ({} -> '{}')", op_index, to_string(op.type),
                     op.outputs.empty() ? std::string("?") : g.out(op).name);
}

[[noreturn]] void refuse(const Graph& g, int32_t op_index, std::string_view reason) {
  throw ModelError(fmt::format("cannot tile {}: {}", layer_name(g, op_index), reason));
}

int32_t dim(const Tensor& t, size_t i) {
  return t.shape.size() == 4 ? t.shape[i] : 1;
}

// Window of a spatial op along rows (axis 1) or columns (axis 2).
Window window(const Graph& g, const Operator& op, int axis) {
  Window w;
  const bool rows = axis == 1;
  if (op.type == OpType::kConv2D || op.type == OpType::kDepthwiseConv2D) {
    const Tensor& weights = g.in(op, 1);  // [Cout, kh, kw, Cin] or [1, kh, kw, C*m]
    w.kernel = rows ? weights.shape.at(1) : weights.shape.at(2);
  } else {
    w.kernel = rows ? op.options.filter_h : op.options.filter_w;
  }
  w.stride = rows ? op.options.stride_h : op.options.stride_w;
  w.dilation = rows ? op.options.dilation_h : op.options.dilation_w;
  w.pad_before = rows ? op.pads.top : op.pads.left;
  return w;
}

void check_tileable(const Graph& g, int32_t i) {
  const Operator& op = g.ops.at(static_cast<size_t>(i));
  if (!spatial_window_op(op.type) && !elementwise_op(op.type))
    refuse(g, i,
           fmt::format("{} mixes the whole map; only convolutions, pooling and "
                       "elementwise ops can run patch by patch",
                       to_string(op.type)));
  const Tensor& out = g.out(op);
  if (out.shape.size() != 4) refuse(g, i, "its output is not an NHWC feature map");
  if (op.type == OpType::kAveragePool2D || op.type == OpType::kMaxPool2D) {
    const Tensor& in = g.in(op);
    if (dim(out, 1) == 1 && dim(out, 2) == 1 && op.options.filter_h >= dim(in, 1) &&
        op.options.filter_w >= dim(in, 2))
      refuse(g, i, "global pooling reduces the whole map to one value");
  }
}

struct StageBoundary {
  int32_t output = -1;
};

StageBoundary find_boundary(const Graph& g, int32_t first, int32_t split) {
  std::set<int32_t> produced;
  for (int32_t i = first; i < split; ++i)
    for (int32_t t : g.ops[static_cast<size_t>(i)].outputs) produced.insert(t);
  std::set<int32_t> before(g.inputs.begin(), g.inputs.end());  // whole maps by then
  for (int32_t i = 0; i < first; ++i)
    for (int32_t t : g.ops[static_cast<size_t>(i)].outputs) before.insert(t);
  for (int32_t i = first; i < split; ++i)
    for (int32_t t : g.ops[static_cast<size_t>(i)].inputs) {
      if (t < 0 || g.tensor(t).constant || produced.contains(t) || before.contains(t)) continue;
      refuse(
          g, i,
          fmt::format("it reads '{}', which is not produced inside the stage", g.tensor(t).name));
    }
  std::set<int32_t> crossing;
  for (size_t i = static_cast<size_t>(split); i < g.ops.size(); ++i)
    for (int32_t t : g.ops[i].inputs)
      if (produced.contains(t)) crossing.insert(t);
  for (int32_t t : g.outputs)
    if (produced.contains(t)) crossing.insert(t);
  if (crossing.size() != 1) {
    std::string names;
    for (int32_t t : crossing) names += (names.empty() ? "'" : ", '") + g.tensor(t).name + "'";
    throw ModelError(fmt::format(
        "cannot split after {}: the stage must hand exactly one feature map to the rest of the "
        "network, but {} cross the boundary ({})",
        layer_name(g, split - 1), crossing.size(), names.empty() ? "none" : names));
  }
  return {*crossing.begin()};
}

// Requests `need` of tensor t in this patch (hull with what other consumers need).
void request(std::vector<Region>& regions, int32_t t, const Region& need) {
  Region& r = regions[static_cast<size_t>(t)];
  r.rows = hull(r.rows, need.rows);
  r.cols = hull(r.cols, need.cols);
}

Patch plan_patch(const Graph& g, int32_t first, int32_t split, int32_t output, const Region& tile) {
  Patch patch;
  patch.out = tile;
  patch.regions.assign(g.tensors.size(), Region{});
  patch.regions[static_cast<size_t>(output)] = tile;
  for (int32_t i = split - 1; i >= first; --i) {
    const Operator& op = g.ops[static_cast<size_t>(i)];
    const Region out = patch.regions[static_cast<size_t>(op.outputs[0])];
    if (out.empty()) continue;  // nothing downstream needs this op in this patch
    PatchOp p;
    p.op = i;
    p.out = out;
    const Tensor& out_t = g.out(op);
    const int64_t full_pixels = int64_t{dim(out_t, 1)} * dim(out_t, 2);
    p.macs = full_pixels == 0 ? 0 : macs(g, op) / full_pixels * out.pixels();
    if (spatial_window_op(op.type)) {
      const Tensor& in = g.in(op);
      const Clipped r = clip(needed_input(out.rows, window(g, op, 1)), dim(in, 1));
      const Clipped c = clip(needed_input(out.cols, window(g, op, 2)), dim(in, 2));
      p.border_pads = {r.pad_before, c.pad_before, r.pad_after, c.pad_after};
      request(patch.regions, op.inputs[0], {r.inside, c.inside});
    } else {
      for (int32_t t : op.inputs) {
        if (t < 0 || g.tensor(t).constant) continue;
        const Tensor& in = g.tensor(t);
        if (in.shape.size() == 4 && dim(in, 1) == dim(out_t, 1) && dim(in, 2) == dim(out_t, 2))
          request(patch.regions, t, out);
        else  // broadcast operand: small, needed whole
          request(patch.regions, t, {{0, dim(in, 1)}, {0, dim(in, 2)}});
      }
    }
    patch.ops.push_back(p);
  }
  std::reverse(patch.ops.begin(), patch.ops.end());
  return patch;
}

// Arena for one patch's intermediates: every tensor the stage produces except the
// stage output (a full map, counted on its own), at its patch-region size, live from
// its producer to its last consumer in the stage; plus the last op's output tile,
// which is computed into a patch buffer and copied into the stage output.
int64_t patch_buffers(const Graph& g, const Patch& patch, int32_t output) {
  std::vector<Lifetime> buffers;
  for (const PatchOp& p : patch.ops) {
    const Operator& op = g.ops[static_cast<size_t>(p.op)];
    const int32_t t = op.outputs[0];
    const Tensor& tensor = g.tensor(t);
    const int64_t bytes =
        p.out.pixels() * dim(tensor, 3) * static_cast<int64_t>(element_size(tensor.dtype));
    Lifetime life{t, bytes, p.op, p.op};
    if (t != output) {
      for (const PatchOp& q : patch.ops)
        for (int32_t in : g.ops[static_cast<size_t>(q.op)].inputs)
          if (in == t) life.last = std::max(life.last, q.op);
    }
    buffers.push_back(life);
  }
  return tflm_greedy_size(buffers);
}

// Applies the in-place conventions of `options` to per-op live bytes over the op
// sequence `seq` (graph op indices in execution order); `bytes` gives a tensor's size
// as held (whole map or patch region).
template <typename BytesOf>
void apply_in_place(const Graph& g, const std::vector<int32_t>& seq, BytesOf bytes,
                    const EstimateOptions& options, std::vector<int64_t>& live) {
  const auto uses_after = [&](int32_t tensor, size_t position) {
    int uses = 0;
    for (size_t j = position + 1; j < seq.size(); ++j)
      for (int32_t t : g.ops[static_cast<size_t>(seq[j])].inputs) uses += t == tensor ? 1 : 0;
    for (int32_t t : g.outputs) uses += t == tensor ? 1 : 0;
    return uses;
  };
  for (size_t k = 0; k < seq.size(); ++k) {
    const Operator& op = g.ops[static_cast<size_t>(seq[k])];
    int64_t& here = live[static_cast<size_t>(seq[k])];
    if (options.depthwise_in_place && op.type == OpType::kDepthwiseConv2D &&
        uses_after(op.inputs[0], k) == 0)
      here -= std::min(bytes(op.inputs[0]), bytes(op.outputs[0]));
    if (options.residual_in_place && op.type == OpType::kAdd && k > 0 && op.inputs.size() == 2) {
      const Operator& prev = g.ops[static_cast<size_t>(seq[k - 1])];
      for (int side = 0; side < 2; ++side) {
        const int32_t y = op.inputs[static_cast<size_t>(side)];
        const int32_t x = op.inputs[static_cast<size_t>(1 - side)];
        if (prev.type != OpType::kConv2D || prev.outputs[0] != y || uses_after(y, k) != 0 ||
            uses_after(x, k) != 0 || bytes(x) != bytes(y))
          continue;
        // The conv accumulates onto x: y and the sum never need their own buffers.
        live[static_cast<size_t>(seq[k - 1])] -= bytes(y);
        here -= bytes(y) + bytes(op.outputs[0]);
        break;
      }
    }
  }
}

// Largest sum of intermediates live at one op of the patch (same buffers as above).
int64_t patch_live(const Graph& g, const Patch& patch, int32_t output,
                   const EstimateOptions& options) {
  std::vector<int64_t> live(g.ops.size(), 0);
  for (const PatchOp& p : patch.ops) {
    const Operator& op = g.ops[static_cast<size_t>(p.op)];
    const Tensor& tensor = g.out(op);
    const int64_t bytes =
        p.out.pixels() * dim(tensor, 3) * static_cast<int64_t>(element_size(tensor.dtype));
    int32_t last = p.op;
    if (op.outputs[0] != output)
      for (const PatchOp& q : patch.ops)
        for (int32_t in : g.ops[static_cast<size_t>(q.op)].inputs)
          if (in == op.outputs[0]) last = std::max(last, q.op);
    for (int32_t i = p.op; i <= last; ++i) live[static_cast<size_t>(i)] += bytes;
  }
  std::vector<int32_t> seq;
  for (const PatchOp& p : patch.ops) seq.push_back(p.op);
  const auto region_bytes = [&](int32_t t) {
    const Tensor& tensor = g.tensor(t);
    const Region& r = patch.regions[static_cast<size_t>(t)];
    return r.pixels() * dim(tensor, 3) * static_cast<int64_t>(element_size(tensor.dtype));
  };
  apply_in_place(g, seq, region_bytes, options, live);
  return live.empty() ? 0 : *std::max_element(live.begin(), live.end());
}

}  // namespace

bool tileable(const Graph& g, int32_t op) {
  try {
    check_tileable(g, op);
  } catch (const ModelError&) {
    return false;
  }
  return true;
}

StagePlan plan_stage(const Graph& g, int32_t split, int32_t grid, const EstimateOptions& options) {
  return plan_stage(g, 0, split, grid, options);
}

StagePlan plan_stage(const Graph& g, int32_t first, int32_t split, int32_t grid,
                     const EstimateOptions& options) {
  if (split < 1 || static_cast<size_t>(split) >= g.ops.size())
    throw ModelError(
        fmt::format("split point {} is outside 1..{} (the stage needs at least one "
                    "layer and the rest of the network at least one)",
                    split, g.ops.size() - 1));
  if (first < 0 || first >= split)
    throw ModelError(
        fmt::format("a stage from layer {} to split point {} has no layers", first, split));
  for (int32_t i = first; i < split; ++i) check_tileable(g, i);
  const StageBoundary boundary = find_boundary(g, first, split);
  const Tensor& out = g.tensor(boundary.output);
  if (out.shape.size() != 4)
    throw ModelError(fmt::format("cannot split after {}: the stage output is not a feature map",
                                 layer_name(g, split - 1)));
  const int32_t h = dim(out, 1);
  const int32_t w = dim(out, 2);
  if (grid < 1 || grid > std::min(h, w))
    throw ModelError(fmt::format("grid {}x{} is larger than the stage output map {}x{} ('{}')",
                                 grid, grid, h, w, out.name));

  StagePlan plan;
  plan.first = first;
  plan.split = split;
  plan.grid = grid;
  plan.output_tensor = boundary.output;
  for (int32_t i = first; i < split; ++i)
    plan.stage_macs_layerwise += macs(g, g.ops[static_cast<size_t>(i)]);
  const auto rows = split_range(h, grid);
  const auto cols = split_range(w, grid);
  for (int32_t r = 0; r < grid; ++r) {
    for (int32_t c = 0; c < grid; ++c) {
      Patch p = plan_patch(g, first, split, boundary.output,
                           {rows[static_cast<size_t>(r)], cols[static_cast<size_t>(c)]});
      p.row = r;
      p.column = c;
      p.buffer_bytes = patch_buffers(g, p, boundary.output);
      p.live_bytes = patch_live(g, p, boundary.output, options);
      plan.patch_buffer_bytes = std::max(plan.patch_buffer_bytes, p.buffer_bytes);
      plan.patch_live_bytes = std::max(plan.patch_live_bytes, p.live_bytes);
      for (const PatchOp& op : p.ops) plan.stage_macs_patch += op.macs;
      plan.patches.push_back(std::move(p));
    }
  }
  return plan;
}

namespace {

int64_t align16(int64_t v) {
  return (v + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
}

// Live activation bytes per op of `g` (model input separated out), with the
// depthwise-in-place convention applied when asked.
struct LiveProfile {
  std::vector<int64_t> live;        // per op, everything live
  std::vector<int64_t> input_live;  // per op, bytes of model inputs among them
};

// A rest-of-network graph (its input is not a model input but the patch stage's output
// map) lets in-place ops overwrite that input, as the patch image does (plan_patch_arena).
PlannerOptions rest_planner_options(const Graph& g, const std::set<int32_t>& model_inputs) {
  const bool rest = std::none_of(g.inputs.begin(), g.inputs.end(),
                                 [&](int32_t t) { return model_inputs.contains(t); });
  return {.inputs_in_place = rest};
}

LiveProfile live_profile(const Graph& g, const std::set<int32_t>& inputs,
                         const EstimateOptions& options) {
  LiveProfile p;
  p.live.assign(g.ops.size(), 0);
  p.input_live.assign(g.ops.size(), 0);
  for (const Lifetime& l : lifetimes(g)) {
    for (int32_t i = l.first; i <= l.last; ++i) {
      p.live[static_cast<size_t>(i)] += l.bytes;
      if (inputs.contains(l.tensor)) p.input_live[static_cast<size_t>(i)] += l.bytes;
    }
  }
  std::vector<int32_t> seq(g.ops.size());
  std::iota(seq.begin(), seq.end(), 0);
  apply_in_place(
      g, seq, [&](int32_t t) { return g.tensor(t).bytes(); }, options, p.live);
  if (options.planner_in_place && !options.depthwise_in_place && !options.residual_in_place) {
    // The runtime's in-place ops: the input dies as the output is born in its bytes.
    const ArenaPlan plan = plan_memory(g, rest_planner_options(g, inputs)).plan;
    for (std::size_t k = 0; k < plan.in_place_ops.size(); ++k)
      p.live[static_cast<size_t>(plan.in_place_ops[k])] -= in_place_overlap(g, plan, k);
  }
  return p;
}

Graph rest_of(const Graph& g, const StagePlan& stage) {
  Graph rest;
  rest.tensors = g.tensors;
  rest.ops.assign(g.ops.begin() + stage.split, g.ops.end());
  rest.inputs = {stage.output_tensor};
  rest.outputs = g.outputs;
  return rest;
}

std::string op_label(const Graph& g, size_t i, size_t offset) {
  const Operator& op = g.ops[i];
  return fmt::format("layer {} ({})", i + offset, to_string(op.type));
}

}  // namespace

ScheduleEstimate estimate_schedule(const Graph& g, const std::optional<StagePlan>& stage,
                                   const EstimateOptions& options) {
  return estimate_schedule(g, stage ? std::vector<StagePlan>{*stage} : std::vector<StagePlan>{},
                           options);
}

ScheduleEstimate estimate_schedule(const Graph& g, const std::vector<StagePlan>& stages,
                                   const EstimateOptions& options) {
  ScheduleEstimate e;
  const int64_t layerwise_macs = total_macs(g);
  const std::set<int32_t> model_inputs(g.inputs.begin(), g.inputs.end());

  const auto worst = [&](const Graph& graph, size_t offset, ScheduleEstimate& out) {
    // The runtime runs ops in place in layer-wise images and after the last patch stage.
    const LiveProfile p = live_profile(graph, model_inputs, options);
    for (size_t i = 0; i < p.live.size(); ++i) {
      if (p.live[i] > out.peak_bytes) {
        out.peak_bytes = p.live[i];
        out.peak_where = op_label(graph, i, offset);
      }
      out.peak_bytes_no_input = std::max(out.peak_bytes_no_input, p.live[i] - p.input_live[i]);
    }
  };

  if (stages.empty()) {
    e.arena_bytes = plan_memory(g).plan.arena_bytes;
    e.layerwise_arena_bytes = e.arena_bytes;
    worst(g, 0, e);
    e.macs = layerwise_macs;
    return e;
  }

  // Whole maps under the schedule: a stage's intermediates live only in per-patch buffers;
  // its output map lives from the stage's start, and every map it reads through its end.
  std::set<int32_t> intermediates;
  for (const StagePlan& s : stages)
    for (int32_t i = s.first; i < s.split; ++i)
      for (int32_t t : g.ops[static_cast<size_t>(i)].outputs)
        if (t != s.output_tensor) intermediates.insert(t);
  std::vector<Lifetime> maps;
  for (Lifetime l : lifetimes(g)) {
    if (intermediates.contains(l.tensor)) continue;
    for (const StagePlan& s : stages) {
      if (l.tensor == s.output_tensor)
        l.first = s.first;
      else if (l.first <= s.first && l.last >= s.first)
        l.last = std::max(l.last, s.split - 1);
    }
    maps.push_back(l);
  }
  const auto live_during = [&](int32_t from, int32_t to, bool inputs, bool aligned) {
    int64_t n = 0;
    for (const Lifetime& l : maps)
      if (l.first <= to && l.last >= from && (inputs || !model_inputs.contains(l.tensor)))
        n += aligned ? align16(l.bytes) : l.bytes;
    return n;
  };
  const auto note = [&](int64_t live, int64_t live_no_input, const std::string& where) {
    if (live > e.peak_bytes) e.peak_bytes = live, e.peak_where = where;
    e.peak_bytes_no_input = std::max(e.peak_bytes_no_input, live_no_input);
  };

  // Each stage: the maps live during it + one patch's intermediates. Layer-wise ops before
  // and between stages: the maps live then (nothing runs in place before the last stage).
  const StagePlan& last = stages.back();
  int32_t op = 0;
  e.macs = layerwise_macs;
  for (size_t k = 0; k < stages.size(); ++k) {
    const StagePlan& s = stages[k];
    for (; op < s.first; ++op) {
      note(live_during(op, op, true, false), live_during(op, op, false, false),
           op_label(g, static_cast<size_t>(op), 0));
      e.layerwise_arena_bytes = std::max(e.layerwise_arena_bytes, live_during(op, op, true, true));
    }
    op = s.split;
    note(live_during(s.first, s.split - 1, true, false) + s.patch_live_bytes,
         live_during(s.first, s.split - 1, false, false) + s.patch_live_bytes,
         stages.size() == 1 ? std::string("patch stage") : fmt::format("patch stage {}", k + 1));
    e.stage_arena_bytes.push_back(live_during(s.first, s.split - 1, true, true) +
                                  s.patch_buffer_bytes);
    e.macs += s.stage_macs_patch - s.stage_macs_layerwise;
  }
  // The rest of the network, layer by layer, in place where the planner says so.
  const Graph rest = rest_of(g, last);
  ScheduleEstimate rest_e;
  worst(rest, static_cast<size_t>(last.split), rest_e);
  note(rest_e.peak_bytes, rest_e.peak_bytes_no_input, rest_e.peak_where);
  // Patch images run ops in place after the last stage only (plan_patch_arena).
  e.layerwise_arena_bytes =
      std::max(e.layerwise_arena_bytes,
               plan_memory(rest, rest_planner_options(rest, model_inputs)).plan.arena_bytes);
  e.arena_bytes = e.layerwise_arena_bytes;
  for (int64_t a : e.stage_arena_bytes) e.arena_bytes = std::max(e.arena_bytes, a);
  e.mac_overhead_pct = layerwise_macs == 0 ? 0.0
                                           : 100.0 * static_cast<double>(e.macs - layerwise_macs) /
                                                 static_cast<double>(layerwise_macs);
  return e;
}

}  // namespace mcuprof::compiler
