// Per-layer figures for `mcuprof inspect`: MACs, parameter counts, shapes, live bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mcuprof/compiler/graph.hpp"

namespace mcuprof::compiler {

// Multiply-accumulates of one op as usually counted: conv/depthwise/FC only, one per
// weight use (output elements x kernel volume). Other ops count 0.
int64_t macs(const Graph& g, const Operator& op);
// Constant elements the op reads (weights + bias + other constants).
int64_t params(const Graph& g, const Operator& op);
// Constant bytes the op reads (weights + bias + other constants).
int64_t param_bytes(const Graph& g, const Operator& op);
int64_t total_macs(const Graph& g);

}  // namespace mcuprof::compiler
