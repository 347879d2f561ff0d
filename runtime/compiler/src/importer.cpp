// .tflite → graph IR. Order: identifier and flatbuffers Verifier; tensors (shapes,
// types, quantization, constant buffers, size limits); operators (op set, arity,
// options, dtypes and shapes cross-checked against what each kernel computes); graph
// structure (every input produced before use); then fusion (PAD into conv).
#include "mcuprof/compiler/importer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>
#include <tuple>

#include "mcuprof/compiler/io_int8.hpp"
#include "mcuprof/compiler/names.hpp"
#include "mcuprof/compiler/runnable.hpp"
#include "tflite_subset_generated.h"

namespace mcuprof::compiler {
namespace {

namespace tfl = mcuprof::tfl;

// At most three tensors by (shortened) name, then how many more: errors stay one line.
std::string quoted_names(const Graph& g, const std::vector<int32_t>& idx) {
  std::string s;
  for (std::size_t k = 0; k < idx.size() && k < 3; ++k) {
    const auto i = idx[k];
    if (!s.empty()) s += ", ";
    if (i < 0 || static_cast<std::size_t>(i) >= g.tensors.size())
      s += i < 0 ? "-" : fmt::format("#{}", i);
    else
      s += fmt::format("'{}'", short_name(g.tensors[static_cast<std::size_t>(i)].name));
  }
  if (idx.size() > 3) s += fmt::format(" and {} more", idx.size() - 3);
  return s.empty() ? "none" : s;
}

std::string builtin_name(int32_t code) {
  const char* n = tfl::EnumNameBuiltinOperator(static_cast<tfl::BuiltinOperator>(code));
  return (n && *n) ? std::string(n) : fmt::format("BUILTIN_{}", code);
}

std::optional<DType> map_dtype(tfl::TensorType t) {
  switch (t) {
    case tfl::TensorType::FLOAT32:
      return DType::kFloat32;
    case tfl::TensorType::INT32:
      return DType::kInt32;
    case tfl::TensorType::UINT8:
      return DType::kUInt8;
    case tfl::TensorType::INT64:
      return DType::kInt64;
    case tfl::TensorType::INT16:
      return DType::kInt16;
    case tfl::TensorType::INT8:
      return DType::kInt8;
    default:
      return std::nullopt;
  }
}

std::optional<OpType> map_op(int32_t code) {
  switch (static_cast<tfl::BuiltinOperator>(code)) {
    case tfl::BuiltinOperator::CONV_2D:
      return OpType::kConv2D;
    case tfl::BuiltinOperator::DEPTHWISE_CONV_2D:
      return OpType::kDepthwiseConv2D;
    case tfl::BuiltinOperator::FULLY_CONNECTED:
      return OpType::kFullyConnected;
    case tfl::BuiltinOperator::ADD:
      return OpType::kAdd;
    case tfl::BuiltinOperator::MUL:
      return OpType::kMul;
    case tfl::BuiltinOperator::MEAN:
      return OpType::kMean;
    case tfl::BuiltinOperator::AVERAGE_POOL_2D:
      return OpType::kAveragePool2D;
    case tfl::BuiltinOperator::MAX_POOL_2D:
      return OpType::kMaxPool2D;
    case tfl::BuiltinOperator::PAD:
      return OpType::kPad;
    case tfl::BuiltinOperator::RESHAPE:
      return OpType::kReshape;
    case tfl::BuiltinOperator::SOFTMAX:
      return OpType::kSoftmax;
    case tfl::BuiltinOperator::QUANTIZE:
      return OpType::kQuantize;
    case tfl::BuiltinOperator::DEQUANTIZE:
      return OpType::kDequantize;
    case tfl::BuiltinOperator::TRANSPOSE:
      return OpType::kTranspose;
    case tfl::BuiltinOperator::RESIZE_NEAREST_NEIGHBOR:
      return OpType::kResizeNearestNeighbor;
    case tfl::BuiltinOperator::CONCATENATION:
      return OpType::kConcatenation;
    default:
      return std::nullopt;
  }
}

// Output size of a windowed op along one axis (TFLite's ComputeOutSize) and the
// padding before it (ComputePaddingHeightWidth).
int64_t out_size(Padding p, int64_t in, int64_t k, int64_t stride, int64_t dil) {
  const int64_t eff = (k - 1) * dil + 1;
  if (p == Padding::kSame) return (in + stride - 1) / stride;
  return (in - eff + stride) / stride;
}
std::pair<int32_t, int32_t> same_pads(Padding p, int64_t in, int64_t k, int64_t stride, int64_t dil,
                                      int64_t out) {
  if (p == Padding::kValid) return {0, 0};
  const int64_t eff = (k - 1) * dil + 1;
  const int64_t total = std::max<int64_t>((out - 1) * stride + eff - in, 0);
  return {static_cast<int32_t>(total / 2), static_cast<int32_t>(total - total / 2)};
}

class Importer {
 public:
  Importer(std::span<const uint8_t> bytes, const ImportOptions& options)
      : options_(options), bytes_(bytes.begin(), bytes.end()) {}

