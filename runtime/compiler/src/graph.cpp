// Names and sizes for the graph IR's enums and tensors.
#include "mcuprof/compiler/graph.hpp"

namespace mcuprof::compiler {

std::string_view to_string(DType t) {
  switch (t) {
    case DType::kFloat32:
      return "float32";
    case DType::kInt32:
      return "int32";
    case DType::kUInt8:
      return "uint8";
    case DType::kInt64:
      return "int64";
    case DType::kInt16:
      return "int16";
    case DType::kInt8:
      return "int8";
  }
  return "?";
}

std::size_t element_size(DType t) {
  switch (t) {
    case DType::kFloat32:
      return 4;
    case DType::kInt32:
      return 4;
    case DType::kUInt8:
      return 1;
    case DType::kInt64:
      return 8;
    case DType::kInt16:
      return 2;
    case DType::kInt8:
      return 1;
  }
  return 1;
}

std::string_view to_string(OpType t) {
  switch (t) {
    case OpType::kConv2D:
      return "CONV_2D";
    case OpType::kDepthwiseConv2D:
      return "DEPTHWISE_CONV_2D";
    case OpType::kFullyConnected:
      return "FULLY_CONNECTED";
    case OpType::kAdd:
      return "ADD";
    case OpType::kMul:
      return "MUL";
    case OpType::kMean:
      return "MEAN";
    case OpType::kAveragePool2D:
      return "AVERAGE_POOL_2D";
    case OpType::kMaxPool2D:
      return "MAX_POOL_2D";
    case OpType::kPad:
      return "PAD";
    case OpType::kReshape:
      return "RESHAPE";
    case OpType::kSoftmax:
      return "SOFTMAX";
    case OpType::kQuantize:
      return "QUANTIZE";
    case OpType::kDequantize:
      return "DEQUANTIZE";
    case OpType::kTranspose:
      return "TRANSPOSE";
    case OpType::kResizeNearestNeighbor:
      return "RESIZE_NEAREST_NEIGHBOR";
    case OpType::kConcatenation:
      return "CONCATENATION";
  }
  return "?";
}

int64_t Tensor::elements() const {
  int64_t n = 1;
  for (const auto d : shape) n *= d;
  return n;
}

}  // namespace mcuprof::compiler
