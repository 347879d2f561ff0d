// Synthetic int8 network generator (see generator.hpp). A small graph builder writes
// tensors, buffers and operators through the flatc-generated builder of our schema.
// Quantization is plausible, not trained: ReLU6 outputs use scale 6/255 and zero point
// -128, linear outputs a random scale; per-channel weight scales are chosen so that
// accumulators land mostly inside the int8 output range (no wholesale saturation).
#include "mcuprof/compiler/generator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <random>

#include "mcuprof/compiler/graph.hpp"
#include "tflite_subset_generated.h"

namespace mcuprof::compiler {
namespace {

namespace tfl = mcuprof::tfl;
using flatbuffers::Offset;

struct Act {
  int32_t index = -1;
  std::vector<int32_t> shape;  // NHWC or [N, C]
  float scale = 1.0f;
  int32_t zp = 0;
  int32_t h() const { return shape[1]; }
  int32_t w() const { return shape[2]; }
  int32_t c() const { return shape.back(); }
};

class NetBuilder {
 public:
  explicit NetBuilder(uint32_t seed) : rng_(seed) {
    buffers_.push_back(tfl::CreateBuffer(fbb_));  // buffer 0: the empty sentinel
  }

  Act input(std::vector<int32_t> shape) {
    Act a = activation(std::move(shape), "input", 1.0f / 255.0f, -128);
    inputs_.push_back(a.index);
    return a;
  }

  // A float32 model input in [-1, 1) and the QUANTIZE to int8 that reads it.
  Act float_input(std::vector<int32_t> shape) {
    const int32_t f = float_tensor(shape, "input_f32");
    inputs_.push_back(f);
    Act y = activation(std::move(shape), "input_int8", 1.0f / 128.0f, 0);
    op(tfl::BuiltinOperator::QUANTIZE, {f}, {y.index}, tfl::BuiltinOptions::QuantizeOptions,
       tfl::CreateQuantizeOptions(fbb_).Union());
    return y;
  }

  // DEQUANTIZE to a float32 tensor (the model output); returns its index.
  int32_t dequantize(const Act& x) {
    const int32_t f = float_tensor(x.shape, "output_f32");
    op(tfl::BuiltinOperator::DEQUANTIZE, {x.index}, {f}, tfl::BuiltinOptions::DequantizeOptions,
       tfl::CreateDequantizeOptions(fbb_).Union());
    return f;
  }

  // Squeeze-excite (Hu et al. 2018) as int8 runtimes without a sigmoid kernel build it:
  // MEAN over H,W (keep dims) → 1x1 conv to C/4 (ReLU6) → 1x1 conv to C (linear gate) →
  // MUL with the block's map (a 1x1xC broadcast operand).
  Act squeeze_excite(const Act& x) {
    const int32_t axes = constant_i32({2}, {1, 2}, "axes");
    Act s = activation({x.shape[0], 1, 1, x.c()}, "se_mean", x.scale, x.zp);
    op(tfl::BuiltinOperator::MEAN, {x.index, axes}, {s.index}, tfl::BuiltinOptions::ReducerOptions,
       tfl::CreateReducerOptions(fbb_, true).Union());
    s = conv(s, std::max(8, x.c() / 4), 1, 1, true);
    s = conv(s, x.c(), 1, 1, false);
    // The product's scale: x's times a typical gate magnitude, so it neither saturates
    // nor rounds to the zero point.
    Act y = activation(x.shape, "se_mul", x.scale * s.scale * 40.0f, 0);
    op(tfl::BuiltinOperator::MUL, {x.index, s.index}, {y.index}, tfl::BuiltinOptions::MulOptions,
       tfl::CreateMulOptions(fbb_, tfl::ActivationFunctionType::NONE).Union());
    return y;
  }

