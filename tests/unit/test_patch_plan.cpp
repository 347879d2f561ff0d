// Patch-based planning: the receptive-field arithmetic, the grid split, the per-patch
// regions checked by brute force (a patch-by-patch evaluation of the stage equals the
// layer-wise one), MAC accounting, and the refusals.
#include <gtest/gtest.h>

#include <map>
#include <numeric>

#include "mcuprof/compiler/analysis.hpp"
#include "mcuprof/compiler/generator.hpp"
#include "mcuprof/compiler/importer.hpp"
#include "mcuprof/compiler/patch_plan.hpp"
#include "paths.hpp"

using namespace mcuprof::compiler;

TEST(PatchGeometry, ReceptiveFieldOfWindows) {
  // 3x3, stride 1, SAME (pad 1): 4 outputs read 6 inputs, starting one before.
  EXPECT_EQ(needed_input({0, 4}, {3, 1, 1, 1}), (Interval{-1, 5}));
  // Stride s maps g outputs to (g-1)*s + k inputs.
  EXPECT_EQ(needed_input({2, 4}, {3, 2, 1, 0}).size(), (2 - 1) * 2 + 3);
  EXPECT_EQ(needed_input({2, 4}, {3, 2, 1, 0}), (Interval{4, 9}));
  // Dilation 2 spreads a 3-tap window over 5 inputs.
  EXPECT_EQ(needed_input({0, 1}, {3, 1, 2, 0}), (Interval{0, 5}));
  // 1x1 convolutions need exactly their output range.
  EXPECT_EQ(needed_input({7, 9}, {1, 1, 1, 0}), (Interval{7, 9}));
}

TEST(PatchGeometry, ClippingTurnsTheOutsideIntoBorderPadding) {
  const Clipped c = clip({-1, 5}, 4);
  EXPECT_EQ(c.inside, (Interval{0, 4}));
  EXPECT_EQ(c.pad_before, 1);
  EXPECT_EQ(c.pad_after, 1);
  const Clipped inner = clip({2, 6}, 10);
  EXPECT_EQ(inner.inside, (Interval{2, 6}));
  EXPECT_EQ(inner.pad_before + inner.pad_after, 0);
}

TEST(PatchGeometry, UnevenSplitsGiveTheRemainderToTheFirstParts) {
  const auto parts = split_range(10, 3);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], (Interval{0, 4}));
  EXPECT_EQ(parts[1], (Interval{4, 7}));
  EXPECT_EQ(parts[2], (Interval{7, 10}));
  for (int extent : {1, 7, 28, 112})
    for (int p = 1; p <= std::min(extent, 9); ++p) {
      const auto s = split_range(extent, p);
      EXPECT_EQ(s.front().begin, 0);
      EXPECT_EQ(s.back().end, extent);
      for (size_t i = 1; i < s.size(); ++i) EXPECT_EQ(s[i].begin, s[i - 1].end);
    }
}

