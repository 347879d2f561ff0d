// Op names and the mappings between TFLite's BuiltinOperator codes (the trace protocol's op
// code) and the compiler's op types (the model image's numbering); see op_names.hpp.
#include "op_names.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "mcuprof_model_image.h"
#include "mcuprof_trace.h"

namespace mcuprof::profiler {
namespace {

using compiler::OpType;

// The image's op types are the compiler's (the image writer stores OpType's value).
static_assert(MCUPROF_OP_CONV_2D == static_cast<int>(OpType::kConv2D));
static_assert(MCUPROF_OP_CONCATENATION == static_cast<int>(OpType::kConcatenation));

// Every op type mcuprof's runtime runs, with TFLite's code for it.
constexpr std::array<std::pair<OpType, uint32_t>, 16> kBuiltin = {{
    {OpType::kConv2D, MCUPROF_BUILTIN_CONV_2D},
    {OpType::kDepthwiseConv2D, MCUPROF_BUILTIN_DEPTHWISE_CONV_2D},
    {OpType::kFullyConnected, MCUPROF_BUILTIN_FULLY_CONNECTED},
    {OpType::kAdd, MCUPROF_BUILTIN_ADD},
    {OpType::kMul, MCUPROF_BUILTIN_MUL},
    {OpType::kMean, MCUPROF_BUILTIN_MEAN},
    {OpType::kAveragePool2D, MCUPROF_BUILTIN_AVERAGE_POOL_2D},
    {OpType::kMaxPool2D, MCUPROF_BUILTIN_MAX_POOL_2D},
    {OpType::kPad, MCUPROF_BUILTIN_PAD},
    {OpType::kReshape, MCUPROF_BUILTIN_RESHAPE},
    {OpType::kSoftmax, MCUPROF_BUILTIN_SOFTMAX},
    {OpType::kQuantize, MCUPROF_BUILTIN_QUANTIZE},
    {OpType::kDequantize, MCUPROF_BUILTIN_DEQUANTIZE},
    {OpType::kTranspose, MCUPROF_BUILTIN_TRANSPOSE},
    {OpType::kResizeNearestNeighbor, MCUPROF_BUILTIN_RESIZE_NEAREST_NEIGHBOR},
    {OpType::kConcatenation, MCUPROF_BUILTIN_CONCATENATION},
}};
static_assert(kBuiltin.size() == static_cast<size_t>(OpType::kConcatenation));

}  // namespace

std::string builtin_op_name(uint32_t code) {
  switch (code) {
#define MCUPROF_BUILTIN_CASE_(name, value) \
  case value:                              \
    return #name;
    MCUPROF_BUILTIN_OPS(MCUPROF_BUILTIN_CASE_)
#undef MCUPROF_BUILTIN_CASE_
    case kNoOp:
      return "?";
    default:
      return fmt::format("BUILTIN_{}", code);
  }
}

uint32_t builtin_code(OpType type) {
  for (const auto& [t, code] : kBuiltin)
    if (t == type) return code;
  return MCUPROF_BUILTIN_CUSTOM;  // unreachable: kBuiltin lists every OpType
}

std::optional<OpType> op_type_from_builtin(uint32_t code) {
  for (const auto& [t, c] : kBuiltin)
    if (c == code) return t;
  return std::nullopt;
}

std::optional<uint32_t> builtin_code_from_v1(uint32_t code) {
  if (code < static_cast<uint32_t>(OpType::kConv2D) ||
      code > static_cast<uint32_t>(OpType::kConcatenation))
    return std::nullopt;
  return builtin_code(static_cast<OpType>(code));
}

std::string image_op_name(uint32_t type) {
  if (type < static_cast<uint32_t>(OpType::kConv2D) ||
      type > static_cast<uint32_t>(OpType::kConcatenation))
    return "?";
  return std::string(compiler::to_string(static_cast<OpType>(type)));
}

}  // namespace mcuprof::profiler