  // CONV_2D (or DEPTHWISE_CONV_2D when depthwise) with per-channel weights.
  Act conv(const Act& x, int32_t out_c, int32_t k, int32_t stride, bool relu6,
           bool depthwise = false, tfl::Padding padding = tfl::Padding::SAME) {
    const int32_t cin = x.c();
    if (depthwise) out_c = cin;
    const int32_t oh =
        padding == tfl::Padding::SAME ? (x.h() + stride - 1) / stride : (x.h() - k) / stride + 1;
    const int32_t ow =
        padding == tfl::Padding::SAME ? (x.w() + stride - 1) / stride : (x.w() - k) / stride + 1;
    const int32_t fan_in = depthwise ? k * k : k * k * cin;
    const auto [out_scale, out_zp] = output_quant(relu6);
    std::vector<float> w_scales(static_cast<std::size_t>(out_c));
    std::uniform_real_distribution<float> jitter(0.6f, 1.4f);
    for (auto& s : w_scales)
      s = jitter(rng_) * 40.0f * out_scale /
          (x.scale * std::sqrt(static_cast<float>(fan_in)) * 70.0f * 45.0f);
    const std::vector<int32_t> w_shape =
        depthwise ? std::vector<int32_t>{1, k, k, out_c} : std::vector<int32_t>{out_c, k, k, cin};
    const int32_t w = constant_int8(w_shape, w_scales, depthwise ? 3 : 0, "weights");
    const int32_t b = bias(w_scales, x.scale);
    Act y = activation({x.shape[0], oh, ow, out_c}, depthwise ? "depthwise" : "conv", out_scale,
                       out_zp);
    const auto act = relu6 ? tfl::ActivationFunctionType::RELU6 : tfl::ActivationFunctionType::NONE;
    if (depthwise) {
      const auto opt = tfl::CreateDepthwiseConv2DOptions(fbb_, padding, stride, stride, 1, act);
      op(tfl::BuiltinOperator::DEPTHWISE_CONV_2D, {x.index, w, b}, {y.index},
         tfl::BuiltinOptions::DepthwiseConv2DOptions, opt.Union());
    } else {
      const auto opt = tfl::CreateConv2DOptions(fbb_, padding, stride, stride, act);
      op(tfl::BuiltinOperator::CONV_2D, {x.index, w, b}, {y.index},
         tfl::BuiltinOptions::Conv2DOptions, opt.Union());
    }
    return y;
  }

  Act pad(const Act& x, int32_t before, int32_t after) {
    const int32_t p = constant_i32({4, 2}, {0, 0, before, after, before, after, 0, 0}, "paddings");
    Act y = activation({x.shape[0], x.h() + before + after, x.w() + before + after, x.c()}, "pad",
                       x.scale, x.zp);
    op(tfl::BuiltinOperator::PAD, {x.index, p}, {y.index}, tfl::BuiltinOptions::PadOptions,
       tfl::CreatePadOptions(fbb_).Union());
    return y;
  }

  Act add(const Act& a, const Act& b, bool relu) {
    const auto [s, z] = output_quant(false);
    Act y = activation(a.shape, "add", relu ? s * 0.5f : s, relu ? -128 : z);
    const auto opt = tfl::CreateAddOptions(
        fbb_, relu ? tfl::ActivationFunctionType::RELU : tfl::ActivationFunctionType::NONE);
    op(tfl::BuiltinOperator::ADD, {a.index, b.index}, {y.index}, tfl::BuiltinOptions::AddOptions,
       opt.Union());
    return y;
  }

  Act global_average_pool(const Act& x) {
    Act y = activation({x.shape[0], 1, 1, x.c()}, "pool", x.scale, x.zp);
    const auto opt = tfl::CreatePool2DOptions(fbb_, tfl::Padding::VALID, 1, 1, x.w(), x.h());
    op(tfl::BuiltinOperator::AVERAGE_POOL_2D, {x.index}, {y.index},
       tfl::BuiltinOptions::Pool2DOptions, opt.Union());
    return y;
  }

