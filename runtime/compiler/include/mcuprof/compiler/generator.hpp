// Synthetic int8 .tflite models with seeded random weights (MobileNetV2, MCUNet-style,
// ResNet-style), written with the flatbuffers builder and our own schema, so tests and
// demos get large realistic models without shipping anyone's weights.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mcuprof::compiler {

struct GeneratorOptions {
  std::string family = "mobilenetv2";  // mobilenetv2 | mcunet | resnet
  double width = 1.0;                  // channel width multiplier
  int resolution = 0;                  // input height = width; 0: the family's default
  uint32_t seed = 1;
  int classes = 0;        // 0: the family's default
  bool se = false;        // mobilenetv2: a squeeze-excite block after every depthwise conv
  bool float_io = false;  // mobilenetv2: float32 input (QUANTIZE) and output (DEQUANTIZE)
};

// The accepted option ranges (`mcuprof generate` checks them before generating).
inline constexpr double kMinWidth = 0.1, kMaxWidth = 4.0;
inline constexpr int kMinResolution = 32, kMaxResolution = 1024;
inline constexpr int kMinClasses = 1, kMaxClasses = 100000;

// Throws ModelError for unknown families or out-of-range options (0 for resolution or
// classes means the family's default).
std::vector<uint8_t> generate_model(const GeneratorOptions& options);
std::vector<std::string> generator_families();

// A tiny model: int8 [1,8] → one operator with the given TFLite builtin code → int8 [1,8]
// (used to test refusal of unsupported ops).
std::vector<uint8_t> generate_single_op_model(int32_t builtin_code);

// Structurally valid flatbuffers carrying one semantic defect each, for tests of the
// importer's cross-checks: int8 [1,8] → FULLY_CONNECTED (weights [4,8]) → int8 [1,4].
enum class ModelDefect {
  kNone,
  kTensorIndexOutOfRange,  // an op input refers to tensor 99
  kBufferTooShort,         // weights buffer holds fewer bytes than the shape needs
  kBufferIndexOutOfRange,  // weights refer to buffer 42
  kZeroDimension,          // input shape [1, 0]
  kNegativeDimension,      // input shape [1, -8]
  kAbsurdDimensions,       // output shape [65536, 65536, 65536]
  kOpcodeIndexOutOfRange,  // operator refers to opcode 7
  kShapeMismatch,          // output shape [1, 5] for 4 units
  kUsedBeforeProduced,     // op reads a non-constant tensor nothing produces
  kCustomOp,               // the op is CUSTOM "MyOp"
  kConstantOutput,         // the model's outputs are "output" and the constant "weights"
};
std::vector<uint8_t> generate_defective_model(ModelDefect defect);

}  // namespace mcuprof::compiler
