// Builds a BlockTiming from decoded instructions and their per-instruction cycles:
// prefix sums, memory operands (with base-register tracking inside the block),
// divisions, the exit kind and the cycles spent per instruction-fetch line. Shared by
// every model, the unit model included.
#pragma once

#include <span>

#include "../thumb_decoder.hpp"
#include "mcuprof/sim/cycle_model.hpp"

namespace mcuprof::sim::cycle {

// Does an IT block run past the last of these instructions (the next block starts
// inside it)?
bool ends_inside_it(std::span<const Insn> insns);

BlockTiming assemble_block(uint32_t address, uint32_t size, std::span<const Insn> insns,
                           std::span<const uint32_t> cost, uint32_t fetch_line_bytes);

}  // namespace mcuprof::sim::cycle