  Act mean(const Act& x) {
    const int32_t axes = constant_i32({2}, {1, 2}, "axes");
    Act y = activation({x.shape[0], x.c()}, "mean", x.scale * 0.8f, x.zp);
    op(tfl::BuiltinOperator::MEAN, {x.index, axes}, {y.index}, tfl::BuiltinOptions::ReducerOptions,
       tfl::CreateReducerOptions(fbb_, false).Union());
    return y;
  }

  Act reshape(const Act& x, std::vector<int32_t> shape) {
    const int32_t s = constant_i32({static_cast<int32_t>(shape.size())}, shape, "shape");
    Act y = activation(shape, "reshape", x.scale, x.zp);
    const auto opt = tfl::CreateReshapeOptionsDirect(fbb_, &shape);
    op(tfl::BuiltinOperator::RESHAPE, {x.index, s}, {y.index}, tfl::BuiltinOptions::ReshapeOptions,
       opt.Union());
    return y;
  }

  Act fully_connected(const Act& x, int32_t units) {
    const auto [out_scale, out_zp] = output_quant(false);
    std::vector<float> w_scales(
        1, 40.0f * out_scale / (x.scale * std::sqrt(static_cast<float>(x.c())) * 70.0f * 45.0f));
    const int32_t w = constant_int8({units, x.c()}, w_scales, 0, "weights");
    const int32_t b =
        bias(std::vector<float>(static_cast<std::size_t>(units), w_scales[0]), x.scale);
    Act y = activation({x.shape[0], units}, "logits", out_scale, out_zp);
    op(tfl::BuiltinOperator::FULLY_CONNECTED, {x.index, w, b}, {y.index},
       tfl::BuiltinOptions::FullyConnectedOptions, tfl::CreateFullyConnectedOptions(fbb_).Union());
    return y;
  }

  Act softmax(const Act& x) {
    Act y = activation(x.shape, "probabilities", 1.0f / 256.0f, -128);
    op(tfl::BuiltinOperator::SOFTMAX, {x.index}, {y.index}, tfl::BuiltinOptions::SoftmaxOptions,
       tfl::CreateSoftmaxOptions(fbb_, 1.0f).Union());
    return y;
  }

  // A single op of any code on an int8 [1,8] tensor (options left empty).
  Act unary(const Act& x, int32_t code) {
    Act y = activation(x.shape, "y", x.scale, x.zp);
    op(static_cast<tfl::BuiltinOperator>(code), {x.index}, {y.index}, tfl::BuiltinOptions::NONE, 0);
    return y;
  }

  std::vector<uint8_t> finish(const Act& out, const std::string& description) {
    return finish(out.index, description);
  }
  std::vector<uint8_t> finish(int32_t out, const std::string& description) {
    const std::vector<int32_t> outputs{out};
    const auto sg = tfl::CreateSubGraphDirect(fbb_, &tensors_, &inputs_, &outputs, &ops_, "main");
    const std::vector<Offset<tfl::SubGraph>> subgraphs{sg};
    const auto model =
        tfl::CreateModelDirect(fbb_, 3, &codes_, &subgraphs, description.c_str(), &buffers_);
    tfl::FinishModelBuffer(fbb_, model);
    return {fbb_.GetBufferPointer(), fbb_.GetBufferPointer() + fbb_.GetSize()};
  }

  std::mt19937& rng() { return rng_; }

 private:
  std::pair<float, int32_t> output_quant(bool relu6) {
    if (relu6) return {6.0f / 255.0f, -128};
    std::uniform_real_distribution<float> s(0.04f, 0.12f);
    std::uniform_int_distribution<int32_t> z(-12, 12);
    return {s(rng_), z(rng_)};
  }

  Act activation(std::vector<int32_t> shape, const std::string& kind, float scale, int32_t zp) {
    const auto name = fmt::format("{}_{}", kind, tensors_.size());
    const std::vector<float> s{scale};
    const std::vector<int64_t> z{zp};
    const auto q = tfl::CreateQuantizationParametersDirect(fbb_, nullptr, nullptr, &s, &z, 0);
    tensors_.push_back(
        tfl::CreateTensorDirect(fbb_, &shape, tfl::TensorType::INT8, 0, name.c_str(), q));
    return {static_cast<int32_t>(tensors_.size() - 1), std::move(shape), scale, zp};
  }

