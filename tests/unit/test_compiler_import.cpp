// The .tflite importer on the real shared models (op mix, shapes, MACs as published in
// ../shared/models/README.md), PAD fusion, and refusal of unsupported operators.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "mcuprof/compiler/analysis.hpp"
#include "mcuprof/compiler/generator.hpp"
#include "mcuprof/compiler/importer.hpp"
#include "paths.hpp"

using namespace mcuprof;
using namespace mcuprof::compiler;

namespace {

struct Published {
  const char* file;
  double mmacs;     // README "MACs" column, in millions, rounded to 2 decimals
  double kweights;  // README "weights+bias" column, in thousands, rounded to 1 decimal
  std::map<std::string, int> ops;  // README "ops" column (with PAD kept separate)
  std::vector<int32_t> input_shape;
  DType input_dtype;
  std::vector<int32_t> output_shape;
};

const std::vector<Published>& published() {
  static const std::vector<Published> p = {
      {"vww_96_int8.tflite",
       7.49,
       210.9,
       {{"CONV_2D", 14},
        {"DEPTHWISE_CONV_2D", 13},
        {"AVERAGE_POOL_2D", 1},
        {"RESHAPE", 1},
        {"FULLY_CONNECTED", 1},
        {"SOFTMAX", 1}},
       {1, 96, 96, 3},
       DType::kInt8,
       {1, 2}},
      {"pretrainedResnet_quant.tflite",
       12.50,
       77.7,
       {{"CONV_2D", 9},
        {"ADD", 3},
        {"AVERAGE_POOL_2D", 1},
        {"RESHAPE", 1},
        {"FULLY_CONNECTED", 1},
        {"SOFTMAX", 1}},
       {1, 32, 32, 3},
       DType::kInt8,
       {1, 10}},
      {"kws_ref_model.tflite",
       2.66,
       22.6,
       {{"CONV_2D", 5},
        {"DEPTHWISE_CONV_2D", 4},
        {"AVERAGE_POOL_2D", 1},
        {"RESHAPE", 1},
        {"FULLY_CONNECTED", 1},
        {"SOFTMAX", 1}},
       {1, 49, 10, 1},
       DType::kInt8,
       {1, 12}},
      {"ad01_int8.tflite",
       0.26,
       265.9,
       {{"FULLY_CONNECTED", 10}},
       {1, 640},
       DType::kInt8,
       {1, 640}},
      {"mcunet-vww1.tflite",
       11.58,
       426.6,
       {{"CONV_2D", 30},
        {"DEPTHWISE_CONV_2D", 15},
        {"ADD", 8},
        {"PAD", 4},
        {"MEAN", 2},
        {"QUANTIZE", 1},
        {"DEQUANTIZE", 1},
        {"TRANSPOSE", 1},
        {"FULLY_CONNECTED", 1}},
       {1, 80, 80, 3},
       DType::kFloat32,
       {1, 2}},
  };
  return p;
}

std::filesystem::path model_path(const char* file) {
  return test::shared_models_dir() / file;
}

}  // namespace

class SharedModel : public ::testing::TestWithParam<Published> {};

TEST_P(SharedModel, ImportsWithPublishedOpsShapesAndMacs) {
  const auto& m = GetParam();
  const auto path = model_path(m.file);
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared model missing: " << path;
  const Graph g = import_tflite_file(path, {.fuse_pad = false});
  std::map<std::string, int> ops;
  for (const auto& op : g.ops) ++ops[std::string(to_string(op.type))];
  EXPECT_EQ(ops, m.ops);
  ASSERT_EQ(g.inputs.size(), 1u);
  ASSERT_EQ(g.outputs.size(), 1u);
  EXPECT_EQ(g.tensor(g.inputs[0]).shape, m.input_shape);
  EXPECT_EQ(g.tensor(g.inputs[0]).dtype, m.input_dtype);
  EXPECT_EQ(g.tensor(g.outputs[0]).shape, m.output_shape);
  EXPECT_NEAR(static_cast<double>(total_macs(g)) / 1e6, m.mmacs, 0.005 + 1e-9) << m.file;
  int64_t weights = 0;  // weights + bias of conv, depthwise and FC layers
  for (const auto& op : g.ops)
    if (op.type == OpType::kConv2D || op.type == OpType::kDepthwiseConv2D ||
        op.type == OpType::kFullyConnected)
      for (std::size_t k = 1; k < op.inputs.size(); ++k)
        if (op.inputs[k] >= 0) weights += g.tensor(op.inputs[k]).elements();
  EXPECT_NEAR(static_cast<double>(weights) / 1e3, m.kweights, 0.05 + 1e-9) << m.file;
}

