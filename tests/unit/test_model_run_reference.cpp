// The reference side of the model exactness tests: runs a compiled graph layer by layer
// on tests/reference (the independent plain implementation of TFLite's int8
// arithmetic), computing every requantization parameter itself from the graph's float
// scales; runs images on the host executor; and checks the two agree byte for byte on
// every shared and generated model (fast: no emulation here).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <random>

#include "mcuprof/compiler/generator.hpp"
#include "mcuprof/compiler/model_image.hpp"
#include "mcuprof/profiler/model_run.hpp"
#include "mcuprof_executor.h"
#include "model_run_support.hpp"
#include "paths.hpp"
#include "tflite_reference.hpp"

namespace mcuprof::test {
namespace {

using compiler::Graph;
using compiler::Operator;
using compiler::OpType;
using compiler::Tensor;

ref::Bytes as_s8(const std::vector<uint8_t>& b) {
  ref::Bytes out(b.size());
  std::memcpy(out.data(), b.data(), b.size());
  return out;
}
std::vector<uint8_t> as_u8(const ref::Bytes& b) {
  std::vector<uint8_t> out(b.size());
  std::memcpy(out.data(), b.data(), b.size());
  return out;
}

// TFLite's CalculateActivationRangeQuantized for int8.
void activation(const Operator& op, const Tensor& out, int32_t* lo, int32_t* hi) {
  const auto q = [&](float x) {
    return out.zero_point() + static_cast<int32_t>(std::round(x / out.scale()));
  };
  *lo = -128, *hi = 127;
  if (op.options.activation == compiler::Activation::kRelu) *lo = std::max(*lo, q(0.0f));
  if (op.options.activation == compiler::Activation::kRelu6) {
    *lo = std::max(*lo, q(0.0f));
    *hi = std::min(*hi, q(6.0f));
  }
}

struct Multipliers {
  std::vector<int32_t> m, s;
};

Multipliers channel_multipliers(const Tensor& in, const Tensor& w, const Tensor& out,
                                int32_t channels) {
  Multipliers r;
  for (int32_t c = 0; c < channels; ++c) {
    const float ws =
        w.quant.per_channel() ? w.quant.scale[static_cast<size_t>(c)] : w.quant.scale[0];
    int32_t m = 0, s = 0;
    ref::quantize_multiplier(static_cast<double>(in.scale()) * static_cast<double>(ws) /
                                 static_cast<double>(out.scale()),
                             &m, &s);
    r.m.push_back(m), r.s.push_back(s);
  }
  return r;
}

std::vector<int32_t> bias_of(const Graph& g, const Operator& op) {
  if (op.inputs.size() < 3 || op.inputs[2] < 0) return {};
  const auto& d = g.tensor(op.inputs[2]).data;
  std::vector<int32_t> b(d.size() / 4);
  std::memcpy(b.data(), d.data(), b.size() * 4);
  return b;
}

void dims4(const std::vector<int32_t>& shape, int32_t out[4]) {
  const std::size_t lead = shape.size() >= 4 ? 0 : 4 - shape.size();
  const std::size_t skip = shape.size() > 4 ? shape.size() - 4 : 0;
  for (std::size_t k = 0; k < 4; ++k) out[k] = k < lead ? 1 : shape[k - lead + skip];
}

}  // namespace

std::vector<std::vector<uint8_t>> reference_run(const Graph& g,
                                                const std::vector<std::vector<uint8_t>>& inputs) {
  std::vector<std::vector<uint8_t>> t(g.tensors.size());
  for (std::size_t i = 0; i < g.tensors.size(); ++i)
    if (g.tensors[i].constant) t[i] = g.tensors[i].data;
  for (std::size_t k = 0; k < g.inputs.size(); ++k)
    t[static_cast<size_t>(g.inputs[k])] = inputs.at(k);

  for (const Operator& op : g.ops) {
    const Tensor& in = g.in(op);
    const Tensor& out = g.out(op);
    const auto x = as_s8(t[static_cast<size_t>(op.inputs[0])]);
    auto& y = t[static_cast<size_t>(op.outputs[0])];
    int32_t lo = -128, hi = 127;
    activation(op, out, &lo, &hi);
    switch (op.type) {
      case OpType::kConv2D: {
        const Tensor& w = g.in(op, 1);
        const auto mul = channel_multipliers(in, w, out, w.shape[0]);
        mcuprof_conv_params p{};
        p.batches = in.shape[0], p.in_h = in.shape[1], p.in_w = in.shape[2], p.in_c = in.shape[3];
        p.out_h = out.shape[1], p.out_w = out.shape[2], p.out_c = out.shape[3];
        p.filter_h = w.shape[1], p.filter_w = w.shape[2];
        p.stride_h = op.options.stride_h, p.stride_w = op.options.stride_w;
        p.dilation_h = op.options.dilation_h, p.dilation_w = op.options.dilation_w;
        p.pad_top = op.pads.top, p.pad_left = op.pads.left;
        p.input_offset = -in.zero_point(), p.output_offset = out.zero_point();
        p.act_min = lo, p.act_max = hi, p.per_channel = 1;
        p.multiplier = mul.m.data(), p.shift = mul.s.data();
        y = as_u8(ref::conv2d(p, x, as_s8(w.data), bias_of(g, op)));
        break;
      }
      case OpType::kDepthwiseConv2D: {
        const Tensor& w = g.in(op, 1);
        const auto mul = channel_multipliers(in, w, out, w.shape[3]);
        mcuprof_depthwise_params p{};
        p.batches = in.shape[0], p.in_h = in.shape[1], p.in_w = in.shape[2], p.in_c = in.shape[3];
        p.out_h = out.shape[1], p.out_w = out.shape[2];
        p.depth_multiplier = w.shape[3] / in.shape[3];
        p.filter_h = w.shape[1], p.filter_w = w.shape[2];
        p.stride_h = op.options.stride_h, p.stride_w = op.options.stride_w;
        p.dilation_h = op.options.dilation_h, p.dilation_w = op.options.dilation_w;
        p.pad_top = op.pads.top, p.pad_left = op.pads.left;
        p.input_offset = -in.zero_point(), p.output_offset = out.zero_point();
        p.act_min = lo, p.act_max = hi, p.per_channel = 1;
        p.multiplier = mul.m.data(), p.shift = mul.s.data();
        y = as_u8(ref::depthwise_conv2d(p, x, as_s8(w.data), bias_of(g, op)));
        break;
      }
      case OpType::kFullyConnected: {
        const Tensor& w = g.in(op, 1);
        const auto mul = channel_multipliers(in, w, out, w.shape[0]);
        mcuprof_fc_params p{};
        p.in_depth = w.shape[1], p.out_depth = w.shape[0];
        p.batches = static_cast<int32_t>(in.elements() / p.in_depth);
        p.input_offset = -in.zero_point(), p.output_offset = out.zero_point();
        p.act_min = lo, p.act_max = hi, p.per_channel = 1;
        p.multiplier = mul.m.data(), p.shift = mul.s.data();
        y = as_u8(ref::fully_connected(p, x, as_s8(w.data), bias_of(g, op)));
        break;
      }
      case OpType::kAdd:
      case OpType::kMul: {
        const Tensor& in2 = g.in(op, 1);
        const auto x2 = as_s8(t[static_cast<size_t>(op.inputs[1])]);
        mcuprof_broadcast_shapes s{};
        dims4(in.shape, s.in1), dims4(in2.shape, s.in2), dims4(out.shape, s.out);
        const double s1 = in.scale(), s2 = in2.scale(), so = out.scale();
        if (op.type == OpType::kAdd) {
          mcuprof_add_params p{};
          p.shapes = s;
          p.in1_offset = -in.zero_point(), p.in2_offset = -in2.zero_point();
          p.output_offset = out.zero_point();
          p.left_shift = 20;
          const double twice_max = 2.0 * std::max(s1, s2);
          ref::quantize_multiplier(s1 / twice_max, &p.in1_multiplier, &p.in1_shift);
          ref::quantize_multiplier(s2 / twice_max, &p.in2_multiplier, &p.in2_shift);
          ref::quantize_multiplier(twice_max / ((1 << 20) * so), &p.out_multiplier, &p.out_shift);
          p.act_min = lo, p.act_max = hi;
          y = as_u8(ref::add(p, x, x2));
        } else {
          mcuprof_mul_params p{};
          p.shapes = s;
          p.in1_offset = -in.zero_point(), p.in2_offset = -in2.zero_point();
          p.output_offset = out.zero_point();
          ref::quantize_multiplier(s1 * s2 / so, &p.out_multiplier, &p.out_shift);
          p.act_min = lo, p.act_max = hi;
          y = as_u8(ref::mul(p, x, x2));
        }
        break;
      }
      case OpType::kMean: {
        // Every axis set and keep_dims alike, as TFLite Micro's int8 MEAN.
        ref::MeanSpec spec;
        spec.dims = in.shape;
        spec.axes = op.aux;
        spec.input_zero_point = in.zero_point(), spec.output_zero_point = out.zero_point();
        ref::quantize_multiplier(static_cast<double>(in.scale()) / static_cast<double>(out.scale()),
                                 &spec.multiplier, &spec.shift);
        y = as_u8(ref::mean(spec, x));
        break;
      }
      case OpType::kAveragePool2D:
      case OpType::kMaxPool2D: {
        mcuprof_pool_params p{};
        p.batches = in.shape[0], p.in_h = in.shape[1], p.in_w = in.shape[2],
        p.channels = in.shape[3];
        p.out_h = out.shape[1], p.out_w = out.shape[2];
        p.filter_h = op.options.filter_h, p.filter_w = op.options.filter_w;
        p.stride_h = op.options.stride_h, p.stride_w = op.options.stride_w;
        p.pad_top = op.pads.top, p.pad_left = op.pads.left;
        p.act_min = lo, p.act_max = hi;
        y = as_u8(op.type == OpType::kAveragePool2D ? ref::average_pool(p, x)
                                                    : ref::max_pool(p, x));
        break;
      }
      case OpType::kPad: {
        mcuprof_pad_params p{};
        dims4(in.shape, p.in);
        const std::size_t lead = 4 - in.shape.size();
        for (std::size_t k = 0; k < 4; ++k) {
          p.before[k] = k < lead ? 0 : op.aux[2 * (k - lead)];
          p.after[k] = k < lead ? 0 : op.aux[2 * (k - lead) + 1];
        }
        p.pad_value = static_cast<int8_t>(out.zero_point());
        y = as_u8(ref::pad(p, x));
        break;
      }
      case OpType::kReshape:
        y = t[static_cast<size_t>(op.inputs[0])];
        break;
      case OpType::kSoftmax: {
        mcuprof_softmax_params p{};
        p.depth = in.shape.back();
        p.rows = static_cast<int32_t>(in.elements() / p.depth);
        ref::softmax_params(op.options.beta, in.scale(), &p.input_multiplier, &p.input_left_shift,
                            &p.diff_min);
        y = as_u8(ref::softmax(p, x));
        break;
      }
      case OpType::kQuantize:
        if (in.dtype == compiler::DType::kFloat32) {
          std::vector<float> f(in.elements());
          std::memcpy(f.data(), t[static_cast<size_t>(op.inputs[0])].data(), f.size() * 4);
          y = as_u8(ref::quantize(f, out.scale(), out.zero_point()));
        } else {
          int32_t m = 0, s = 0;
          ref::quantize_multiplier(
              static_cast<double>(in.scale()) / static_cast<double>(out.scale()), &m, &s);
          ref::Bytes r(x.size());
          for (std::size_t i = 0; i < x.size(); ++i)
            r[i] = static_cast<int8_t>(
                std::clamp(ref::multiply_by_quantized_multiplier(x[i] - in.zero_point(), m, s) +
                               out.zero_point(),
                           -128, 127));
          y = as_u8(r);
        }
        break;
      case OpType::kDequantize: {
        const auto f = ref::dequantize(x, in.scale(), in.zero_point());
        y.resize(f.size() * 4);
        std::memcpy(y.data(), f.data(), y.size());
        break;
      }
      case OpType::kTranspose: {
        mcuprof_transpose_params p{};
        dims4(in.shape, p.in);
        const std::size_t lead = 4 - in.shape.size();
        for (std::size_t k = 0; k < 4; ++k)
          p.perm[k] =
              k < lead ? static_cast<int32_t>(k) : op.aux[k - lead] + static_cast<int32_t>(lead);
        y = as_u8(ref::transpose(p, x));
        break;
      }
      case OpType::kResizeNearestNeighbor: {
        mcuprof_resize_params p{};
        p.batches = in.shape[0], p.in_h = in.shape[1], p.in_w = in.shape[2],
        p.channels = in.shape[3];
        p.out_h = out.shape[1], p.out_w = out.shape[2];
        p.align_corners = op.options.align_corners,
        p.half_pixel_centers = op.options.half_pixel_centers;
        y = as_u8(ref::resize_nearest(p, x));
        break;
      }
      case OpType::kConcatenation: {
        mcuprof_concat_params p{};
        const auto axis = static_cast<std::size_t>(op.options.axis);
        p.outer = 1, p.inner = 1;
        for (std::size_t k = 0; k < axis; ++k) p.outer *= out.shape[k];
        for (std::size_t k = axis + 1; k < out.shape.size(); ++k) p.inner *= out.shape[k];
        std::vector<int32_t> sizes;
        std::vector<ref::Bytes> xs;
        for (const auto i : op.inputs) {
          sizes.push_back(g.tensor(i).shape[axis]);
          xs.push_back(as_s8(t[static_cast<size_t>(i)]));
        }
        p.count = static_cast<int32_t>(op.inputs.size());
        p.axis_sizes = sizes.data();
        y = as_u8(ref::concat(p, xs));
        break;
      }
    }
  }
  return t;
}

std::vector<uint8_t> graph_outputs(const Graph& g,
                                   const std::vector<std::vector<uint8_t>>& tensors) {
  std::vector<uint8_t> out;
  for (const auto o : g.outputs) {
    const auto& b = tensors[static_cast<size_t>(o)];
    out.insert(out.end(), b.begin(), b.end());
  }
  return out;
}

std::vector<uint8_t> host_run(const std::vector<uint8_t>& image,
                              const std::vector<std::vector<uint8_t>>& inputs) {
  // Both the image and the arena must be 16-byte aligned: copy into aligned storage.
  std::vector<uint64_t> image_store((image.size() + 15) / 8 + 2);
  auto* image_at = reinterpret_cast<uint8_t*>(
      (reinterpret_cast<uintptr_t>(image_store.data()) + 15) & ~uintptr_t{15});
  std::memcpy(image_at, image.data(), image.size());
  const uint32_t needed = mcuprof_image_arena_needed(image_at);
  std::vector<uint64_t> arena_store(needed / 8 + 4);
  auto* arena_at = reinterpret_cast<uint8_t*>(
      (reinterpret_cast<uintptr_t>(arena_store.data()) + 15) & ~uintptr_t{15});
  mcuprof_model m;
  EXPECT_EQ(mcuprof_model_open(&m, image_at, static_cast<uint32_t>(image.size()), arena_at, needed),
            MCUPROF_EXEC_OK);
  const auto* in_index = reinterpret_cast<const uint32_t*>(image_at + m.header->inputs_offset);
  for (uint32_t k = 0; k < m.header->num_inputs; ++k)
    std::memcpy(mcuprof_model_tensor_data(&m, in_index[k]), inputs.at(k).data(), inputs[k].size());
  EXPECT_EQ(mcuprof_model_run(&m), MCUPROF_EXEC_OK);
  std::vector<uint8_t> out;
  const auto* out_index = reinterpret_cast<const uint32_t*>(image_at + m.header->outputs_offset);
  for (uint32_t k = 0; k < m.header->num_outputs; ++k) {
    const auto* p = static_cast<const uint8_t*>(mcuprof_model_tensor_data(&m, out_index[k]));
    out.insert(out.end(), p, p + m.tensors[out_index[k]].size_bytes);
  }
  return out;
}

std::vector<TestModel> exactness_models(const std::filesystem::path& generated_dir) {
  std::vector<TestModel> models;
  for (const char* file : {"vww_96_int8.tflite", "pretrainedResnet_quant.tflite",
                           "kws_ref_model.tflite", "ad01_int8.tflite", "mcunet-vww1.tflite"})
    models.push_back({file, shared_models_dir() / file, true});
  struct Gen {
    const char* name;
    compiler::GeneratorOptions options;
  };
  const Gen gens[] = {
      {"mobilenetv2-0.35-64", {"mobilenetv2", 0.35, 64, 7, 10}},
      {"mcunet-0.5-64", {"mcunet", 0.5, 64, 3, 2}},
      // Squeeze-excite (MEAN keep-dims, broadcast MUL, in place) and float32 I/O.
      {"mobilenetv2-se-0.35-48", {"mobilenetv2", 0.35, 48, 9, 10, true, true}},
      {"resnet-0.5-32", {"resnet", 0.5, 32, 5, 10}},
  };
  for (const auto& gen : gens) {
    const auto path = generated_dir / (std::string(gen.name) + ".tflite");
    const auto bytes = compiler::generate_model(gen.options);
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    models.push_back({gen.name, path, false});
  }
  return models;
}

bool model_available(const TestModel& model) {
  if (!model.shared || std::filesystem::exists(model.path)) return true;
  std::cout << "[ SKIPPED  ] " << model.path.string() << " not found\n";
  return false;
}

namespace {

// The host executor's outputs equal the reference's on every model.
TEST(ModelRunReference, HostExecutorMatchesReferenceOnEveryModel) {
  ScratchDir dir;
  int ran = 0;
  for (const auto& model : exactness_models(dir.path())) {
    SCOPED_TRACE(model.name);
    if (!model_available(model)) continue;
    const auto compiled = profiler::compile_model(model.path);
    const auto inputs = profiler::model_inputs(compiled, std::nullopt);
    const auto host = host_run(compiled.image, inputs);
    const auto ref = reference_run(compiled.graph, inputs);
    const std::vector<uint8_t> expected = graph_outputs(compiled.graph, ref);
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(host, expected);
    // Not a degenerate output: a model whose output is constant would prove little.
    bool varied = false;
    for (const auto& b : ref)
      if (b.size() > 1 && std::any_of(b.begin(), b.end(), [&](uint8_t v) { return v != b[0]; }))
        varied = true;
    EXPECT_TRUE(varied);
    ++ran;
  }
  if (ran == 0) GTEST_SKIP() << "no model ran";
}

// A second input gives a different output: the executor really reads its input.
TEST(ModelRunReference, OutputDependsOnTheInput) {
  ScratchDir dir;
  const auto models = exactness_models(dir.path());
  const auto& model = models.back();  // generated: always present
  const auto compiled = profiler::compile_model(model.path);
  auto inputs = profiler::model_inputs(compiled, std::nullopt);
  const auto a = host_run(compiled.image, inputs);
  for (auto& b : inputs[0]) b = static_cast<uint8_t>(b ^ 0x5A);
  const auto b = host_run(compiled.image, inputs);
  EXPECT_NE(a, b);
  const auto ref = reference_run(compiled.graph, inputs);
  EXPECT_EQ(b, ref[static_cast<size_t>(compiled.graph.outputs[0])]);
}

TEST(ModelRunReference, ValidationRejectsDamagedImages) {
  ScratchDir dir;
  const auto models = exactness_models(dir.path());
  const auto compiled = profiler::compile_model(models.back().path);
  std::vector<uint64_t> store(compiled.image.size() / 8 + 4);
  auto* at = reinterpret_cast<uint8_t*>(store.data());
  const auto size = static_cast<uint32_t>(compiled.image.size());
  std::memcpy(at, compiled.image.data(), size);
  EXPECT_EQ(mcuprof_image_validate(at, size, 1), MCUPROF_EXEC_OK);
  EXPECT_EQ(mcuprof_image_validate(at, size - 16, 1), MCUPROF_EXEC_BAD_SIZE);
  at[size - 1] ^= 1;  // inside the weights
  EXPECT_EQ(mcuprof_image_validate(at, size, 1), MCUPROF_EXEC_BAD_CRC);
  EXPECT_EQ(mcuprof_image_validate(at, size, 0), MCUPROF_EXEC_OK);
  at[size - 1] ^= 1;
  at[0] ^= 1;
  EXPECT_EQ(mcuprof_image_validate(at, size, 1), MCUPROF_EXEC_BAD_MAGIC);
  at[0] ^= 1;
  // A tensor pointing past the arena (checksum skipped: a hostile, not a damaged image).
  mcuprof_image_header h;
  std::memcpy(&h, at, sizeof h);
  for (uint32_t i = 0; i < h.num_tensors; ++i) {
    mcuprof_tensor t;
    std::memcpy(&t, at + h.tensors_offset + i * sizeof t, sizeof t);
    if (t.storage != MCUPROF_STORAGE_ARENA) continue;
    t.offset = h.arena_size;
    std::memcpy(at + h.tensors_offset + i * sizeof t, &t, sizeof t);
    break;
  }
  EXPECT_EQ(mcuprof_image_validate(at, size, 0), MCUPROF_EXEC_BAD_BOUNDS);
  mcuprof_model m;
  std::vector<uint64_t> arena(1024);
  std::memcpy(at, compiled.image.data(), size);
  EXPECT_EQ(mcuprof_model_open(&m, at, size, arena.data(), 64), MCUPROF_EXEC_ARENA_TOO_SMALL);
}

// Version 4's compact records: every field that locates data (a tensor's dims, an op's
// params block, its options and list) is bounds-checked by the firmware's validation and
// the host reader; random damage to the tables and params is refused or read in bounds
// (the sanitizer build checks the "in bounds").
TEST(ModelRunReference, ValidationChecksTheCompactRecords) {
  ScratchDir dir;
  const auto models = exactness_models(dir.path());
  const auto se = std::find_if(models.begin(), models.end(), [](const TestModel& m) {
    return m.name == std::string("mobilenetv2-se-0.35-48");
  });
  ASSERT_NE(se, models.end());
  const auto compiled = profiler::compile_model(se->path);
  const auto size = static_cast<uint32_t>(compiled.image.size());
  std::vector<uint64_t> store(size / 8 + 4);
  auto* at = reinterpret_cast<uint8_t*>(store.data());
  const auto reset = [&] { std::memcpy(at, compiled.image.data(), size); };
  reset();
  ASSERT_EQ(mcuprof_image_validate(at, size, 1), MCUPROF_EXEC_OK);
  mcuprof_image_header h;
  std::memcpy(&h, at, sizeof h);
  EXPECT_EQ(h.version_major, 4u);
  const uint32_t n_params = h.params_size / 4;
  const auto tensor_at = [&](uint32_t i) {
    return at + h.tensors_offset + i * sizeof(mcuprof_tensor);
  };
  const auto op_at = [&](uint32_t i) { return at + h.ops_offset + i * sizeof(mcuprof_op); };
  const auto word_at = [&](uint32_t k) { return at + h.params_offset + 4 * k; };

  // A version-3 image is refused.
  mcuprof_image_header old = h;
  old.version_major = 3;
  std::memcpy(at, &old, sizeof old);
  EXPECT_EQ(mcuprof_image_validate(at, size, 0), MCUPROF_EXEC_BAD_VERSION);
  reset();
  // A tensor's dims past the params.
  mcuprof_tensor t;
  std::memcpy(&t, tensor_at(0), sizeof t);
  ASSERT_GT(t.rank, 0);
  t.dims_offset = n_params - t.rank + 1;
  std::memcpy(tensor_at(0), &t, sizeof t);
  EXPECT_EQ(mcuprof_image_validate(at, size, 0), MCUPROF_EXEC_BAD_BOUNDS);
  reset();
  // An op's block past the params; a MEAN list longer than the params; a convolution
  // whose weights have another rank (its requantization cannot be sized).
  bool mean = false, conv = false;
  for (uint32_t i = 0; i < h.num_ops; ++i) {
    mcuprof_op op;
    std::memcpy(&op, op_at(i), sizeof op);
    if (i == h.num_ops - 1) {
      mcuprof_op bad = op;
      bad.params_offset = n_params - 1;
      std::memcpy(op_at(i), &bad, sizeof bad);
      EXPECT_EQ(mcuprof_image_validate(at, size, 0), MCUPROF_EXEC_BAD_BOUNDS);
      reset();
    }
    const uint32_t options = op.params_offset + op.num_inputs + op.num_outputs;
    if (op.type == MCUPROF_OP_MEAN && !mean) {
      mean = true;
      const uint32_t count = 0x7FFFFFFFu;
      std::memcpy(word_at(options + offsetof(mcuprof_other_options, count) / 4), &count, 4);
      EXPECT_EQ(mcuprof_image_validate(at, size, 0), MCUPROF_EXEC_BAD_BOUNDS);
      reset();
    }
    if (op.type == MCUPROF_OP_CONV_2D && !conv) {
      conv = true;
      int32_t w = 0;
      std::memcpy(&w, word_at(op.params_offset + 1), 4);
      mcuprof_tensor wt;
      std::memcpy(&wt, tensor_at(static_cast<uint32_t>(w)), sizeof wt);
      wt.rank = 2;
      std::memcpy(tensor_at(static_cast<uint32_t>(w)), &wt, sizeof wt);
      EXPECT_NE(mcuprof_image_validate(at, size, 0), MCUPROF_EXEC_OK);
      reset();
    }
  }
  EXPECT_TRUE(mean);
  EXPECT_TRUE(conv);

  // Random damage to the tables and params (checksum recomputed): the validation returns
  // a status, the host reader reads or throws ModelError.
  std::mt19937 rng(15);
  const uint32_t from = h.tensors_offset, to = h.params_offset + h.params_size;
  int refused = 0;
  constexpr int kTrials = 800;
  for (int trial = 0; trial < kTrials; ++trial) {
    reset();
    for (int f = 0; f < 1 + trial % 3; ++f) {
      const auto k = static_cast<uint32_t>(from + rng() % (to - from));
      at[k] = static_cast<uint8_t>(trial % 2 ? rng() : at[k] ^ (1u << (rng() % 8)));
    }
    refused += mcuprof_image_validate(at, size, 0) != MCUPROF_EXEC_OK;
    if (trial % 4 != 0) continue;  // the host reader (and its checksum) on every fourth
    std::vector<uint8_t> bytes(at, at + size);
    const uint32_t crc = compiler::image_checksum(bytes);
    std::memcpy(bytes.data() + MCUPROF_IMAGE_CRC_OFFSET, &crc, 4);
    try {
      (void)compiler::read_model_image(bytes);
    } catch (const compiler::ModelError&) {
    }
  }
  EXPECT_GT(refused, 20);
  std::cout << "[   INFO   ] " << refused << " of " << kTrials << " damaged images refused\n";
}

}  // namespace
}  // namespace mcuprof::test