  int32_t float_tensor(const std::vector<int32_t>& shape, const char* kind) {
    const auto name = fmt::format("{}_{}", kind, tensors_.size());
    tensors_.push_back(
        tfl::CreateTensorDirect(fbb_, &shape, tfl::TensorType::FLOAT32, 0, name.c_str()));
    return static_cast<int32_t>(tensors_.size() - 1);
  }

  int32_t add_buffer(const std::vector<uint8_t>& data) {
    buffers_.push_back(tfl::CreateBufferDirect(fbb_, &data));
    return static_cast<int32_t>(buffers_.size() - 1);
  }

  int32_t constant_int8(const std::vector<int32_t>& shape, const std::vector<float>& scales,
                        int32_t axis, const char* kind) {
    int64_t n = 1;
    for (const auto d : shape) n *= d;
    std::vector<uint8_t> data(static_cast<std::size_t>(n));
    std::uniform_int_distribution<int> v(-127, 127);
    for (auto& b : data) b = static_cast<uint8_t>(static_cast<int8_t>(v(rng_)));
    const int32_t buf = add_buffer(data);
    const std::vector<int64_t> z(scales.size(), 0);
    const auto q =
        tfl::CreateQuantizationParametersDirect(fbb_, nullptr, nullptr, &scales, &z, axis);
    const auto name = fmt::format("{}_{}", kind, tensors_.size());
    tensors_.push_back(tfl::CreateTensorDirect(fbb_, &shape, tfl::TensorType::INT8,
                                               static_cast<uint32_t>(buf), name.c_str(), q));
    return static_cast<int32_t>(tensors_.size() - 1);
  }

  int32_t bias(const std::vector<float>& w_scales, float in_scale) {
    std::vector<uint8_t> data(w_scales.size() * 4);
    std::uniform_int_distribution<int32_t> v(-2000, 2000);
    std::vector<float> scales;
    for (std::size_t c = 0; c < w_scales.size(); ++c) {
      const int32_t b = v(rng_);
      std::memcpy(&data[c * 4], &b, 4);
      scales.push_back(w_scales[c] * in_scale);
    }
    const int32_t buf = add_buffer(data);
    const std::vector<int32_t> shape{static_cast<int32_t>(w_scales.size())};
    const std::vector<int64_t> z(scales.size(), 0);
    const auto q = tfl::CreateQuantizationParametersDirect(fbb_, nullptr, nullptr, &scales, &z, 0);
    const auto name = fmt::format("bias_{}", tensors_.size());
    tensors_.push_back(tfl::CreateTensorDirect(fbb_, &shape, tfl::TensorType::INT32,
                                               static_cast<uint32_t>(buf), name.c_str(), q));
    return static_cast<int32_t>(tensors_.size() - 1);
  }

  int32_t constant_i32(const std::vector<int32_t>& shape, const std::vector<int32_t>& values,
                       const char* kind) {
    std::vector<uint8_t> data(values.size() * 4);
    std::memcpy(data.data(), values.data(), data.size());
    const int32_t buf = add_buffer(data);
    const auto name = fmt::format("{}_{}", kind, tensors_.size());
    tensors_.push_back(tfl::CreateTensorDirect(fbb_, &shape, tfl::TensorType::INT32,
                                               static_cast<uint32_t>(buf), name.c_str()));
    return static_cast<int32_t>(tensors_.size() - 1);
  }

  void op(tfl::BuiltinOperator code, const std::vector<int32_t>& in,
          const std::vector<int32_t>& out, tfl::BuiltinOptions type, Offset<void> options) {
    const auto c = static_cast<int32_t>(code);
    auto it = opcode_.find(c);
    if (it == opcode_.end()) {
      it = opcode_.emplace(c, static_cast<uint32_t>(codes_.size())).first;
      codes_.push_back(
          tfl::CreateOperatorCode(fbb_, static_cast<int8_t>(std::min(c, 127)), 0, 1, code));
    }
    ops_.push_back(tfl::CreateOperatorDirect(fbb_, it->second, &in, &out, type, options));
  }

