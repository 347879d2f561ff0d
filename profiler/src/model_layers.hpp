// Layers from calls named after the model a stock firmware runs (`mcuprof run FW.elf
// --model MODEL.tflite`): the .tflite's operators in order, with their op names and
// MACs, and the check that the calls line up with them — as many calls as operators, and
// each called function serving one kind of op (else a warning, and the layers keep the
// functions' names).
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
struct ModelMatch {
  CallSpans::ModelNames names;
  std::string warning;
};
ModelMatch match_model(const std::vector<ModelOperator>& ops,
                       const std::vector<uint32_t>& call_functions,
                       const std::vector<std::string>& function_names);

}  // namespace mcuprof::profiler