  Graph run() {
    verify();
    model_ = tfl::GetModel(bytes_.data());
    read_tensors();
    read_ops();
    check_structure();
    if (options_.fuse_pad) fuse_pads();
    if (options_.int8_io) use_int8_io(g_);
    check_runnable(g_);
    return std::move(g_);
  }

 private:
  [[noreturn]] static void fail(const std::string& msg) { throw ModelError(msg); }

  void verify() {
    if (bytes_.size() < 8)
      fail(fmt::format("not a TensorFlow Lite model: file has only {} bytes", bytes_.size()));
    if (bytes_.size() >= kMaxFileBytes) fail("model file larger than 2 GiB");
    if (!flatbuffers::BufferHasIdentifier(bytes_.data(), tfl::ModelIdentifier()))
      fail("not a TensorFlow Lite model: missing the TFL3 file identifier");
    flatbuffers::Verifier verifier(bytes_.data(), bytes_.size(), 64, 1'000'000);
    if (!tfl::VerifyModelBuffer(verifier))
      fail(
          "corrupt TensorFlow Lite model: the flatbuffer verifier rejected the file (truncated or "
          "damaged)");
  }

  void read_tensors() {
    const auto* subgraphs = model_->subgraphs();
    if (!subgraphs || subgraphs->size() == 0) fail("model has no subgraph");
    sg_ = subgraphs->Get(0);
    const auto* tensors = sg_->tensors();
    if (!tensors || tensors->size() == 0) fail("subgraph 0 has no tensors");
    if (tensors->size() > kMaxTensors)
      fail(
          fmt::format("model has {} tensors (at most {} supported)", tensors->size(), kMaxTensors));
    const auto* buffers = model_->buffers();
    g_.description = model_->description() ? escape_name(model_->description()->str()) : "";
    g_.tensors.resize(tensors->size());
    for (uint32_t i = 0; i < tensors->size(); ++i) {
      const auto* t = tensors->Get(i);
      Tensor& out = g_.tensors[i];
      out.source_index = static_cast<int32_t>(i);
      // Names are arbitrary bytes in the file: invalid UTF-8 and control characters
      // become \xNN here, once, so every table, message and JSON document can print them.
      out.name = t->name() ? escape_name(t->name()->str()) : fmt::format("tensor{}", i);
      const auto where = [&] { return fmt::format("tensor {} '{}'", i, short_name(out.name)); };
      const auto dt = map_dtype(t->type());
      if (!dt) {
        const char* n = tfl::EnumNameTensorType(t->type());
        fail(fmt::format("{} has unsupported type {}", where(),
                         (n && *n) ? n : std::to_string(static_cast<int>(t->type()))));
      }
      out.dtype = *dt;
      if (t->sparsity())
        fail(fmt::format("{} is sparse; sparse tensors are not supported", where()));
      if (t->is_variable()) fail(fmt::format("{} is a variable tensor; not supported", where()));
      if (t->shape()) {
        if (t->shape()->size() > 5)
          fail(fmt::format("{} has rank {} (at most 5 supported)", where(), t->shape()->size()));
        int64_t n = 1;
        for (const auto d : *t->shape()) {
          if (d <= 0) fail(fmt::format("{} has a non-positive dimension {}", where(), d));
          n *= d;
          if (n * 8 > kMaxTensorBytes)
            fail(fmt::format("{} is absurdly large (more than {} elements)", where(),
                             kMaxTensorBytes / 8));
          out.shape.push_back(d);
        }
      }
      if (const auto* q = t->quantization()) {
        if (q->scale()) out.quant.scale.assign(q->scale()->begin(), q->scale()->end());
        if (const auto* zp = q->zero_point()) {
          // The verifier only checks 4-byte alignment of vectors; copy 64-bit elements
          // bytewise so a hostile file cannot cause misaligned loads.
          out.quant.zero_point.resize(zp->size());
          if (zp->size() > 0)
            std::memcpy(out.quant.zero_point.data(), zp->Data(), zp->size() * sizeof(int64_t));
        }
        out.quant.axis = q->quantized_dimension();
        if (out.quant.zero_point.empty() && !out.quant.scale.empty())
          out.quant.zero_point.assign(out.quant.scale.size(), 0);
        if (out.quant.zero_point.size() != out.quant.scale.size())
          fail(fmt::format("{}: {} scales but {} zero points", where(), out.quant.scale.size(),
                           out.quant.zero_point.size()));
        for (const auto s : out.quant.scale)
          if (!std::isnormal(s) || s <= 0.0f)
            fail(fmt::format("{} has an invalid quantization scale {}", where(), s));
        for (const auto z : out.quant.zero_point)
          if (z < -32768 || z > 65535)
            fail(fmt::format("{} has an invalid zero point {}", where(), z));
        if (out.quant.per_channel()) {
          if (out.quant.axis < 0 || static_cast<std::size_t>(out.quant.axis) >= out.shape.size())
            fail(fmt::format("{}: quantized dimension {} outside rank {}", where(), out.quant.axis,
                             out.shape.size()));
          if (static_cast<int64_t>(out.quant.scale.size()) !=
              out.shape[static_cast<std::size_t>(out.quant.axis)])
            fail(fmt::format("{}: {} per-channel scales for {} channels", where(),
                             out.quant.scale.size(),
                             out.shape[static_cast<std::size_t>(out.quant.axis)]));
        }
      }
      const uint32_t b = t->buffer();
      if (b != 0) {
        if (!buffers || b >= buffers->size())
          fail(fmt::format("{} refers to buffer {} but the model has {}", where(), b,
                           buffers ? buffers->size() : 0));
        const auto* buf = buffers->Get(b);
        if (buf->offset() > 1 || buf->size() > 0)
          fail(fmt::format(
              "{} keeps its data outside the flatbuffer (external buffer); not supported",
              where()));
        if (buf->data() && buf->data()->size() > 0) {
          if (static_cast<int64_t>(buf->data()->size()) != out.bytes())
            fail(fmt::format("{}: buffer {} holds {} bytes but shape {} of {} needs {}", where(), b,
                             buf->data()->size(), fmt::join(out.shape, "x"), to_string(out.dtype),
                             out.bytes()));
          out.data.assign(buf->data()->begin(), buf->data()->end());
          out.constant = true;
        }
      }
    }
  }

