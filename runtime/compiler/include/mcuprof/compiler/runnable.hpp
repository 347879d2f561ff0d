// The one check that a graph can be run by the runtime's executor, beyond the per-op
// checks of the importer: what the model image needs of the graph as a whole (every
// model output computed by an operator into the arena, every model input an activation).
// The importer calls it last, so `inspect`, `plan` and `run` accept and refuse the same
// models with the same one-line message.
#pragma once

#include "mcuprof/compiler/graph.hpp"

namespace mcuprof::compiler {

// Throws ModelError naming the tensor (index and name) and the problem, on one line.
void check_runnable(const Graph& g);

}  // namespace mcuprof::compiler
