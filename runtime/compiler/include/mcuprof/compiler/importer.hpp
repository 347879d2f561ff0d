// .tflite → graph IR: verifies the flatbuffer, cross-checks every index, shape and
// buffer, refuses anything outside the supported op set (naming op, node and tensors),
// and applies the fusions the runtime performs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

#include "mcuprof/compiler/graph.hpp"

namespace mcuprof::compiler {

struct ImportOptions {
  bool fuse_pad = true;  // fold PAD into the following CONV_2D/DEPTHWISE_CONV_2D when legal
  bool int8_io = false;  // drop the float boundary QUANTIZE/DEQUANTIZE (io_int8.hpp)
};

// Throws ModelError with a one-line message for any malformed or unsupported model.
Graph import_tflite(std::span<const uint8_t> bytes, const ImportOptions& options = {});
Graph import_tflite_file(const std::filesystem::path& path, const ImportOptions& options = {});

// Limits that keep hostile files from asking for absurd amounts of memory or time.
inline constexpr int64_t kMaxTensorBytes = int64_t{1} << 30;
inline constexpr std::size_t kMaxFileBytes = std::size_t{1} << 31;
inline constexpr std::size_t kMaxTensors = 16384;  // real MCU models have hundreds
inline constexpr std::size_t kMaxOperators = 8192;

}  // namespace mcuprof::compiler