namespace {

Graph mobilenet(double width, int resolution) {
  GeneratorOptions o;
  o.family = "mobilenetv2";
  o.width = width;
  o.resolution = resolution;
  return import_tflite(generate_model(o));
}

// A geometry-only evaluation of the stage: every tensor is an H x W x C grid of
// int64 values; a window op outputs the sum over its window (zero outside the image)
// plus its position's channel; an elementwise op adds its inputs. Weights do not
// matter here: the question is whether the regions and paddings are right.
using Map = std::vector<int64_t>;

struct Shape {
  int h, w, c;
};

Shape shape_of(const Tensor& t) {
  return {t.shape[1], t.shape[2], t.shape[3]};
}

int64_t at(const Map& m, const Shape& s, int y, int x, int c) {
  return m[(static_cast<size_t>(y) * s.w + x) * s.c + c];
}

int kernel(const Graph& g, const Operator& op, bool rows) {
  if (op.type == OpType::kConv2D || op.type == OpType::kDepthwiseConv2D)
    return g.in(op, 1).shape[rows ? 1 : 2];
  return rows ? op.options.filter_h : op.options.filter_w;
}

// Evaluates op over output region `out`, reading input 0 from `in` whose stored region
// starts at (in_y0, in_x0) with the given stored size; positions outside the image are
// zero. Returns the region's values.
Map eval_window(const Graph& g, const Operator& op, const Map& in, const Shape& in_full, int in_y0,
                int in_x0, int in_h, int in_w, const Region& out) {
  const Shape os = shape_of(g.out(op));
  const int kh = kernel(g, op, true), kw = kernel(g, op, false);
  Map r(static_cast<size_t>(out.rows.size()) * out.cols.size() * os.c, 0);
  const Shape stored{in_h, in_w, in_full.c};
  for (int y = out.rows.begin; y < out.rows.end; ++y)
    for (int x = out.cols.begin; x < out.cols.end; ++x)
      for (int c = 0; c < os.c; ++c) {
        int64_t sum = c;
        for (int ky = 0; ky < kh; ++ky)
          for (int kx = 0; kx < kw; ++kx) {
            const int iy = y * op.options.stride_h - op.pads.top + ky * op.options.dilation_h;
            const int ix = x * op.options.stride_w - op.pads.left + kx * op.options.dilation_w;
            if (iy < 0 || ix < 0 || iy >= in_full.h || ix >= in_full.w) continue;  // border
            EXPECT_TRUE(iy >= in_y0 && iy < in_y0 + in_h && ix >= in_x0 && ix < in_x0 + in_w)
                << "layer reads (" << iy << "," << ix << ") outside the region it was given";
            if (!(iy >= in_y0 && iy < in_y0 + in_h && ix >= in_x0 && ix < in_x0 + in_w)) continue;
            sum += at(in, stored, iy - in_y0, ix - in_x0, c % in_full.c) * (ky + 1) + kx;
          }
        r[(static_cast<size_t>(y - out.rows.begin) * out.cols.size() + (x - out.cols.begin)) *
              os.c +
          c] = sum % 1000003;
      }
  return r;
}

struct Held {
  Region region;
  Map values;
};

// Runs ops [0, split) over the regions given per tensor (whole maps when `plan` is null).
Map evaluate_stage(const Graph& g, int32_t split, const Patch* patch) {
  std::map<int32_t, Held> held;
  const int32_t input = g.inputs[0];
  const Shape in_s = shape_of(g.tensor(input));
  Held image{{{0, in_s.h}, {0, in_s.w}}, Map(static_cast<size_t>(in_s.h) * in_s.w * in_s.c)};
  std::iota(image.values.begin(), image.values.end(), 1);
  held[input] = image;
  int32_t last_out = -1;
  for (int32_t i = 0; i < split; ++i) {
    const Operator& op = g.ops[static_cast<size_t>(i)];
    const Shape os = shape_of(g.out(op));
    Region out{{0, os.h}, {0, os.w}};
    if (patch != nullptr) out = patch->regions[static_cast<size_t>(op.outputs[0])];
    if (out.empty()) continue;
    Held result{out, {}};
    if (op.type == OpType::kAdd || op.type == OpType::kMul || op.type == OpType::kQuantize) {
      result.values.assign(static_cast<size_t>(out.pixels()) * os.c, 0);
      for (int32_t t : op.inputs) {
        if (t < 0 || g.tensor(t).constant) continue;
        const Held& h = held.at(t);
        const Shape hs{h.region.rows.size(), h.region.cols.size(), os.c};
        for (int y = out.rows.begin; y < out.rows.end; ++y)
          for (int x = out.cols.begin; x < out.cols.end; ++x)
            for (int c = 0; c < os.c; ++c)
              result.values[(static_cast<size_t>(y - out.rows.begin) * out.cols.size() +
                             (x - out.cols.begin)) *
                                os.c +
                            c] +=
                  at(h.values, hs, y - h.region.rows.begin, x - h.region.cols.begin, c);
      }
    } else {
      const Held& h = held.at(op.inputs[0]);
      result.values =
          eval_window(g, op, h.values, shape_of(g.in(op)), h.region.rows.begin, h.region.cols.begin,
                      h.region.rows.size(), h.region.cols.size(), out);
    }
    held[op.outputs[0]] = std::move(result);
    last_out = op.outputs[0];
  }
  return held.at(last_out).values;
}

}  // namespace