  const Tensor& T(int32_t i) const { return g_.tensors[static_cast<std::size_t>(i)]; }
  // A tensor's name as messages print it (long names elided in the middle).
  std::string N(int32_t i) const { return short_name(T(i).name); }

  void read_ops() {
    const auto* codes = model_->operator_codes();
    const auto* ops = sg_->operators();
    if (!ops || ops->size() == 0) fail("subgraph 0 has no operators");
    if (ops->size() > kMaxOperators)
      fail(
          fmt::format("model has {} operators (at most {} supported)", ops->size(), kMaxOperators));
    const auto n_tensors = static_cast<int32_t>(g_.tensors.size());
    for (uint32_t i = 0; i < ops->size(); ++i) {
      const auto* op = ops->Get(i);
      Operator o;
      o.source_index = static_cast<int32_t>(i);
      const auto read_list = [&](const flatbuffers::Vector<int32_t>* v, std::vector<int32_t>& dst,
                                 const char* what) {
        if (!v) return;
        for (const auto t : *v) {
          if (t < -1 || t >= n_tensors)
            fail(fmt::format("node {}: {} tensor index {} out of range (model has {} tensors)", i,
                             what, t, n_tensors));
          dst.push_back(t);
        }
      };
      read_list(op->inputs(), o.inputs, "input");
      read_list(op->outputs(), o.outputs, "output");
      if (!codes || op->opcode_index() >= codes->size())
        fail(fmt::format("node {}: opcode index {} out of range", i, op->opcode_index()));
      const auto* code = codes->Get(op->opcode_index());
      const int32_t builtin = std::max<int32_t>(code->deprecated_builtin_code(),
                                                static_cast<int32_t>(code->builtin_code()));
      const std::string name =
          builtin == static_cast<int32_t>(tfl::BuiltinOperator::CUSTOM)
              ? fmt::format("CUSTOM '{}'", code->custom_code()
                                               ? short_name(escape_name(code->custom_code()->str()))
                                               : "")
              : builtin_name(builtin);
      const auto type = map_op(builtin);
      if (!type)
        fail(fmt::format(
            "node {}: operator {} is not supported by the mcuprof runtime (inputs {}; outputs {})",
            i, name, quoted_names(g_, o.inputs), quoted_names(g_, o.outputs)));
      // Per-op problems name the node, its kind and the problem; the problem names the
      // one tensor concerned, not the op's whole tensor list.
      o.type = *type;
      try {
        check_op(op, o);
      } catch (const ModelError& e) {
        fail(fmt::format("node {} {}: {}", i, name, e.what()));
      }
      g_.ops.push_back(std::move(o));
    }
  }

