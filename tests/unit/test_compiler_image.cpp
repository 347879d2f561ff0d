// Model image: write → read round trip for real and generated models (every op, tensor,
// parameter and weight byte comes back), checksum and bounds checks on damaged images.
#include <gtest/gtest.h>

#include <algorithm>

#include <cstring>
#include <string>

#include "mcuprof/compiler/generator.hpp"
#include "mcuprof/compiler/importer.hpp"
#include "mcuprof/compiler/model_image.hpp"
#include "mcuprof/compiler/quantization.hpp"
#include "paths.hpp"

using namespace mcuprof;
using namespace mcuprof::compiler;

namespace {

void expect_round_trip(const Graph& g) {
  const auto mem = plan_memory(g);
  const auto bytes = write_model_image(g, mem.plan);
  ASSERT_EQ(bytes.size() % MCUPROF_IMAGE_ALIGN, 0u);
  const ModelImage m = read_model_image(bytes);
  EXPECT_EQ(m.header.arena_size, mem.plan.arena_bytes);
  EXPECT_EQ(m.header.schedule_size, 0u);
  EXPECT_EQ(m.header.weights_offset % MCUPROF_IMAGE_ALIGN, 0u);
  ASSERT_EQ(m.tensors.size(), g.tensors.size());
  ASSERT_EQ(m.ops.size(), g.ops.size());
  ASSERT_EQ(m.inputs.size(), g.inputs.size());
  for (std::size_t i = 0; i < g.inputs.size(); ++i)
    EXPECT_EQ(m.inputs[i], static_cast<uint32_t>(g.inputs[i]));
  for (std::size_t i = 0; i < g.outputs.size(); ++i)
    EXPECT_EQ(m.outputs[i], static_cast<uint32_t>(g.outputs[i]));
  for (std::size_t i = 0; i < g.tensors.size(); ++i) {
    const auto& t = g.tensors[i];
    const auto& r = m.tensors[i];
    // Names travel for the model's inputs and outputs only (docs/runtime.md).
    const bool io =
        std::find(g.inputs.begin(), g.inputs.end(), static_cast<int32_t>(i)) != g.inputs.end() ||
        std::find(g.outputs.begin(), g.outputs.end(), static_cast<int32_t>(i)) != g.outputs.end();
    EXPECT_EQ(m.tensor_name(i), io ? t.name : std::string());
    EXPECT_EQ(r.dtype, static_cast<uint8_t>(t.dtype));
    ASSERT_EQ(r.rank, t.shape.size());
    EXPECT_EQ(m.tensor_shape(i), t.shape);
    EXPECT_EQ(r.size_bytes, static_cast<uint32_t>(t.bytes()));
    if (r.storage == MCUPROF_STORAGE_WEIGHTS) {
      EXPECT_EQ(r.offset % MCUPROF_IMAGE_ALIGN, 0u);
      const auto d = m.tensor_data(i);
      ASSERT_EQ(d.size(), t.data.size());
      EXPECT_EQ(0, std::memcmp(d.data(), t.data.data(), d.size())) << t.name;
    } else if (r.storage == MCUPROF_STORAGE_ARENA) {
      EXPECT_FALSE(t.constant);
      EXPECT_EQ(static_cast<int64_t>(r.offset), mem.plan.offsets[i]);
    } else {
      EXPECT_TRUE(t.removed || t.constant || mem.plan.offsets[i] < 0) << t.name;
    }
  }
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    const auto& op = g.ops[i];
    const auto& r = m.ops[i];
    EXPECT_EQ(r.type, static_cast<uint8_t>(op.type));
    EXPECT_EQ(m.op_inputs(i), op.inputs);
    EXPECT_EQ(m.op_outputs(i), op.outputs);
    EXPECT_EQ((r.flags & MCUPROF_OP_FLAG_FUSED_PAD) != 0, op.fused_pad_node.has_value());
    // The options of the op's kind, and its list (version 4: nothing a kind does not use).
    EXPECT_EQ(m.op_option_words(i).size(), image_options_words(r.type));
    const bool listed =
        op.type == OpType::kMean || op.type == OpType::kPad || op.type == OpType::kTranspose;
    EXPECT_EQ(m.op_list(i), listed ? op.aux : std::vector<int32_t>{});
    const auto q = compute_quant_params(g, op);
    switch (op.type) {
      case OpType::kConv2D:
      case OpType::kDepthwiseConv2D:
      case OpType::kAveragePool2D:
      case OpType::kMaxPool2D: {
        const auto o = m.op_options<mcuprof_window_options>(i);
        EXPECT_EQ(o.stride_h, op.options.stride_h);
        EXPECT_EQ(o.stride_w, op.options.stride_w);
        EXPECT_EQ(o.pad_top, op.pads.top);
        EXPECT_EQ(o.pad_left, op.pads.left);
        EXPECT_EQ(o.depth_multiplier, op.options.depth_multiplier);
        EXPECT_EQ(o.input_offset, q.input_offset);
        EXPECT_EQ(o.output_offset, q.output_offset);
        EXPECT_EQ(o.act_min, q.act_min);
        EXPECT_EQ(o.act_max, q.act_max);
        break;
      }
      case OpType::kFullyConnected: {
        const auto o = m.op_options<mcuprof_fc_options>(i);
        EXPECT_EQ(o.input_offset, q.input_offset);
        EXPECT_EQ(o.act_max, q.act_max);
        break;
      }
      case OpType::kAdd:
      case OpType::kMul: {
        const auto o = m.op_options<mcuprof_arith_options>(i);
        EXPECT_EQ(o.input2_offset, q.input2_offset);
        EXPECT_EQ(o.output_multiplier, q.output.multiplier);
        EXPECT_EQ(o.output_shift, q.output.shift);
        EXPECT_EQ(o.input1_multiplier, q.input1.multiplier);
        EXPECT_EQ(o.left_shift, q.left_shift);
        break;
      }
      case OpType::kMean:
      case OpType::kQuantize:
      case OpType::kDequantize: {
        const auto o = m.op_options<mcuprof_other_options>(i);
        EXPECT_EQ(o.input_offset, q.input_offset);
        EXPECT_EQ(o.output_offset, q.output_offset);
        EXPECT_EQ(o.multiplier, q.output.multiplier);
        EXPECT_EQ(o.shift, q.output.shift);
        EXPECT_EQ(o.scale, q.scale);
        break;
      }
      case OpType::kSoftmax: {
        const auto o = m.op_options<mcuprof_other_options>(i);
        EXPECT_EQ(o.multiplier, q.input1.multiplier);
        EXPECT_EQ(o.value, q.left_shift);
        break;
      }
      default:
        break;
    }
    const auto mult = m.op_multipliers(i);
    const auto shift = m.op_shifts(i);
    ASSERT_EQ(mult.size(), q.per_channel.size());
    ASSERT_EQ(shift.size(), q.per_channel.size());
    for (std::size_t c = 0; c < q.per_channel.size(); ++c) {
      EXPECT_EQ(mult[c], q.per_channel[c].multiplier);
      EXPECT_EQ(shift[c], q.per_channel[c].shift);
    }
  }
}

}  // namespace

