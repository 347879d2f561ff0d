// int8 model I/O (`--io int8`): the application hands the model int8 input and reads its
// int8 output, as TinyEngine and X-CUBE-AI applications do. The float boundary ops — a
// QUANTIZE float32 → int8 that reads a model input, a DEQUANTIZE int8 → float32 that
// produces a model output — are dropped from the graph: the model's inputs and outputs
// become their int8 tensors, the float tensors are never materialised.
// docs/runtime.md, "int8 model I/O", states the contract.
#pragma once

#include "mcuprof/compiler/graph.hpp"

namespace mcuprof::compiler {

// Rewrites `g` for int8 I/O and sets g.int8_io. Model inputs and outputs that are int8
// already stay as they are. Throws ModelError (one line) when a float32 input feeds
// anything but one QUANTIZE to int8, when a float32 output is not computed by a
// DEQUANTIZE from int8, or when nothing would be left to run.
void use_int8_io(Graph& g);

}  // namespace mcuprof::compiler