  // --- per-op checks -------------------------------------------------------------------
  static void need(bool cond, const std::string& what) {
    if (!cond) throw ModelError(what);
  }
  void arity(const Operator& o, std::size_t min_in, std::size_t max_in, std::size_t outs) const {
    need(o.inputs.size() >= min_in && o.inputs.size() <= max_in,
         fmt::format("expects {}..{} inputs, has {}", min_in, max_in, o.inputs.size()));
    need(o.outputs.size() == outs,
         fmt::format("expects {} output(s), has {}", outs, o.outputs.size()));
    for (std::size_t k = 0; k < min_in; ++k)
      need(o.inputs[k] >= 0, fmt::format("required input {} is absent", k));
    for (const auto t : o.outputs) need(t >= 0, "an output tensor is absent");
  }
  void is_act_int8(int32_t t, const char* what) const {
    need(T(t).dtype == DType::kInt8,
         fmt::format("{} '{}' is {}, expected int8", what, N(t), to_string(T(t).dtype)));
    need(T(t).quant.present() && !T(t).quant.per_channel(),
         fmt::format("{} '{}' lacks per-tensor quantization", what, N(t)));
    need(T(t).zero_point() >= -128 && T(t).zero_point() <= 127,
         fmt::format("{} '{}' zero point out of int8 range", what, N(t)));
  }
  void is_rank(int32_t t, std::size_t r, const char* what) const {
    need(T(t).shape.size() == r,
         fmt::format("{} '{}' has rank {}, expected {}", what, N(t), T(t).shape.size(), r));
  }
  void not_const(int32_t t) const {
    need(!T(t).constant, fmt::format("tensor '{}' must not be constant", N(t)));
  }
  void same_quant(int32_t a, int32_t b) const {
    need(T(a).scale() == T(b).scale() && T(a).zero_point() == T(b).zero_point(),
         fmt::format("'{}' and '{}' must share scale and zero point", N(a), N(b)));
  }
  static Activation activation(tfl::ActivationFunctionType a) {
    switch (a) {
      case tfl::ActivationFunctionType::NONE:
        return Activation::kNone;
      case tfl::ActivationFunctionType::RELU:
        return Activation::kRelu;
      case tfl::ActivationFunctionType::RELU6:
        return Activation::kRelu6;
      default: {
        const char* n = tfl::EnumNameActivationFunctionType(a);
        throw ModelError(fmt::format("fused activation {} is not supported", (n && *n) ? n : "?"));
      }
    }
  }
  std::vector<int32_t> const_ints(int32_t t, const char* what) const {
    need(t >= 0 && T(t).constant, fmt::format("{} must be a constant tensor", what));
    const Tensor& x = T(t);
    std::vector<int32_t> v;
    if (x.dtype == DType::kInt32) {
      for (std::size_t k = 0; k + 4 <= x.data.size(); k += 4) {
        int32_t e;
        std::memcpy(&e, &x.data[k], 4);
        v.push_back(e);
      }
    } else if (x.dtype == DType::kInt64) {
      for (std::size_t k = 0; k + 8 <= x.data.size(); k += 8) {
        int64_t e;
        std::memcpy(&e, &x.data[k], 8);
        need(e >= INT32_MIN && e <= INT32_MAX, fmt::format("{} value out of range", what));
        v.push_back(static_cast<int32_t>(e));
      }
    } else {
      throw ModelError(fmt::format("{} '{}' must be int32 or int64", what, short_name(x.name)));
    }
    return v;
  }
  void weights(int32_t w, int32_t channels, int32_t axis) const {
    const Tensor& t = T(w);
    need(t.constant, fmt::format("weights '{}' must be constant", short_name(t.name)));
    need(t.dtype == DType::kInt8,
         fmt::format("weights '{}' are {}, expected int8", short_name(t.name), to_string(t.dtype)));
    need(t.quant.present(), fmt::format("weights '{}' are not quantized", short_name(t.name)));
    if (t.quant.per_channel())
      need(t.quant.axis == axis && static_cast<int32_t>(t.quant.scale.size()) == channels,
           fmt::format("weights '{}' per-channel quantization must run along dimension {}",
                       short_name(t.name), axis));
    for (const auto z : t.quant.zero_point)
      need(z == 0, fmt::format("weights '{}' must have zero point 0", short_name(t.name)));
  }
  void bias(const Operator& o, int32_t channels) const {
    if (o.inputs.size() < 3 || o.inputs[2] < 0) return;
    const Tensor& b = T(o.inputs[2]);
    need(b.constant && b.dtype == DType::kInt32,
         fmt::format("bias '{}' must be a constant int32 tensor", short_name(b.name)));
    need(b.elements() == channels, fmt::format("bias '{}' has {} values for {} channels",
                                               short_name(b.name), b.elements(), channels));
  }
  void window(Operator& o, int32_t in, int32_t out, int64_t kh, int64_t kw) {
    auto& opt = o.options;
    need(opt.stride_h >= 1 && opt.stride_w >= 1 && opt.stride_h <= 1024 && opt.stride_w <= 1024,
         "invalid stride");
    need(opt.dilation_h >= 1 && opt.dilation_w >= 1 && opt.dilation_h <= 1024 &&
             opt.dilation_w <= 1024,
         "invalid dilation");
    need(kh >= 1 && kw >= 1 && kh <= 4096 && kw <= 4096, "invalid window size");
    const auto& is = T(in).shape;
    const auto& os = T(out).shape;
    const int64_t oh = out_size(opt.padding, is[1], kh, opt.stride_h, opt.dilation_h);
    const int64_t ow = out_size(opt.padding, is[2], kw, opt.stride_w, opt.dilation_w);
    need(oh >= 1 && ow >= 1, "window larger than the input");
    need(os[0] == is[0] && os[1] == oh && os[2] == ow,
         fmt::format("output shape {} disagrees with the computed [{}, {}, {}, C]",
                     fmt::join(os, "x"), is[0], oh, ow));
    const auto [pt, pb] = same_pads(opt.padding, is[1], kh, opt.stride_h, opt.dilation_h, oh);
    const auto [pl, pr] = same_pads(opt.padding, is[2], kw, opt.stride_w, opt.dilation_w, ow);
    o.pads = {pt, pl, pb, pr};
  }
  static Padding padding(tfl::Padding p) {
    if (p == tfl::Padding::SAME) return Padding::kSame;
    if (p == tfl::Padding::VALID) return Padding::kValid;
    throw ModelError("unknown padding type");
  }
  std::vector<int64_t> broadcast(const std::vector<int32_t>& a,
                                 const std::vector<int32_t>& b) const {
    const std::size_t r = std::max(a.size(), b.size());
    need(r <= 5, "broadcast rank above 5");
    std::vector<int64_t> out(r);
    for (std::size_t k = 0; k < r; ++k) {
      const int64_t da = k + a.size() >= r ? a[k + a.size() - r] : 1;
      const int64_t db = k + b.size() >= r ? b[k + b.size() - r] : 1;
      need(da == db || da == 1 || db == 1, "input shapes cannot be broadcast together");
      out[k] = std::max(da, db);
    }
    return out;
  }