TEST(PatchPlan, PatchByPatchEvaluationEqualsLayerWise) {
  const Graph g = mobilenet(0.35, 48);
  for (int32_t split : {3, 6, 10}) {
    for (int32_t grid : {1, 2, 3, 4}) {
      SCOPED_TRACE(testing::Message() << "split " << split << " grid " << grid);
      StagePlan plan;
      try {
        plan = plan_stage(g, split, grid);
      } catch (const ModelError& e) {
        ADD_FAILURE() << e.what();
        continue;
      }
      const Shape os = shape_of(g.tensor(plan.output_tensor));
      const Map whole = evaluate_stage(g, split, nullptr);
      Map stitched(whole.size(), -1);
      int64_t covered = 0;
      for (const Patch& p : plan.patches) {
        const Map tile = evaluate_stage(g, split, &p);
        ASSERT_EQ(tile.size(), static_cast<size_t>(p.out.pixels()) * os.c);
        for (int y = p.out.rows.begin; y < p.out.rows.end; ++y)
          for (int x = p.out.cols.begin; x < p.out.cols.end; ++x)
            for (int c = 0; c < os.c; ++c)
              stitched[(static_cast<size_t>(y) * os.w + x) * os.c + c] =
                  tile[(static_cast<size_t>(y - p.out.rows.begin) * p.out.cols.size() +
                        (x - p.out.cols.begin)) *
                           os.c +
                       c];
        covered += p.out.pixels();
      }
      EXPECT_EQ(covered, int64_t{os.h} * os.w);  // tiles partition the map
      EXPECT_EQ(stitched, whole);
      if (grid == 1) {
        EXPECT_EQ(plan.stage_macs_patch, plan.stage_macs_layerwise);  // no halo
      } else {
        EXPECT_GT(plan.stage_macs_patch, plan.stage_macs_layerwise);  // halos recomputed
      }
    }
  }
}

TEST(PatchPlan, PaddingOnlyAtTheImageBorder) {
  const Graph g = mobilenet(0.35, 48);
  const StagePlan plan = plan_stage(g, 6, 3);
  ASSERT_EQ(plan.patches.size(), 9u);
  const Patch& corner = plan.patches[0];
  const Patch& centre = plan.patches[4];
  const Operator& stem = g.ops[0];
  ASSERT_EQ(corner.ops.front().op, 0);
  EXPECT_EQ(corner.ops.front().border_pads.top, stem.pads.top);
  EXPECT_EQ(corner.ops.front().border_pads.left, stem.pads.left);
  for (const PatchOp& op : centre.ops) {
    EXPECT_EQ(op.border_pads.top, 0) << "op " << op.op;
    EXPECT_EQ(op.border_pads.left, 0) << "op " << op.op;
    EXPECT_EQ(op.border_pads.bottom, 0) << "op " << op.op;
    EXPECT_EQ(op.border_pads.right, 0) << "op " << op.op;
  }
}

TEST(PatchPlan, EstimatesSaveMemoryForSomeMacs) {
  const Graph g = mobilenet(0.35, 144);
  const ScheduleEstimate layer = estimate_schedule(g, std::nullopt);
  const StagePlan plan = plan_stage(g, 10, 4);
  const ScheduleEstimate patch = estimate_schedule(g, plan);
  EXPECT_LT(patch.peak_bytes, layer.peak_bytes);
  EXPECT_LT(patch.arena_bytes, layer.arena_bytes);
  EXPECT_GT(patch.macs, layer.macs);
  EXPECT_GT(patch.mac_overhead_pct, 0.0);
  EXPECT_EQ(layer.macs, total_macs(g));
  EXPECT_NEAR(patch.mac_overhead_pct,
              100.0 * static_cast<double>(plan.stage_macs_patch - plan.stage_macs_layerwise) /
                  static_cast<double>(layer.macs),
              1e-9);
  EXPECT_LE(layer.peak_bytes, layer.arena_bytes);  // a plan cannot beat the live sum
}

TEST(PatchPlan, RefusesStagesItCannotTile) {
  const Graph g = mobilenet(0.35, 48);
  const auto message = [&](int32_t split, int32_t grid) -> std::string {
    try {
      plan_stage(g, split, grid);
    } catch (const ModelError& e) {
      return e.what();
    }
    return "";
  };
  // The whole network: global pooling / fully connected inside the stage.
  const std::string all = message(static_cast<int32_t>(g.ops.size()) - 1, 2);
  EXPECT_NE(all.find("cannot tile layer"), std::string::npos) << all;
  EXPECT_NE(message(0, 2).find("split point 0"), std::string::npos);
  EXPECT_NE(message(3, 1000).find("larger than the stage output map"), std::string::npos);
}