TEST(ModelImage, RoundTripsEverySharedModel) {
  int found = 0;
  for (const char* file : {"vww_96_int8.tflite", "pretrainedResnet_quant.tflite",
                           "kws_ref_model.tflite", "ad01_int8.tflite", "mcunet-vww1.tflite"}) {
    const auto path = test::shared_models_dir() / file;
    if (!std::filesystem::exists(path)) continue;
    ++found;
    SCOPED_TRACE(file);
    expect_round_trip(import_tflite_file(path));
  }
  if (found == 0) GTEST_SKIP() << "no shared model found in " << test::shared_models_dir();
}

TEST(ModelImage, RoundTripsGeneratedModels) {
  for (const char* family : {"mobilenetv2", "mcunet", "resnet"}) {
    SCOPED_TRACE(family);
    GeneratorOptions o;
    o.family = family;
    o.width = 0.35;
    o.resolution = family == std::string("resnet") ? 32 : 64;
    expect_round_trip(import_tflite(generate_model(o)));
  }
}

TEST(ModelImage, ChecksumCatchesEveryFlippedByte) {
  const Graph g = import_tflite(generate_defective_model(ModelDefect::kNone));
  const auto bytes = write_model_image(g, plan_memory(g).plan);
  ASSERT_NO_THROW(read_model_image(bytes));
  // The CRC covers every byte but its own field, which is compared directly: every
  // single-bit flip anywhere must be refused.
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    auto bad = bytes;
    bad[at] ^= static_cast<uint8_t>(1u << (at % 8));
    EXPECT_THROW(read_model_image(bad), ModelError) << "flip at byte " << at;
  }
}

TEST(ModelImage, RefusesTruncatedAndWrongVersionImages) {
  const Graph g = import_tflite(generate_defective_model(ModelDefect::kNone));
  auto bytes = write_model_image(g, plan_memory(g).plan);
  for (std::size_t cut = 0; cut < bytes.size(); cut += 7)
    EXPECT_THROW(read_model_image(std::span(bytes).first(cut)), ModelError);
  mcuprof_image_header h;
  std::memcpy(&h, bytes.data(), sizeof h);
  h.version_major = MCUPROF_IMAGE_VERSION_MAJOR + 1;
  std::memcpy(bytes.data(), &h, sizeof h);
  try {
    read_model_image(bytes);
    FAIL();
  } catch (const ModelError& e) {
    const std::string wrong = "version " + std::to_string(MCUPROF_IMAGE_VERSION_MAJOR + 1);
    EXPECT_NE(std::string(e.what()).find(wrong), std::string::npos) << e.what();
  }
}

TEST(ModelImage, Crc32MatchesTheStandardCheckValue) {
  const std::string s = "123456789";
  const std::span bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  EXPECT_EQ(crc32(bytes), 0xCBF43926u);
  EXPECT_EQ(crc32_update(crc32(bytes.first(4)), bytes.subspan(4)), 0xCBF43926u);
}