  // The common check of an int8 activation op: an int8 input and a non-constant int8
  // output; returns {input, output}.
  std::pair<int32_t, int32_t> int8_in_out(const Operator& o) const {
    const int32_t in = o.inputs[0], out = o.outputs[0];
    is_act_int8(in, "input"), is_act_int8(out, "output"), not_const(out);
    return {in, out};
  }
  // CONV_2D and DEPTHWISE_CONV_2D: a variable int8 NHWC input, rank-4 weights and an
  // int8 NHWC output; returns {input, weights, output}.
  std::tuple<int32_t, int32_t, int32_t> conv_tensors(const Operator& o) const {
    const auto [in, out] = int8_in_out(o);
    const int32_t w = o.inputs[1];
    not_const(in);
    is_rank(in, 4, "input"), is_rank(w, 4, "weights"), is_rank(out, 4, "output");
    return {in, w, out};
  }
  // CONV_2D and DEPTHWISE_CONV_2D read the same window options.
  template <typename ConvOptions>
  static void conv_options(OpOptions& opt, const ConvOptions& x) {
    opt.padding = padding(x.padding());
    opt.stride_h = x.stride_h(), opt.stride_w = x.stride_w();
    opt.dilation_h = x.dilation_h_factor(), opt.dilation_w = x.dilation_w_factor();
    opt.activation = activation(x.fused_activation_function());
  }