  flatbuffers::FlatBufferBuilder fbb_{1 << 20};
  std::mt19937 rng_;
  std::vector<Offset<tfl::Tensor>> tensors_;
  std::vector<Offset<tfl::Buffer>> buffers_;
  std::vector<Offset<tfl::Operator>> ops_;
  std::vector<Offset<tfl::OperatorCode>> codes_;
  std::map<int32_t, uint32_t> opcode_;
  std::vector<int32_t> inputs_;
};

int32_t make_divisible(double v, int32_t divisor = 8) {
  int32_t n = std::max(divisor, static_cast<int32_t>(v + divisor / 2.0) / divisor * divisor);
  if (n < 0.9 * v) n += divisor;
  return n;
}

// MobileNetV2 (Sandler et al. 2018): inverted residual blocks (t, c, n, s).
std::vector<uint8_t> mobilenetv2(const GeneratorOptions& o) {
  NetBuilder b(o.seed);
  Act x = o.float_io ? b.float_input({1, o.resolution, o.resolution, 3})
                     : b.input({1, o.resolution, o.resolution, 3});
  x = b.conv(x, make_divisible(32 * o.width), 3, 2, true);
  const int32_t settings[7][4] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                                  {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  for (const auto& [t, c, n, s] : settings) {
    const int32_t out_c = make_divisible(c * o.width);
    for (int32_t i = 0; i < n; ++i) {
      const int32_t stride = i == 0 ? s : 1;
      Act y = x;
      if (t != 1) y = b.conv(y, x.c() * t, 1, 1, true);
      y = b.conv(y, 0, 3, stride, true, true);
      if (o.se) y = b.squeeze_excite(y);
      y = b.conv(y, out_c, 1, 1, false);
      x = (stride == 1 && x.c() == out_c) ? b.add(x, y, false) : y;
    }
  }
  x = b.conv(x, o.width > 1.0 ? make_divisible(1280 * o.width) : 1280, 1, 1, true);
  x = b.global_average_pool(x);
  x = b.reshape(x, {1, x.c()});
  x = b.fully_connected(x, o.classes);
  x = b.softmax(x);
  const auto description =
      fmt::format("mcuprof generate mobilenetv2 --width {} --resolution {} --seed {}{}{}", o.width,
                  o.resolution, o.seed, o.se ? " --se" : "", o.float_io ? " --float-io" : "");
  return o.float_io ? b.finish(b.dequantize(x), description) : b.finish(x, description);
}

// MCUNet-style (Lin et al. 2020): MBConv blocks with per-block kernel size (3/5/7) and
// expansion (3/4/6) drawn from the seed, stride-2 depthwise convs preceded by an
// explicit PAD (as TinyEngine's models have them), global MEAN, classifier.
std::vector<uint8_t> mcunet(const GeneratorOptions& o) {
  NetBuilder b(o.seed);
  Act x = b.input({1, o.resolution, o.resolution, 3});
  x = b.conv(x, make_divisible(16 * o.width), 3, 2, true);
  x = b.conv(x, 0, 3, 1, true, true);
  x = b.conv(x, make_divisible(8 * o.width), 1, 1, false);
  const int32_t stages[6][3] = {{16, 2, 2}, {24, 3, 2}, {40, 3, 2},
                                {48, 2, 1}, {96, 3, 2}, {160, 1, 1}};
  const int32_t kernels[3] = {3, 5, 7}, expands[3] = {3, 4, 6};
  std::uniform_int_distribution<int> pick(0, 2);
  for (const auto& [c, n, s] : stages) {
    const int32_t out_c = make_divisible(c * o.width);
    for (int32_t i = 0; i < n; ++i) {
      const int32_t stride = i == 0 ? s : 1;
      const int32_t k = kernels[pick(b.rng())], e = expands[pick(b.rng())];
      Act y = b.conv(x, x.c() * e, 1, 1, true);
      if (stride == 2) {
        y = b.pad(y, (k - 1) / 2, (k - 1) / 2);
        y = b.conv(y, 0, k, 2, true, true, tfl::Padding::VALID);
      } else {
        y = b.conv(y, 0, k, 1, true, true);
      }
      y = b.conv(y, out_c, 1, 1, false);
      x = (stride == 1 && x.c() == out_c) ? b.add(x, y, false) : y;
    }
  }
  x = b.mean(x);
  x = b.fully_connected(x, o.classes);
  x = b.softmax(x);
  return b.finish(x, fmt::format("mcuprof generate mcunet --width {} --resolution {} --seed {}",
                                 o.width, o.resolution, o.seed));
}

// ResNet-style (He et al. 2016, the CIFAR variant MLPerf Tiny's ResNet-8 follows):
// three stacks of basic blocks (16, 32, 64 channels x width), 1x1 projection shortcuts.
std::vector<uint8_t> resnet(const GeneratorOptions& o) {
  NetBuilder b(o.seed);
  Act x = b.input({1, o.resolution, o.resolution, 3});
  x = b.conv(x, make_divisible(16 * o.width), 3, 1, true);
  const int32_t stacks[3][2] = {{16, 1}, {32, 2}, {64, 2}};
  for (const auto& [c, s] : stacks) {
    const int32_t out_c = make_divisible(c * o.width);
    Act y = b.conv(x, out_c, 3, s, true);
    y = b.conv(y, out_c, 3, 1, false);
    Act shortcut = (s != 1 || x.c() != out_c) ? b.conv(x, out_c, 1, s, false) : x;
    x = b.add(shortcut, y, true);
  }
  x = b.global_average_pool(x);
  x = b.reshape(x, {1, x.c()});
  x = b.fully_connected(x, o.classes);
  x = b.softmax(x);
  return b.finish(x, fmt::format("mcuprof generate resnet --width {} --resolution {} --seed {}",
                                 o.width, o.resolution, o.seed));
}

}  // namespace

std::vector<std::string> generator_families() {
  return {"mobilenetv2", "mcunet", "resnet"};
}

std::vector<uint8_t> generate_model(const GeneratorOptions& options) {
  GeneratorOptions o = options;
  if (!(o.width >= kMinWidth && o.width <= kMaxWidth))
    throw ModelError(fmt::format("width {} outside {}..{}", o.width, kMinWidth, kMaxWidth));
  const bool known = o.family == "mobilenetv2" || o.family == "mcunet" || o.family == "resnet";
  if (!known)
    throw ModelError(
        fmt::format("unknown model family '{}' (mobilenetv2, mcunet, resnet)", o.family));
  if ((o.se || o.float_io) && o.family != "mobilenetv2")
    throw ModelError(fmt::format("--se and --float-io are for mobilenetv2, not {}", o.family));
  if (o.resolution == 0)
    o.resolution = o.family == "mobilenetv2" ? 224 : o.family == "mcunet" ? 144 : 32;
  if (o.classes == 0) o.classes = o.family == "mobilenetv2" ? 1000 : o.family == "mcunet" ? 2 : 10;
  if (o.resolution < kMinResolution || o.resolution > kMaxResolution)
    throw ModelError(
        fmt::format("resolution {} outside {}..{}", o.resolution, kMinResolution, kMaxResolution));
  if (o.classes < kMinClasses || o.classes > kMaxClasses)
    throw ModelError(fmt::format("classes {} outside {}..{}", o.classes, kMinClasses, kMaxClasses));
  if (o.family == "mobilenetv2") return mobilenetv2(o);
  if (o.family == "mcunet") return mcunet(o);
  return resnet(o);
}

std::vector<uint8_t> generate_single_op_model(int32_t builtin_code) {
  NetBuilder b(1);
  const Act x = b.input({1, 8});
  return b.finish(b.unary(x, builtin_code), "single-op test model");
}

std::vector<uint8_t> generate_defective_model(ModelDefect d) {
  flatbuffers::FlatBufferBuilder fbb;
  using D = ModelDefect;
  const std::vector<float> act_scale{0.1f}, w_scale{0.01f}, b_scale{0.001f};
  const std::vector<int64_t> zp{0};
  const auto quant = [&](const std::vector<float>& s) {
    return tfl::CreateQuantizationParametersDirect(fbb, nullptr, nullptr, &s, &zp, 0);
  };
  std::vector<int32_t> in_shape{1, 8};
  if (d == D::kZeroDimension) in_shape = {1, 0};
  if (d == D::kNegativeDimension) in_shape = {1, -8};
  std::vector<int32_t> out_shape{1, 4};
  if (d == D::kAbsurdDimensions) out_shape = {65536, 65536, 65536};
  if (d == D::kShapeMismatch) out_shape = {1, 5};
  const std::vector<int32_t> w_shape{4, 8}, b_shape{4};
  std::vector<uint8_t> w_data(d == D::kBufferTooShort ? 20 : 32, 1), b_data(16, 0);
  std::vector<Offset<tfl::Buffer>> buffers{tfl::CreateBuffer(fbb),
                                           tfl::CreateBufferDirect(fbb, &w_data),
                                           tfl::CreateBufferDirect(fbb, &b_data)};
  std::vector<Offset<tfl::Tensor>> tensors{
      tfl::CreateTensorDirect(fbb, &in_shape, tfl::TensorType::INT8, 0, "input", quant(act_scale)),
      tfl::CreateTensorDirect(fbb, &w_shape, tfl::TensorType::INT8,
                              d == D::kBufferIndexOutOfRange ? 42u : 1u, "weights", quant(w_scale)),
      tfl::CreateTensorDirect(fbb, &b_shape, tfl::TensorType::INT32, 2, "bias", quant(b_scale)),
      tfl::CreateTensorDirect(fbb, &out_shape, tfl::TensorType::INT8, 0, "output",
                              quant(act_scale)),
      tfl::CreateTensorDirect(fbb, &in_shape, tfl::TensorType::INT8, 0, "orphan",
                              quant(act_scale))};
  const std::vector<int32_t> ins{d == D::kUsedBeforeProduced ? 4 : 0,
                                 d == D::kTensorIndexOutOfRange ? 99 : 1, 2};
  const std::vector<int32_t> outs{3}, graph_in{0};
  const std::vector<int32_t> graph_out =
      d == D::kConstantOutput ? std::vector<int32_t>{3, 1} : std::vector<int32_t>{3};
  const bool custom = d == D::kCustomOp;
  std::vector<Offset<tfl::OperatorCode>> codes{
      custom ? tfl::CreateOperatorCodeDirect(fbb, 32, "MyOp", 1, tfl::BuiltinOperator::CUSTOM)
             : tfl::CreateOperatorCode(fbb, 9, 0, 1, tfl::BuiltinOperator::FULLY_CONNECTED)};
  std::vector<Offset<tfl::Operator>> ops{tfl::CreateOperatorDirect(
      fbb, d == D::kOpcodeIndexOutOfRange ? 7u : 0u, &ins, &outs,
      tfl::BuiltinOptions::FullyConnectedOptions, tfl::CreateFullyConnectedOptions(fbb).Union())};
  const auto sg = tfl::CreateSubGraphDirect(fbb, &tensors, &graph_in, &graph_out, &ops, "main");
  const std::vector<Offset<tfl::SubGraph>> subgraphs{sg};
  tfl::FinishModelBuffer(fbb,
                         tfl::CreateModelDirect(fbb, 3, &codes, &subgraphs, "defective", &buffers));
  return {fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize()};
}

}  // namespace mcuprof::compiler
