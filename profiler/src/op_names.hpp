// The names of ops, kept in one place because two numberings meet in the profiler:
//  - the trace protocol's op code (LAYER_BEGIN's payload): TFLite's BuiltinOperator code
//    since protocol 2 (MCUPROF_BUILTIN_* in runtime/firmware/include/mcuprof_trace.h), so a
//    TFLite Micro profiler hook and mcuprof's runtime name layers alike; protocol 1 carried
//    mcuprof's own numbering, translated on decoding (builtin_code_from_v1);
//  - the model image's op type (enum mcuprof_op_type in mcuprof_model_image.h, the same
//    values as compiler::OpType), which the image format keeps.
// Names from the trace go through builtin_op_name; names from an image through image_op_name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mcuprof/compiler/graph.hpp"
#include "mcuprof/profiler/attribution.hpp"

namespace mcuprof::profiler {

// TFLite's name of a BuiltinOperator code ("CONV_2D" for 3), the names TFLite Micro passes
// to its profiler; "BUILTIN_<n>" for a code TFLite's schema does not define (a newer
// TFLite's op), "?" for kNoOp (attribution.hpp: a layer from a call, or a protocol-1
// op code that named no op — protocol 1 defined 1..16 only).
std::string builtin_op_name(uint32_t code);

// The BuiltinOperator code of one of the compiler's (and the image's) op types.
uint32_t builtin_code(compiler::OpType type);

// The compiler's op type of a BuiltinOperator code, when mcuprof's runtime has that op.
std::optional<compiler::OpType> op_type_from_builtin(uint32_t code);

// Trace protocol 1's op code (mcuprof_op_type: CONV_2D = 1 ... CONCATENATION = 16) as a
// BuiltinOperator code; nullopt for a code protocol 1 did not define.
std::optional<uint32_t> builtin_code_from_v1(uint32_t code);

// The name of a model image's op type (mcuprof_op_type, not a trace op code): "CONV_2D",
// "?" for a type outside the image format.
std::string image_op_name(uint32_t type);

}  // namespace mcuprof::profiler