  void check_op(const tfl::Operator* op, Operator& o) {
    auto& opt = o.options;
    switch (o.type) {
      case OpType::kConv2D: {
        arity(o, 2, 3, 1);
        const auto* x = op->builtin_options_as_Conv2DOptions();
        need(x != nullptr, "missing Conv2DOptions");
        conv_options(opt, *x);
        const auto [in, w, out] = conv_tensors(o);
        const auto& ws = T(w).shape;
        need(ws[3] == T(in).shape[3], fmt::format("weights expect {} input channels, input has {} "
                                                  "(grouped convolution not supported)",
                                                  ws[3], T(in).shape[3]));
        need(T(out).shape[3] == ws[0], "output channels differ from the weights' output channels");
        weights(w, ws[0], 0);
        bias(o, ws[0]);
        window(o, in, out, ws[1], ws[2]);
        break;
      }
      case OpType::kDepthwiseConv2D: {
        arity(o, 2, 3, 1);
        const auto* x = op->builtin_options_as_DepthwiseConv2DOptions();
        need(x != nullptr, "missing DepthwiseConv2DOptions");
        conv_options(opt, *x);
        const auto [in, w, out] = conv_tensors(o);
        const auto& ws = T(w).shape;
        need(ws[0] == 1, "depthwise weights must have shape [1, H, W, C]");
        const int32_t cin = T(in).shape[3];
        need(ws[3] % cin == 0, "depthwise output channels not a multiple of the input channels");
        opt.depth_multiplier = ws[3] / cin;
        if (x->depth_multiplier() != 0)
          need(x->depth_multiplier() == opt.depth_multiplier,
               "depth_multiplier disagrees with the weights");
        need(T(out).shape[3] == ws[3], "output channels differ from the weights");
        weights(w, ws[3], 3);
        bias(o, ws[3]);
        window(o, in, out, ws[1], ws[2]);
        break;
      }
      case OpType::kFullyConnected: {
        arity(o, 2, 3, 1);
        const auto* x = op->builtin_options_as_FullyConnectedOptions();
        if (x) {
          opt.activation = activation(x->fused_activation_function());
          need(x->weights_format() == tfl::FullyConnectedOptionsWeightsFormat::DEFAULT,
               "shuffled weights not supported");
          need(!x->asymmetric_quantize_inputs(),
               "hybrid (asymmetric_quantize_inputs) not supported");
        }
        const int32_t in = o.inputs[0], w = o.inputs[1], out = o.outputs[0];
        is_act_int8(in, "input"), is_act_int8(out, "output"), not_const(in), not_const(out);
        is_rank(w, 2, "weights");
        const auto& ws = T(w).shape;
        need(T(in).elements() % ws[1] == 0, "input size is not a multiple of the weights' depth");
        need(T(out).elements() == T(in).elements() / ws[1] * ws[0],
             "output size disagrees with batches x units");
        need(!T(out).shape.empty() && T(out).shape.back() == ws[0],
             "output's last dimension differs from the units");
        weights(w, ws[0], 0);
        bias(o, ws[0]);
        break;
      }
      case OpType::kAdd:
      case OpType::kMul: {
        arity(o, 2, 2, 1);
        if (o.type == OpType::kAdd) {
          if (const auto* x = op->builtin_options_as_AddOptions())
            opt.activation = activation(x->fused_activation_function());
        } else if (const auto* x = op->builtin_options_as_MulOptions()) {
          opt.activation = activation(x->fused_activation_function());
        }
        is_act_int8(o.inputs[0], "input 1"), is_act_int8(o.inputs[1], "input 2"),
            is_act_int8(o.outputs[0], "output");
        not_const(o.outputs[0]);
        const auto b = broadcast(T(o.inputs[0]).shape, T(o.inputs[1]).shape);
        const auto& os = T(o.outputs[0]).shape;
        need(std::equal(b.begin(), b.end(), os.begin(), os.end()),
             "output shape is not the broadcast of the inputs");
        break;
      }
      case OpType::kMean: {
        arity(o, 2, 2, 1);
        if (const auto* x = op->builtin_options_as_ReducerOptions()) opt.keep_dims = x->keep_dims();
        const auto [in, out] = int8_in_out(o);
        const auto rank = static_cast<int32_t>(T(in).shape.size());
        need(rank >= 1 && rank <= 5, "input rank must be 1..5");
        std::set<int32_t> set;
        for (auto a : const_ints(o.inputs[1], "axis")) {
          if (a < 0) a += rank;
          need(a >= 0 && a < rank, "axis out of range");
          set.insert(a);
        }
        need(!set.empty(), "no axis to reduce");
        o.aux.assign(set.begin(), set.end());
        int64_t kept = 1;
        for (int32_t k = 0; k < rank; ++k)
          if (!set.count(k)) kept *= T(in).shape[static_cast<std::size_t>(k)];
        need(T(out).elements() == kept, "output size disagrees with the reduction");
        o.inputs.resize(1);
        break;
      }
      case OpType::kAveragePool2D:
      case OpType::kMaxPool2D: {
        arity(o, 1, 1, 1);
        const auto* x = op->builtin_options_as_Pool2DOptions();
        need(x != nullptr, "missing Pool2DOptions");
        opt.padding = padding(x->padding());
        opt.stride_h = x->stride_h(), opt.stride_w = x->stride_w();
        opt.filter_h = x->filter_height(), opt.filter_w = x->filter_width();
        opt.activation = activation(x->fused_activation_function());
        const auto [in, out] = int8_in_out(o);
        is_rank(in, 4, "input"), is_rank(out, 4, "output");
        need(T(out).shape[3] == T(in).shape[3], "pooling changes the channel count");
        same_quant(in, out);
        window(o, in, out, opt.filter_h, opt.filter_w);
        break;
      }
      case OpType::kPad: {
        arity(o, 2, 2, 1);
        const auto [in, out] = int8_in_out(o);
        same_quant(in, out);
        const auto p = const_ints(o.inputs[1], "paddings");
        const auto& is = T(in).shape;
        const auto& os = T(out).shape;
        need(p.size() == 2 * is.size() && os.size() == is.size(),
             "paddings must have shape [rank, 2]");
        for (std::size_t k = 0; k < is.size(); ++k) {
          need(p[2 * k] >= 0 && p[2 * k + 1] >= 0 && p[2 * k] <= 4096 && p[2 * k + 1] <= 4096,
               "invalid padding amount");
          need(int64_t{is[k]} + p[2 * k] + p[2 * k + 1] == os[k],
               "output shape disagrees with the paddings");
        }
        o.aux = p;
        break;
      }
      case OpType::kReshape: {
        arity(o, 1, 2, 1);
        const int32_t in = o.inputs[0], out = o.outputs[0];
        need(T(in).dtype == T(out).dtype, "reshape changes the type");
        need(T(in).elements() == T(out).elements(), "reshape changes the element count");
        not_const(out);
        if (T(in).dtype == DType::kInt8) same_quant(in, out);
        o.inputs.resize(1);  // the shape tensor is not needed at run time
        break;
      }
      case OpType::kSoftmax: {
        arity(o, 1, 1, 1);
        if (const auto* x = op->builtin_options_as_SoftmaxOptions()) opt.beta = x->beta();
        need(std::isfinite(opt.beta) && opt.beta > 0, "invalid softmax beta");
        const auto [in, out] = int8_in_out(o);
        need(T(in).shape == T(out).shape, "softmax changes the shape");
        need(T(out).zero_point() == -128 && std::fabs(T(out).scale() - 1.0f / 256.0f) < 1e-6f,
             "int8 softmax output must have scale 1/256 and zero point -128");
        break;
      }
      case OpType::kQuantize: {
        arity(o, 1, 1, 1);
        const int32_t in = o.inputs[0], out = o.outputs[0];
        need(T(in).dtype == DType::kFloat32 || T(in).dtype == DType::kInt8,
             "input must be float32 or int8");
        if (T(in).dtype == DType::kInt8) is_act_int8(in, "input");
        is_act_int8(out, "output"), not_const(out);
        need(T(in).shape == T(out).shape, "quantize changes the shape");
        break;
      }
      case OpType::kDequantize: {
        arity(o, 1, 1, 1);
        const int32_t in = o.inputs[0], out = o.outputs[0];
        is_act_int8(in, "input"), not_const(in);
        need(T(out).dtype == DType::kFloat32, "output must be float32");
        need(T(in).shape == T(out).shape, "dequantize changes the shape");
        break;
      }
      case OpType::kTranspose: {
        arity(o, 2, 2, 1);
        const auto [in, out] = int8_in_out(o);
        same_quant(in, out);
        const auto perm = const_ints(o.inputs[1], "perm");
        const auto& is = T(in).shape;
        const auto& os = T(out).shape;
        need(perm.size() == is.size() && os.size() == is.size(), "perm size differs from the rank");
        std::vector<bool> seen(is.size(), false);
        for (std::size_t k = 0; k < perm.size(); ++k) {
          need(perm[k] >= 0 && static_cast<std::size_t>(perm[k]) < is.size() &&
                   !seen[static_cast<std::size_t>(perm[k])],
               "perm is not a permutation");
          seen[static_cast<std::size_t>(perm[k])] = true;
          need(os[k] == is[static_cast<std::size_t>(perm[k])], "output shape disagrees with perm");
        }
        o.aux = perm;
        o.inputs.resize(1);
        break;
      }
      case OpType::kResizeNearestNeighbor: {
        arity(o, 2, 2, 1);
        if (const auto* x = op->builtin_options_as_ResizeNearestNeighborOptions()) {
          opt.align_corners = x->align_corners();
          opt.half_pixel_centers = x->half_pixel_centers();
        }
        const auto [in, out] = int8_in_out(o);
        is_rank(in, 4, "input"), is_rank(out, 4, "output");
        same_quant(in, out);
        const auto size = const_ints(o.inputs[1], "size");
        need(size.size() == 2, "size must hold 2 values");
        const auto& is = T(in).shape;
        const auto& os = T(out).shape;
        need(os[0] == is[0] && os[1] == size[0] && os[2] == size[1] && os[3] == is[3],
             "output shape disagrees with size");
        o.inputs.resize(1);
        break;
      }
      case OpType::kConcatenation: {
        need(!o.inputs.empty() && o.inputs.size() <= 64, "needs 1..64 inputs");
        arity(o, o.inputs.size(), o.inputs.size(), 1);
        const auto* x = op->builtin_options_as_ConcatenationOptions();
        const int32_t out = o.outputs[0];
        is_act_int8(out, "output"), not_const(out);
        const auto r = static_cast<int32_t>(T(out).shape.size());
        int32_t axis = x ? x->axis() : 0;
        if (x) opt.activation = activation(x->fused_activation_function());
        need(opt.activation == Activation::kNone,
             "fused activation on concatenation not supported");
        if (axis < 0) axis += r;
        need(axis >= 0 && axis < r, "axis out of range");
        opt.axis = axis;
        int64_t sum = 0;
        for (const auto in : o.inputs) {
          is_act_int8(in, "input");
          same_quant(in, out);
          const auto& is = T(in).shape;
          need(static_cast<int32_t>(is.size()) == r, "inputs differ in rank");
          for (int32_t k = 0; k < r; ++k)
            if (k != axis)
              need(is[static_cast<std::size_t>(k)] == T(out).shape[static_cast<std::size_t>(k)],
                   "inputs differ outside the axis");
          sum += is[static_cast<std::size_t>(axis)];
        }
        need(sum == T(out).shape[static_cast<std::size_t>(axis)],
             "output size along the axis is not the sum of the inputs");
        break;
      }
    }
  }