// MCUNetV2 (Lin et al., NeurIPS 2021), Table 1 / Figure 1: MobileNetV2 1.0 at 224x224,
// int8, 4x4 patches over the first 5 blocks (stem + the first four inverted residual
// blocks, ops 0..12, stage output 28x28x32): peak SRAM 1372 kB -> 172 kB (input image
// not counted, in-place depthwise and residual adds as TinyEngine does them), whole-
// network MACs +10 %. docs/patch-based.md puts our figures beside the paper's.
TEST(PatchPlan, ReproducesMcuNetV2Table1) {
  const Graph g = mobilenet(1.0, 224);
  EstimateOptions paper;
  paper.depthwise_in_place = true;
  paper.residual_in_place = true;
  const ScheduleEstimate layer = estimate_schedule(g, std::nullopt, paper);
  const StagePlan plan = plan_stage(g, 13, 4, paper);
  ASSERT_EQ(g.tensor(plan.output_tensor).shape, (std::vector<int32_t>{1, 28, 28, 32}));
  const ScheduleEstimate patch = estimate_schedule(g, plan, paper);

  const double paper_layer_kb = 1372.0, paper_patch_kb = 172.0;  // kB = 1024 bytes here
  EXPECT_NEAR(static_cast<double>(layer.peak_bytes_no_input) / 1024.0, paper_layer_kb,
              paper_layer_kb * 0.03);
  EXPECT_NEAR(static_cast<double>(patch.peak_bytes_no_input) / 1024.0, paper_patch_kb,
              paper_patch_kb * 0.03);
  EXPECT_NEAR(static_cast<double>(layer.macs) / 1e6, 300.0, 300.0 * 0.03);  // 300 M MACs
  EXPECT_NEAR(patch.mac_overhead_pct, 10.0, 3.0);
  // The stage itself costs more than the network-wide figure suggests.
  const double stage_overhead =
      100.0 * static_cast<double>(plan.stage_macs_patch - plan.stage_macs_layerwise) /
      static_cast<double>(plan.stage_macs_layerwise);
  EXPECT_GT(stage_overhead, patch.mac_overhead_pct);
  RecordProperty("layer_peak_no_input", std::to_string(layer.peak_bytes_no_input));
  RecordProperty("patch_peak_no_input", std::to_string(patch.peak_bytes_no_input));
  RecordProperty("stage_overhead_pct", std::to_string(stage_overhead));
}

TEST(PatchPlan, SearchRecommendsAScheduleThatFitsA256KiBBoard) {
  // MobileNetV2 0.35 at 160x160 does not fit a 256 KiB board layer-wise (the issue's
  // 144x144 no longer misses this budget since the expand convs run in place).
  const Graph g = mobilenet(0.35, 160);
  const int64_t budget = 256 * 1024 - 8 * 1024 - 4096;  // stm32f412: SRAM - stack - runtime
  const ScheduleSearch s = search_schedules(g, budget, 20.0);
  EXPECT_FALSE(s.layerwise.fits);
  ASSERT_TRUE(s.recommended.patch) << s.reason;
  EXPECT_TRUE(s.recommended.fits) << s.reason;
  EXPECT_LE(s.recommended.estimate.mac_overhead_pct, 20.0);
  for (const auto& o : s.options) {  // nothing within budget uses less memory
    if (o.estimate.mac_overhead_pct <= 20.0) {
      EXPECT_GE(o.estimate.arena_bytes, s.recommended.estimate.arena_bytes);
    }
  }
}

namespace {

// MobileNetV2 0.35 at 48x48 with a squeeze-excite block after every depthwise conv: op 1
// is the first depthwise conv, ops 2-4 its SE's MEAN and 1x1 convs, op 5 the broadcast MUL.
Graph se_mobilenet() {
  return import_tflite(generate_model({"mobilenetv2", 0.35, 48, 1, 10, true, false}));
}

}  // namespace

