// The arena planner: published lower-bound / TFLite Micro greedy figures for the shared
// models, our plan never above the greedy one, and every plan checked independently
// for overlapping live tensors.
#include <gtest/gtest.h>

#include <numeric>

#include "mcuprof/compiler/generator.hpp"
#include "mcuprof/compiler/importer.hpp"
#include "mcuprof/compiler/planner.hpp"
#include "paths.hpp"

using namespace mcuprof;
using namespace mcuprof::compiler;

namespace {

std::optional<Graph> load(const char* file, bool fuse = true) {
  const auto path = test::shared_models_dir() / file;
  if (!std::filesystem::exists(path)) return std::nullopt;
  return import_tflite_file(path, {.fuse_pad = fuse});
}

// Independent check: tensors alive during the same op must not share bytes, except an
// in-place op's input and output (and chains of those).
void expect_valid(const Graph& g, const ArenaPlan& plan) {
  const auto n = g.tensors.size();
  std::vector<int> first(n, INT32_MAX), last(n, -1);
  const int n_ops = static_cast<int>(g.ops.size());
  for (const auto t : g.inputs) first[static_cast<std::size_t>(t)] = 0;
  for (int i = 0; i < n_ops; ++i) {
    for (const auto t : g.ops[static_cast<std::size_t>(i)].inputs)
      if (t >= 0)
        last[static_cast<std::size_t>(t)] = std::max(last[static_cast<std::size_t>(t)], i);
    for (const auto t : g.ops[static_cast<std::size_t>(i)].outputs)
      first[static_cast<std::size_t>(t)] = std::min(first[static_cast<std::size_t>(t)], i),
      last[static_cast<std::size_t>(t)] = std::max(last[static_cast<std::size_t>(t)], i);
  }
  for (const auto t : g.outputs) last[static_cast<std::size_t>(t)] = n_ops - 1;
  std::vector<std::size_t> root(n);
  std::iota(root.begin(), root.end(), 0);
  const auto find = [&](std::size_t x) {
    while (root[x] != x) x = root[x];
    return x;
  };
  ASSERT_EQ(plan.in_place_ops.size(), plan.in_place_inputs.size());
  for (std::size_t k = 0; k < plan.in_place_ops.size(); ++k) {
    const auto& op = g.ops[static_cast<std::size_t>(plan.in_place_ops[k])];
    const auto src = plan.in_place_inputs[k];
    EXPECT_NE(std::find(op.inputs.begin(), op.inputs.end(), src), op.inputs.end());
    root[find(static_cast<std::size_t>(op.outputs[0]))] = find(static_cast<std::size_t>(src));
  }
  int64_t checked = 0;
  for (std::size_t a = 0; a < n; ++a) {
    const auto& ta = g.tensors[a];
    if (ta.constant || ta.removed || last[a] < 0) continue;
    ASSERT_GE(plan.offsets[a], 0) << ta.name << " has no arena place";
    ASSERT_LE(plan.offsets[a] + ta.bytes(), plan.arena_bytes) << ta.name;
    EXPECT_EQ(plan.offsets[a] % kArenaAlignment, 0);
    for (std::size_t b = a + 1; b < n; ++b) {
      const auto& tb = g.tensors[b];
      if (tb.constant || tb.removed || last[b] < 0) continue;
      const bool live_together = !(first[a] > last[b] || first[b] > last[a]);
      const bool share = plan.offsets[a] < plan.offsets[b] + tb.bytes() &&
                         plan.offsets[b] < plan.offsets[a] + ta.bytes();
      if (live_together && share) {
        EXPECT_EQ(find(a), find(b)) << ta.name << " and " << tb.name << " overlap";
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

struct Figures {
  const char* file;
  int64_t lower_bound, tflm_greedy;  // ../shared/models/README.md
};

}  // namespace

class PlannerFigures : public ::testing::TestWithParam<Figures> {};

TEST_P(PlannerFigures, MatchThePublishedFiguresAndNeverExceedGreedy) {
  const auto& f = GetParam();
  const auto g = load(f.file);
  if (!g) GTEST_SKIP() << "shared model missing: " << f.file;
  const auto plain = plan_memory(*g, {.allow_in_place = false});
  EXPECT_EQ(plain.lower_bound, f.lower_bound);
  EXPECT_EQ(plain.tflm_greedy, f.tflm_greedy);
  EXPECT_LE(plain.plan.arena_bytes, plain.tflm_greedy);
  EXPECT_GE(plain.plan.arena_bytes, plain.lower_bound);
  EXPECT_TRUE(plain.plan.in_place_ops.empty());
  expect_valid(*g, plain.plan);
  const auto best = plan_memory(*g);
  EXPECT_LE(best.plan.arena_bytes, plain.plan.arena_bytes);
  expect_valid(*g, best.plan);
}

INSTANTIATE_TEST_SUITE_P(Models, PlannerFigures,
                         ::testing::Values(Figures{"vww_96_int8.tflite", 55296, 64512},
                                           Figures{"pretrainedResnet_quant.tflite", 49152, 49152},
                                           Figures{"kws_ref_model.tflite", 16000, 16000},
                                           Figures{"ad01_int8.tflite", 768, 768}),
                         [](const ::testing::TestParamInfo<Figures>& param_info) {
                           std::string n = param_info.param.file;
                           n = n.substr(0, n.find('.'));
                           for (auto& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

TEST(Planner, McunetLowerBoundWithPadAsSeparateOp) {
  const auto g = load("mcunet-vww1.tflite", false);
  if (!g) GTEST_SKIP() << "shared model missing: mcunet-vww1.tflite";
  const auto r = plan_memory(*g, {.allow_in_place = false});
  EXPECT_EQ(r.lower_bound, 161472);
  EXPECT_LE(r.plan.arena_bytes, r.tflm_greedy);
  expect_valid(*g, r.plan);
  // Fusing the PADs removes their outputs from the arena: never worse.
  const auto fused = load("mcunet-vww1.tflite", true);
  const auto rf = plan_memory(*fused);
  EXPECT_LE(rf.lower_bound, r.lower_bound);
  EXPECT_LE(rf.plan.arena_bytes, r.plan.arena_bytes);
  expect_valid(*fused, rf.plan);
}

TEST(Planner, GreedyOnAHandMadeExample) {
  // t0: 100 B at ops 0-1, t1: 60 B at 1-2, t2: 60 B at 2-3, t3: 40 B at 3-3 (sizes align to 16).
  const std::vector<Lifetime> bufs = {{0, 100, 0, 1}, {1, 60, 1, 2}, {2, 60, 2, 3}, {3, 40, 3, 3}};
  std::vector<int64_t> offs;
  // Size order: t0 (112) at 0; t1 (64) overlaps t0 → 112; t2 (64) overlaps t1 only → 0;
  // t3 (48) overlaps t2 (0..64) → 64.
  EXPECT_EQ(tflm_greedy_size(bufs, &offs), 176);
  EXPECT_EQ(offs, (std::vector<int64_t>{0, 112, 0, 64}));
}

TEST(Planner, InPlaceBeatsTheLowerBoundWhereItIsSafe) {
  // in(16 B) →PAD→ a, in →PAD→ c, a →QUANTIZE→ b, ADD(b, c) → d, d →QUANTIZE→ out, all
  // 1024 B but the input. Without in-place three 1 KiB tensors are live at ops 2 and 3;
  // with it, b takes a's bytes and d takes b's, so two suffice.
  Graph g;
  const auto t = [](int32_t n) {
    Tensor x;
    x.shape = {1, n};
    x.quant.scale = {0.1f};
    x.quant.zero_point = {0};
    return x;
  };
  g.tensors = {t(16), t(1024), t(1024), t(1024), t(1024), t(1024)};
  const auto op = [](OpType type, std::vector<int32_t> in, int32_t out) {
    Operator o;
    o.type = type;
    o.inputs = std::move(in);
    o.outputs = {out};
    return o;
  };
  g.ops = {op(OpType::kPad, {0}, 1), op(OpType::kPad, {0}, 2), op(OpType::kQuantize, {1}, 3),
           op(OpType::kAdd, {3, 2}, 4), op(OpType::kQuantize, {4}, 5)};
  g.inputs = {0};
  g.outputs = {5};
  const auto plain = plan_memory(g, {.allow_in_place = false});
  EXPECT_EQ(plain.lower_bound, 3 * 1024);
  EXPECT_EQ(plain.plan.arena_bytes, 3 * 1024);
  expect_valid(g, plain.plan);
  const auto r = plan_memory(g);
  EXPECT_EQ(r.plan.in_place_ops, (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(r.plan.arena_bytes, 2 * 1024 + 16);
  EXPECT_EQ(r.without_in_place, 3 * 1024);
  EXPECT_EQ(r.plan.offsets[1], r.plan.offsets[3]);
  EXPECT_EQ(r.plan.offsets[3], r.plan.offsets[4]);
  expect_valid(g, r.plan);
  // The last QUANTIZE writes the model output: never in place.
  EXPECT_NE(r.plan.offsets[5], r.plan.offsets[4]);
}

// In-place depthwise (stride 2: the output takes the first quarter of its input's bytes,
// the rest is free after the op), broadcast MUL over the input that dies, ADD over its
// second input when the first lives on. Sizes: t0 16 B, t1 1 KiB, t2..t7 256 B, t4 16 B.
TEST(Planner, InPlaceDepthwiseAndResidualsFreeTheInputsBytes) {
  Graph g;
  const auto t = [](std::vector<int32_t> shape) {
    Tensor x;
    x.shape = std::move(shape);
    x.quant.scale = {0.1f};
    x.quant.zero_point = {0};
    return x;
  };
  g.tensors = {t({1, 1, 1, 16}), t({1, 8, 8, 16}), t({1, 4, 4, 16}), t({1, 4, 4, 16}),
               t({1, 1, 1, 16}), t({1, 4, 4, 16}), t({1, 4, 4, 16}), t({1, 4, 4, 16})};
  const auto op = [](OpType type, std::vector<int32_t> in, int32_t out) {
    Operator o;
    o.type = type;
    o.inputs = std::move(in);
    o.outputs = {out};
    return o;
  };
  auto dw = op(OpType::kDepthwiseConv2D, {1}, 2);
  dw.options.stride_h = dw.options.stride_w = 2;
  g.ops = {op(OpType::kConv2D, {0}, 1), dw,
           op(OpType::kConv2D, {2}, 3), op(OpType::kMean, {3}, 4),
           op(OpType::kMul, {3, 4}, 5), op(OpType::kAdd, {2, 5}, 6),
           op(OpType::kAdd, {6, 2}, 7)};
  g.inputs = {0};
  g.outputs = {7};
  const auto plain = plan_memory(g, {.allow_in_place = false});
  EXPECT_EQ(plain.lower_bound, 1024 + 256);  // the depthwise conv's input and output
  expect_valid(g, plain.plan);
  const auto r = plan_memory(g);
  EXPECT_EQ(r.plan.in_place_ops, (std::vector<int32_t>{1, 4, 5}));
  EXPECT_EQ(r.plan.in_place_inputs, (std::vector<int32_t>{1, 3, 5}));  // ADD: its input 1
  EXPECT_EQ(r.plan.offsets[1], r.plan.offsets[2]);
  EXPECT_EQ(r.plan.offsets[3], r.plan.offsets[5]);
  EXPECT_EQ(r.plan.offsets[5], r.plan.offsets[6]);
  // The peak is now the first conv (16 + 1024 B): t3 lives in the depthwise input's tail.
  EXPECT_EQ(r.plan.arena_bytes, 1024 + 16);
  EXPECT_LT(r.plan.arena_bytes, r.without_in_place);
  expect_valid(g, r.plan);
  // Depth multiplier 2 cannot run in place (output channel c is not input channel c).
  g.ops[1].options.depth_multiplier = 2;
  g.tensors[2].shape = g.tensors[3].shape = {1, 4, 4, 32};
  const auto m2 = plan_memory(g);
  EXPECT_EQ(std::find(m2.plan.in_place_ops.begin(), m2.plan.in_place_ops.end(), 1),
            m2.plan.in_place_ops.end());
  expect_valid(g, m2.plan);
}

// A pointwise expand conv writes its output from D = OC + (P-1)(OC-IC) bytes (rounded up
// to 16) before its dying input, so the two share all but the input's last pixel; a
// projection conv OC bytes (16 aligned) before it. in 4x4x8 -> depthwise -> t1 (128 B)
// -> conv 1x1 -> t2 4x4x48 (768 B) -> conv 1x1 -> t3 (128 B) -> QUANTIZE -> out. Not so
// with a 3x3 filter, or more than 128 output channels (the kernel's one pass).
TEST(Planner, PointwiseConvsWriteJustBeforeTheirInput) {
  Graph g;
  const auto t = [](std::vector<int32_t> shape, bool constant = false) {
    Tensor x;
    x.shape = std::move(shape);
    x.quant.scale = {0.1f};
    x.quant.zero_point = {0};
    x.constant = constant;
    return x;
  };
  g.tensors = {t({1, 4, 4, 8}),        t({1, 4, 4, 8}),       t({1, 4, 4, 48}),
               t({1, 4, 4, 8}),        t({1, 1, 1, 8}, true), t({48, 1, 1, 8}, true),
               t({8, 1, 1, 48}, true), t({1, 4, 4, 8})};
  const auto op = [](OpType type, std::vector<int32_t> in, int32_t out) {
    Operator o;
    o.type = type;
    o.inputs = std::move(in);
    o.outputs = {out};
    o.options.stride_h = o.options.stride_w = 1;
    return o;
  };
  g.ops = {op(OpType::kDepthwiseConv2D, {0, 4}, 1), op(OpType::kConv2D, {1, 5}, 2),
           op(OpType::kConv2D, {2, 6}, 3), op(OpType::kQuantize, {3}, 7)};
  g.inputs = {0};
  g.outputs = {7};
  const auto r = plan_memory(g);
  EXPECT_EQ(r.without_in_place, 128 + 768);
  EXPECT_EQ(r.plan.in_place_ops, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(r.plan.offsets[1] - r.plan.offsets[2], (48 + 15 * 40 + 15) / 16 * 16);
  EXPECT_EQ(r.plan.offsets[2] - r.plan.offsets[3], 16);
  // t3 then t2 from 16 B on, and t1's last pixel (8 B, aligned to 16) past t2's end.
  EXPECT_EQ(r.plan.arena_bytes, 16 + 768 + 16);
  ASSERT_EQ(r.plan.in_place_ops.size(), 2u);
  EXPECT_EQ(in_place_overlap(g, r.plan, 0), 128 - 16);
  EXPECT_EQ(in_place_overlap(g, r.plan, 1), 128 - 16);
  expect_valid(g, r.plan);

  g.tensors[5].shape = {48, 3, 3, 8};
  g.ops[1].pads = {1, 1, 1, 1};
  const auto k3 = plan_memory(g);
  EXPECT_EQ(std::find(k3.plan.in_place_ops.begin(), k3.plan.in_place_ops.end(), 1),
            k3.plan.in_place_ops.end());
  expect_valid(g, k3.plan);

  g.tensors[5].shape = {130, 1, 1, 8};
  g.tensors[2].shape = {1, 4, 4, 130};
  g.tensors[6].shape = {8, 1, 1, 130};
  g.ops[1].pads = {};
  const auto wide = plan_memory(g);
  EXPECT_EQ(std::find(wide.plan.in_place_ops.begin(), wide.plan.in_place_ops.end(), 1),
            wide.plan.in_place_ops.end());
  expect_valid(g, wide.plan);
}

TEST(Planner, PlansOfGeneratedModelsAreValid) {
  for (const char* family : {"mobilenetv2", "mcunet", "resnet"}) {
    SCOPED_TRACE(family);
    GeneratorOptions o;
    o.family = family;
    o.width = 0.35;
    o.resolution = 96;
    const Graph g = import_tflite(generate_model(o));
    const auto r = plan_memory(g);
    EXPECT_LE(r.plan.arena_bytes, r.tflm_greedy);
    EXPECT_LE(r.plan.arena_bytes, r.without_in_place);
    EXPECT_GE(r.without_in_place, r.lower_bound);
    expect_valid(g, r.plan);
  }
}