  void check_structure() {
    const auto n = static_cast<int32_t>(g_.tensors.size());
    const auto read_io = [&](const flatbuffers::Vector<int32_t>* v, std::vector<int32_t>& dst,
                             const char* what) {
      if (!v || v->size() == 0) fail(fmt::format("subgraph has no {}s", what));
      for (const auto t : *v) {
        if (t < 0 || t >= n)
          fail(fmt::format("subgraph {} tensor index {} out of range (model has {} tensors)", what,
                           t, n));
        dst.push_back(t);
      }
    };
    read_io(sg_->inputs(), g_.inputs, "input");
    read_io(sg_->outputs(), g_.outputs, "output");
    std::vector<bool> ready(g_.tensors.size(), false);
    for (const auto t : g_.inputs) {
      if (T(t).constant) fail(fmt::format("model input '{}' is a constant", N(t)));
      ready[static_cast<std::size_t>(t)] = true;
    }
    for (const auto& o : g_.ops) {
      for (const auto t : o.inputs)
        if (t >= 0 && !T(t).constant && !ready[static_cast<std::size_t>(t)])
          fail(fmt::format("node {}: input '{}' is used before any operator produces it",
                           o.source_index, N(t)));
      for (const auto t : o.outputs) {
        if (ready[static_cast<std::size_t>(t)])
          fail(fmt::format("node {}: output '{}' is produced twice", o.source_index, N(t)));
        ready[static_cast<std::size_t>(t)] = true;
      }
    }
    for (const auto t : g_.outputs)
      if (!ready[static_cast<std::size_t>(t)] && !T(t).constant)
        fail(fmt::format("model output '{}' is never produced", N(t)));
  }