TEST(PatchPlan, SqueezeExciteBlocksChainStages) {
  const Graph g = se_mobilenet();
  ASSERT_EQ(g.ops[2].type, OpType::kMean);
  ASSERT_EQ(g.ops[5].type, OpType::kMul);
  // One stage cannot run through the MEAN...
  try {
    plan_stage(g, 6, 2);
    ADD_FAILURE() << "a stage through the SE's MEAN was planned";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot tile layer 2 (MEAN"), std::string::npos)
        << e.what();
  }
  // ...two can: the first ends at the SE's input map, the second starts at the MUL, which
  // reads that map (whole) and the SE's 1x1xC scale (whole) per patch.
  const std::vector<StagePlan> stages = plan_stages(g, {{0, 2, 2}, {5, 9, 4}});
  ASSERT_EQ(stages.size(), 2u);
  EXPECT_EQ(stages[1].first, 5);
  EXPECT_EQ(stages[1].output_tensor, g.ops[8].outputs[0]);
  const ScheduleEstimate layer = estimate_schedule(g, std::vector<StagePlan>{});
  const ScheduleEstimate chain = estimate_schedule(g, stages);
  EXPECT_LT(chain.arena_bytes, layer.arena_bytes);
  EXPECT_EQ(chain.stage_arena_bytes.size(), 2u);
  EXPECT_GT(chain.macs, layer.macs);
  EXPECT_EQ(chain.macs, layer.macs + stages[0].stage_macs_patch - stages[0].stage_macs_layerwise +
                            stages[1].stage_macs_patch - stages[1].stage_macs_layerwise);
  // A stage must start after the previous one ends and read no earlier intermediates.
  EXPECT_THROW(plan_stages(g, {{0, 2, 2}, {1, 9, 4}}), ModelError);
  EXPECT_THROW(plan_stage(g, 1, 9, 2, {}), ModelError);  // op 1 feeds the MEAN too
  // The search chains stages across the SE and recommends the least memory.
  const ScheduleSearch s = search_schedules(g, 1, 20.0);
  size_t chained = 0;
  for (const auto& o : s.options) {
    ASSERT_FALSE(o.stages.empty());
    EXPECT_EQ(o.stages.back().split, o.split);
    EXPECT_EQ(o.stages.back().grid, o.grid);
    if (o.stages.size() > 1) ++chained;
    if (o.estimate.mac_overhead_pct <= 20.0) {
      EXPECT_GE(o.estimate.arena_bytes, s.recommended.estimate.arena_bytes);
    }
  }
  EXPECT_GT(chained, 10u);
  EXPECT_GE(s.recommended.stages.size(), 2u) << schedule_string(s.recommended.stages);
  EXPECT_LT(s.recommended.estimate.arena_bytes, layer.arena_bytes);
}

TEST(PatchPlan, ScheduleStrings) {
  EXPECT_EQ(schedule_string({{0, 12, 4}}), "patch:4x4@12");
  EXPECT_EQ(schedule_string({{0, 2, 6}, {5, 9, 8}}), "patch:6x6@2+8x8@5-9");
  EXPECT_EQ(schedule_string({{3, 9, 2}}), "patch:2x2@3-9");
  for (const char* text : {"patch:4x4@12", "patch:6x6@2+8x8@5-9", "patch:2x2@3-9",
                           "patch:2x2@2+3x3@5-9+2x2@12-14", "patch:2x2@2+2x2@2-9"}) {
    const auto parsed = parse_schedule_string(text);
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(schedule_string(*parsed), text);
  }
  EXPECT_EQ(parse_schedule_string("patch:6x6@2+8x8@5-9"),
            (std::vector<StageSpec>{{0, 2, 6}, {5, 9, 8}}));
  for (const char* bad :
       {"patch:4x4@5+4x4@3-9", "patch:4x4@2+4x4@9", "patch:3x4@2", "patch:4x4@0", "patch:0x0@2",
        "patch:4x4@5-5", "patch:4x4@6-5", "patch:4x4@2+", "patch:4x4@2-", "patch:x4@2",
        "patch:4x4@2 ", "patch:4x4@9999999999", "patch:4x4", "patch4x4@2", "patch:", "layer",
        "patch:4x4@2++4x4@5-9", "patch:-4x-4@2", "patch:4x4@+2"})
    EXPECT_FALSE(parse_schedule_string(bad)) << bad;
}
