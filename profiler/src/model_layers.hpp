// Layers from calls named after the model a stock firmware runs (`mcuprof run FW.elf
// --model MODEL.tflite`): the .tflite's operators in order, with their op names and
// MACs, and the check that the calls line up with them (else a warning, and the layers
// keep the functions' names).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "call_spans.hpp"

namespace mcuprof::profiler {

struct ModelOperator {
  std::string op;     // TFLite's name: "CONV_2D"
  uint32_t code = 0;  // TFLite's BuiltinOperator code
  uint64_t macs = 0;  // 0 for ops without multiply-accumulates
};

// The model's operators in the .tflite's order (PAD not folded away). Throws
// compiler::ModelError (or std::runtime_error) naming the problem.
std::vector<ModelOperator> model_operators(const std::filesystem::path& model);

// The names and MACs for `calls` (their called functions' addresses, in order), or the
// reason they do not line up with `ops` (then `warning` is set and the names are empty).
// As many calls as ops (an interpreter): one op each, and each function serves one kind
// of op. Fewer calls (a code generator's layers, TinyEngine): each call runs one op or a
// run of ops of one kind without MACs, only PAD, QUANTIZE, DEQUANTIZE, TRANSPOSE and RESHAPE may
// have no call, and a kernel whose name says what it computes must compute that (`note` says how
// they were lined up).
struct ModelMatch {
  CallSpans::ModelNames names;
  std::string warning;
  std::string note;  // how fewer calls than operators were lined up
};
ModelMatch match_model(const std::vector<ModelOperator>& ops,
                       const std::vector<uint32_t>& call_functions,
                       const std::vector<std::string>& function_names);

}  // namespace mcuprof::profiler