  // PAD → CONV_2D / DEPTHWISE_CONV_2D: legal when only the conv reads the padded tensor,
  // only height/width are padded, and the pad value (the zero point) is the conv input's
  // zero point, so the conv's implicit zero padding computes the same sums.
  void fuse_pads() {
    std::vector<int> readers(g_.tensors.size(), 0);
    for (const auto& o : g_.ops)
      for (const auto t : o.inputs)
        if (t >= 0) ++readers[static_cast<std::size_t>(t)];
    std::vector<bool> drop(g_.ops.size(), false);
    for (std::size_t i = 0; i < g_.ops.size(); ++i) {
      const Operator& pad = g_.ops[i];
      if (pad.type != OpType::kPad) continue;
      const int32_t mid = pad.outputs[0];
      if (readers[static_cast<std::size_t>(mid)] != 1) continue;
      if (std::find(g_.outputs.begin(), g_.outputs.end(), mid) != g_.outputs.end()) continue;
      const auto& p = pad.aux;
      if (p.size() != 8 || p[0] || p[1] || p[6] || p[7]) continue;
      for (std::size_t j = i + 1; j < g_.ops.size(); ++j) {
        Operator& conv = g_.ops[j];
        if (conv.inputs.empty() || conv.inputs[0] != mid) continue;
        if (conv.type != OpType::kConv2D && conv.type != OpType::kDepthwiseConv2D) break;
        if (p[2] + conv.pads.top > 32767 || p[4] + conv.pads.left > 32767) break;
        conv.inputs[0] = pad.inputs[0];
        conv.pads.top += p[2], conv.pads.bottom += p[3];
        conv.pads.left += p[4], conv.pads.right += p[5];
        conv.fused_pad_node = pad.source_index;
        g_.tensors[static_cast<std::size_t>(mid)].removed = true;
        drop[i] = true;
        break;
      }
    }
    std::vector<Operator> kept;
    for (std::size_t i = 0; i < g_.ops.size(); ++i)
      if (!drop[i]) kept.push_back(std::move(g_.ops[i]));
    g_.ops = std::move(kept);
  }

  ImportOptions options_;
  std::vector<uint8_t> bytes_;  // own aligned copy: the verifier checks alignment
  const tfl::Model* model_ = nullptr;
  const tfl::SubGraph* sg_ = nullptr;
  Graph g_;
};

}  // namespace

Graph import_tflite(std::span<const uint8_t> bytes, const ImportOptions& options) {
  return Importer(bytes, options).run();
}

Graph import_tflite_file(const std::filesystem::path& path, const ImportOptions& options) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw ModelError(fmt::format("cannot open model '{}'", path.string()));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  try {
    return import_tflite(bytes, options);
  } catch (const ModelError& e) {
    throw ModelError(fmt::format("{}: {}", path.filename().string(), e.what()));
  }
}

}  // namespace mcuprof::compiler
