// Generates a GNU ld linker script for a target: memory regions from the target file,
// vector table first in code memory, .data loaded from code memory and copied to RAM,
// .bss, heap, and the stack at the top of data memory with its limit symbol.
#pragma once

#include <string>

#include "mcuprof/targets/target.hpp"

namespace mcuprof::targets {

std::string linker_script(const Target& target);

}  // namespace mcuprof::targets

namespace mcuprof::targets {

// arm-none-eabi-gcc code-generation flags for the target's core and FPU,
// e.g. "-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard".
std::string gcc_cpu_flags(const Target& target);

// A CMake snippet that the firmware build includes for this board: CPU flags,
// linker script path, core name, clock.
std::string firmware_cmake(const Target& target, const std::string& linker_script_path);

}  // namespace mcuprof::targets
