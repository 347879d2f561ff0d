// The compiler's graph IR: what the importer builds from a .tflite file and what the
// planner, the statistics and the image writer read. Plain data, no flatbuffers types.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mcuprof::compiler {

// Any problem with a model (malformed file, unsupported op, inconsistent shapes). The
// message is one line naming the problem.
class ModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Element types, numbered as TFLite's TensorType (and the image's mcuprof_dtype).
enum class DType : uint8_t {
  kFloat32 = 0,
  kInt32 = 2,
  kUInt8 = 3,
  kInt64 = 4,
  kInt16 = 7,
  kInt8 = 9,
};
std::string_view to_string(DType t);
std::size_t element_size(DType t);

struct Quantization {
  std::vector<float> scale;         // one per tensor, or one per channel
  std::vector<int64_t> zero_point;  // same count as scale
  int32_t axis = 0;                 // channel dimension for per-channel
  bool present() const { return !scale.empty(); }
  bool per_channel() const { return scale.size() > 1; }
};

struct Tensor {
  std::string name;
  DType dtype = DType::kInt8;
  std::vector<int32_t> shape;
  Quantization quant;
  std::vector<uint8_t> data;  // constant contents; empty for activations
  bool constant = false;
  int32_t source_index = -1;  // index in the .tflite subgraph
  bool removed = false;       // eliminated by fusion, never materialised

  int64_t elements() const;
  int64_t bytes() const { return elements() * static_cast<int64_t>(element_size(dtype)); }
  int32_t zero_point() const {
    return quant.zero_point.empty() ? 0 : static_cast<int32_t>(quant.zero_point[0]);
  }
  float scale() const { return quant.scale.empty() ? 0.0f : quant.scale[0]; }
};

enum class OpType : uint8_t {
  kConv2D = 1,
  kDepthwiseConv2D,
  kFullyConnected,
  kAdd,
  kMul,
  kMean,
  kAveragePool2D,
  kMaxPool2D,
  kPad,
  kReshape,
  kSoftmax,
  kQuantize,
  kDequantize,
  kTranspose,
  kResizeNearestNeighbor,
  kConcatenation,
};
std::string_view to_string(OpType t);  // TFLite's name, e.g. "CONV_2D"

enum class Activation : uint8_t { kNone, kRelu, kRelu6 };
enum class Padding : uint8_t { kSame, kValid };

struct OpOptions {
  Padding padding = Padding::kValid;
  int32_t stride_h = 1, stride_w = 1;
  int32_t dilation_h = 1, dilation_w = 1;
  int32_t filter_h = 0, filter_w = 0;  // pools
  int32_t depth_multiplier = 1;
  int32_t axis = 0;  // concatenation, normalised to >= 0
  Activation activation = Activation::kNone;
  bool keep_dims = false;
  bool align_corners = false, half_pixel_centers = false;
  float beta = 1.0f;
};

// Explicit spatial padding of a conv or pool: SAME resolved, plus any fused PAD.
struct Pads {
  int32_t top = 0, left = 0, bottom = 0, right = 0;
};

struct Operator {
  OpType type{};
  int32_t source_index = -1;    // node index in the .tflite subgraph
  std::vector<int32_t> inputs;  // tensor indices; -1 for an absent optional input
  std::vector<int32_t> outputs;
  OpOptions options;
  Pads pads;
  std::optional<int32_t> fused_pad_node;  // node index of a PAD folded into this op
  std::vector<int32_t> aux;  // TRANSPOSE perm, PAD amounts (before/after per dim), MEAN axes
};

struct Graph {
  std::vector<Tensor> tensors;  // same indices as the .tflite subgraph
  std::vector<Operator> ops;    // execution order
  std::vector<int32_t> inputs, outputs;
  std::string description;
  // int8 model I/O (io_int8.hpp): the float boundary QUANTIZE/DEQUANTIZE were dropped.
  bool int8_io = false;
  // With int8_io, per model input the float32 tensor its dropped QUANTIZE read (-1: the
  // input was int8 already).
  std::vector<int32_t> float_inputs;

  const Tensor& tensor(int32_t i) const { return tensors.at(static_cast<std::size_t>(i)); }
  // An op's first input/output tensor (every supported op has one).
  const Tensor& in(const Operator& op, std::size_t k = 0) const { return tensor(op.inputs.at(k)); }
  const Tensor& out(const Operator& op, std::size_t k = 0) const {
    return tensor(op.outputs.at(k));
  }
};

}  // namespace mcuprof::compiler
