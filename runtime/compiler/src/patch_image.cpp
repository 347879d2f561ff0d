// Patch-schedule arena and image section (see patch_image.hpp).
#include "mcuprof/compiler/patch_image.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <set>

#include "mcuprof/compiler/model_image.hpp"

namespace mcuprof::compiler {
namespace {

int64_t align16(int64_t v) {
  return (v + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
}

int64_t region_bytes(const Tensor& t, const Region& r) {
  const int64_t channels = t.shape.size() == 4 ? t.shape[3] : 1;
  return r.pixels() * channels * static_cast<int64_t>(element_size(t.dtype));
}

int16_t i16(int v) {
  if (v < std::numeric_limits<int16_t>::min() || v > std::numeric_limits<int16_t>::max())
    throw ModelError(fmt::format("patch region bound {} does not fit the image's 16-bit field", v));
  return static_cast<int16_t>(v);
}

template <typename T>
void append(std::vector<uint8_t>& out, const T& v) {
  const auto at = out.size();
  out.resize(at + sizeof(T));
  std::memcpy(out.data() + at, &v, sizeof(T));
}

}  // namespace

PatchArena plan_patch_arena(const Graph& g, const StagePlan& stage) {
  return plan_patch_arena(g, std::vector<StagePlan>{stage});
}

PatchArena plan_patch_arena(const Graph& g, const std::vector<StagePlan>& stages) {
  if (stages.empty()) throw ModelError("a patch schedule needs at least one stage");
  check_stages(g, stages);
  PatchArena a;
  std::set<int32_t> produced;
  for (const StagePlan& stage : stages)
    for (int32_t i = stage.first; i < stage.split; ++i)
      for (int32_t t : g.ops[static_cast<size_t>(i)].outputs)
        if (t != stage.output_tensor) produced.insert(t);
  a.intermediates.assign(produced.begin(), produced.end());

  // One patch's intermediates, each at its region size, live from its producer to its
  // last consumer inside the patch; a stage's block is the largest of its patches' plans.
  for (const StagePlan& stage : stages) {
    int64_t block = 0;
    for (const Patch& p : stage.patches) {
      std::vector<Lifetime> buffers;
      for (const PatchOp& op : p.ops) {
        const int32_t t = g.ops[static_cast<size_t>(op.op)].outputs[0];
        if (t == stage.output_tensor) continue;  // written straight into the output map
        Lifetime life{t, align16(region_bytes(g.tensor(t), p.regions[static_cast<size_t>(t)])),
                      op.op, op.op};
        for (const PatchOp& q : p.ops)
          for (int32_t in : g.ops[static_cast<size_t>(q.op)].inputs)
            if (in == t) life.last = std::max(life.last, q.op);
        buffers.push_back(life);
      }
      std::vector<int64_t> offsets;
      block = std::max(block, tflm_greedy_size(buffers, &offsets));
      std::vector<int64_t> per_tensor(g.tensors.size(), -1);
      for (size_t k = 0; k < buffers.size(); ++k)
        per_tensor[static_cast<size_t>(buffers[k].tensor)] = offsets[k];
      a.region_offsets.push_back(std::move(per_tensor));
    }
    a.block_bytes.push_back(block);
  }

  // The whole arena: whole maps with their lifetimes (a stage's output from the stage's
  // first op on, every map a stage reads through its last op) plus each stage's block
  // during the stage.
  std::vector<Lifetime> buffers;
  for (Lifetime l : lifetimes(g)) {
    if (produced.contains(l.tensor)) continue;
    for (const StagePlan& stage : stages) {
      if (l.tensor == stage.output_tensor)
        l.first = stage.first;
      else if (l.first <= stage.first && l.last >= stage.first)
        l.last = std::max(l.last, stage.split - 1);
    }
    l.bytes = align16(l.bytes);
    buffers.push_back(l);
  }
  for (size_t k = 0; k < stages.size(); ++k)
    buffers.push_back({-1, std::max<int64_t>(a.block_bytes[k], kArenaAlignment), stages[k].first,
                       stages[k].split - 1});
  // TFLite Micro's greedy placement; the ops after the last stage may run in place as in a
  // layer-wise image (planner.hpp), kept when that needs less arena.
  a.plan =
      plan_lifetimes(g, buffers, {.in_place_from = stages.back().split, .greedy_only = true}).plan;
  a.plan.method = "TFLite Micro greedy (patch schedule)" +
                  std::string(a.plan.in_place_ops.empty() ? "" : ", in place");
  a.block_offsets = a.plan.anonymous_offsets;
  return a;
}

std::vector<uint8_t> write_patch_model_image(const Graph& g, const StagePlan& stage) {
  return write_patch_model_image(g, std::vector<StagePlan>{stage});
}

std::vector<uint8_t> write_patch_model_image(const Graph& g, const std::vector<StagePlan>& stages) {
  const PatchArena arena = plan_patch_arena(g, stages);
  std::vector<mcuprof_stage> stage_records;
  std::vector<mcuprof_patch> patches;
  std::vector<mcuprof_patch_region> regions;
  for (size_t k = 0; k < stages.size(); ++k) {
    const StagePlan& stage = stages[k];
    mcuprof_stage st{};
    st.first_op = static_cast<uint32_t>(stage.first);
    st.end_op = static_cast<uint32_t>(stage.split);
    st.grid = static_cast<uint32_t>(stage.grid);
    st.output_tensor = static_cast<uint32_t>(stage.output_tensor);
    st.first_patch = static_cast<uint32_t>(patches.size());
    stage_records.push_back(st);
    for (const Patch& p : stage.patches) {
      const size_t pi = patches.size();
      mcuprof_patch rec{};
      rec.row = static_cast<uint16_t>(p.row);
      rec.column = static_cast<uint16_t>(p.column);
      rec.first_region = static_cast<uint32_t>(regions.size());
      for (size_t t = 0; t < p.regions.size(); ++t) {
        const Region& r = p.regions[t];
        if (r.empty() || g.tensors[t].constant) continue;
        mcuprof_patch_region e{};
        e.tensor = static_cast<uint32_t>(t);
        e.row0 = i16(r.rows.begin), e.row1 = i16(r.rows.end);
        e.col0 = i16(r.cols.begin), e.col1 = i16(r.cols.end);
        const int64_t in_block = arena.region_offsets[pi][t];
        if (in_block >= 0) {
          e.offset = static_cast<uint32_t>(arena.block_offsets[k] + in_block);
        } else if (arena.plan.offsets[t] >= 0) {
          e.flags = MCUPROF_REGION_FULL;
          e.offset = static_cast<uint32_t>(arena.plan.offsets[t]);
        } else {
          throw ModelError(fmt::format("patch {} needs tensor '{}', which has no buffer", pi,
                                       g.tensors[t].name));
        }
        regions.push_back(e);
      }
      rec.num_regions = static_cast<uint32_t>(regions.size()) - rec.first_region;
      patches.push_back(rec);
    }
  }
  mcuprof_schedule s{};
  s.num_stages = static_cast<uint32_t>(stage_records.size());
  s.stages_offset = sizeof(mcuprof_schedule);
  s.num_patches = static_cast<uint32_t>(patches.size());
  s.patches_offset =
      static_cast<uint32_t>(s.stages_offset + stage_records.size() * sizeof(mcuprof_stage));
  s.num_regions = static_cast<uint32_t>(regions.size());
  s.regions_offset =
      static_cast<uint32_t>(s.patches_offset + patches.size() * sizeof(mcuprof_patch));
  ImageSchedule section;
  append(section.section, s);
  for (const auto& st : stage_records) append(section.section, st);
  for (const auto& p : patches) append(section.section, p);
  for (const auto& r : regions) append(section.section, r);
  section.patch_tensors = arena.intermediates;
  return write_model_image(g, arena.plan, &section);
}

}  // namespace mcuprof::compiler
