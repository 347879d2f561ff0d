// The synthetic model generator: every family writes a valid TFLite flatbuffer that our
// importer accepts, deterministic per seed, with the published size of MobileNetV2.
#include <gtest/gtest.h>

#include <map>

#include "mcuprof/compiler/analysis.hpp"
#include "mcuprof/compiler/generator.hpp"
#include "mcuprof/compiler/importer.hpp"

using namespace mcuprof::compiler;

namespace {

GeneratorOptions opts(const char* family, double width, int resolution, uint32_t seed = 1) {
  GeneratorOptions o;
  o.family = family;
  o.width = width;
  o.resolution = resolution;
  o.seed = seed;
  return o;
}

int64_t total_params(const Graph& g) {
  int64_t n = 0;
  for (const auto& op : g.ops) n += params(g, op);
  return n;
}

}  // namespace

TEST(Generator, MobileNetV2At224HasThePublishedSize) {
  const auto bytes = generate_model(opts("mobilenetv2", 1.0, 224));
  ASSERT_GE(bytes.size(), 8u);
  EXPECT_EQ(std::string(bytes.begin() + 4, bytes.begin() + 8), "TFL3");
  const Graph g = import_tflite(bytes);  // runs the flatbuffers verifier first
  // Sandler et al. 2018, Table 3: 300 M multiply-adds, 3.4 M parameters.
  EXPECT_NEAR(static_cast<double>(total_macs(g)) / 1e6, 300.0, 6.0);
  EXPECT_NEAR(static_cast<double>(total_params(g)) / 1e6, 3.47, 0.1);
  std::map<OpType, int> ops;
  for (const auto& op : g.ops) ++ops[op.type];
  EXPECT_EQ(ops[OpType::kDepthwiseConv2D], 17);
  EXPECT_EQ(ops[OpType::kAdd], 10);
  EXPECT_EQ(ops[OpType::kConv2D], 1 + 16 + 17 + 1);  // stem, 16 expansions, 17 projections, head
  EXPECT_EQ(g.out(g.ops.back()).shape, (std::vector<int32_t>{1, 1000}));
}

TEST(Generator, SmallMobileNetV2FromTheIssue) {
  const Graph g = import_tflite(generate_model(opts("mobilenetv2", 0.35, 144)));
  EXPECT_EQ(g.tensor(g.inputs[0]).shape, (std::vector<int32_t>{1, 144, 144, 3}));
  // Width 0.35 roughly divides the MACs by 0.35^2 (rounded channel counts, fixed head).
  EXPECT_GT(total_macs(g), 15'000'000);
  EXPECT_LT(total_macs(g), 40'000'000);
}

TEST(Generator, McunetHasFusablePadsAndResnetHasResiduals) {
  const Graph plain = import_tflite(generate_model(opts("mcunet", 1.0, 80)), {.fuse_pad = false});
  const Graph fused = import_tflite(generate_model(opts("mcunet", 1.0, 80)));
  int pads = 0, fused_pads = 0;
  for (const auto& op : plain.ops) pads += op.type == OpType::kPad;
  for (const auto& op : fused.ops) fused_pads += op.fused_pad_node.has_value();
  EXPECT_EQ(pads, 4);  // one per stride-2 stage
  EXPECT_EQ(fused_pads, pads);
  EXPECT_EQ(total_macs(plain), total_macs(fused));

  const Graph r = import_tflite(generate_model(opts("resnet", 1.0, 32)));
  int adds = 0, convs = 0;
  for (const auto& op : r.ops) adds += op.type == OpType::kAdd, convs += op.type == OpType::kConv2D;
  EXPECT_EQ(adds, 3);
  EXPECT_EQ(convs, 9);  // the ResNet-8 layout
  EXPECT_EQ(r.out(r.ops.back()).shape, (std::vector<int32_t>{1, 10}));
}

TEST(Generator, DeterministicPerSeed) {
  EXPECT_EQ(generate_model(opts("resnet", 0.5, 32, 7)), generate_model(opts("resnet", 0.5, 32, 7)));
  EXPECT_NE(generate_model(opts("resnet", 0.5, 32, 7)), generate_model(opts("resnet", 0.5, 32, 8)));
}

TEST(Generator, RefusesBadOptions) {
  EXPECT_THROW(generate_model(opts("vgg", 1.0, 224)), ModelError);
  EXPECT_THROW(generate_model(opts("mobilenetv2", 0.0, 224)), ModelError);
  EXPECT_THROW(generate_model(opts("mobilenetv2", 1.0, 8)), ModelError);
}

// --se: a squeeze-excite block per depthwise conv (MEAN keeping dims, a broadcast MUL by a
// 1x1xC gate); --float-io: a float32 input through QUANTIZE, a DEQUANTIZE to a float32
// output. Both for mobilenetv2 only.
TEST(Generator, SqueezeExciteAndFloatIo) {
  auto o = opts("mobilenetv2", 0.35, 64);
  const Graph plain = import_tflite(generate_model(o));
  o.se = o.float_io = true;
  const Graph g = import_tflite(generate_model(o));
  int depthwise = 0, se_mul = 0, keep_dims_mean = 0;
  for (const auto& op : g.ops) {
    depthwise += op.type == OpType::kDepthwiseConv2D ? 1 : 0;
    keep_dims_mean += op.type == OpType::kMean && op.options.keep_dims ? 1 : 0;
    if (op.type == OpType::kMul &&
        g.in(op, 1).shape == std::vector<int32_t>{1, 1, 1, g.out(op).shape[3]})
      ++se_mul;
  }
  EXPECT_GT(depthwise, 0);
  EXPECT_EQ(se_mul, depthwise);
  EXPECT_EQ(keep_dims_mean, depthwise);
  EXPECT_GT(g.ops.size(), plain.ops.size() + 4u * static_cast<size_t>(depthwise));
  ASSERT_EQ(g.inputs.size(), 1u);
  EXPECT_EQ(g.tensor(g.inputs[0]).dtype, DType::kFloat32);
  EXPECT_EQ(g.ops.front().type, OpType::kQuantize);
  EXPECT_EQ(g.tensor(g.outputs[0]).dtype, DType::kFloat32);
  EXPECT_EQ(g.ops.back().type, OpType::kDequantize);
  auto r = opts("resnet", 0.5, 32);
  r.se = true;
  EXPECT_THROW(generate_model(r), ModelError);
}