INSTANTIATE_TEST_SUITE_P(Models, SharedModel, ::testing::ValuesIn(published()),
                         [](const ::testing::TestParamInfo<Published>& param_info) {
                           std::string n = param_info.param.file;
                           n = n.substr(0, n.find('.'));
                           for (auto& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

TEST(CompilerImport, FusesEveryPadOfMcunetIntoTheFollowingDepthwiseConv) {
  const auto path = model_path("mcunet-vww1.tflite");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared model missing: " << path;
  const Graph plain = import_tflite_file(path, {.fuse_pad = false});
  const Graph fused = import_tflite_file(path);
  EXPECT_EQ(fused.ops.size() + 4, plain.ops.size());
  int fused_convs = 0, removed = 0;
  for (const auto& op : fused.ops) {
    EXPECT_NE(op.type, OpType::kPad);
    if (!op.fused_pad_node) continue;
    ++fused_convs;
    EXPECT_TRUE(op.type == OpType::kConv2D || op.type == OpType::kDepthwiseConv2D);
    // The PAD it swallowed was a real PAD node, and the conv now reads the PAD's input.
    const auto& pad = *std::find_if(plain.ops.begin(), plain.ops.end(), [&](const Operator& o) {
      return o.source_index == *op.fused_pad_node;
    });
    EXPECT_EQ(pad.type, OpType::kPad);
    EXPECT_EQ(op.inputs[0], pad.inputs[0]);
    EXPECT_GT(op.pads.top + op.pads.bottom + op.pads.left + op.pads.right, 0);
    // Same output size computed from the unpadded input plus the explicit padding.
    const auto& in = fused.in(op).shape;
    const auto& w = fused.in(op, 1).shape;
    EXPECT_EQ((in[1] + op.pads.top + op.pads.bottom - w[1]) / op.options.stride_h + 1,
              fused.out(op).shape[1]);
  }
  for (const auto& t : fused.tensors) removed += t.removed;
  EXPECT_EQ(fused_convs, 4);
  EXPECT_EQ(removed, 4);
  EXPECT_EQ(total_macs(fused), total_macs(plain));
}

TEST(CompilerImport, RefusesUnsupportedOpNamingOpNodeAndTensors) {
  const auto bytes = generate_single_op_model(14);  // LOGISTIC
  try {
    import_tflite(bytes);
    FAIL() << "LOGISTIC was accepted";
  } catch (const ModelError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("LOGISTIC"), std::string::npos) << msg;
    EXPECT_NE(msg.find("node 0"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'input_0'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'y_1'"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line";
  }
}

TEST(CompilerImport, RefusesCustomOpsAndUnsupportedActivations) {
  try {
    import_tflite(generate_defective_model(ModelDefect::kCustomOp));
    FAIL() << "custom op accepted";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("CUSTOM 'MyOp'"), std::string::npos) << e.what();
  }
  // RELU as a standalone op is outside the set too (only fused ReLU/ReLU6 are).
  EXPECT_THROW(import_tflite(generate_single_op_model(19)), ModelError);
}

TEST(CompilerImport, AcceptsTheDefectFreeTestModel) {
  const Graph g = import_tflite(generate_defective_model(ModelDefect::kNone));
  ASSERT_EQ(g.ops.size(), 1u);
  EXPECT_EQ(g.ops[0].type, OpType::kFullyConnected);
  EXPECT_EQ(total_macs(g), 32);
}
