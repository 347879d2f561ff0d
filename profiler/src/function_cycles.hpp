// Cycles per function from the machine's block profile and the ELF's function
// symbols, for `mcuprof run --function-cycles`: where time goes without any markers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mcuprof/sim/elf_image.hpp"
#include "mcuprof/sim/machine.hpp"

namespace mcuprof::profiler {

struct FunctionCycles {
  std::string name;  // "(no symbol)" for code outside every function symbol
  uint32_t address = 0;
  uint64_t cycles = 0;
  uint64_t instructions = 0;
  uint64_t calls = 0;  // executions of the block at the function's entry
};

// One row per function that ran, most cycles first. Each block counts for the
// function holding its first instruction; the rows add up to the block total.
std::vector<FunctionCycles> cycles_per_function(const sim::ElfImage& image,
                                                const std::vector<sim::BlockProfile>& blocks);

}  // namespace mcuprof::profiler
