// Generates a GNU ld linker script for a target: memory regions from the target file,
// vector table first in code memory, .data loaded from code memory and copied to RAM,
// .bss, heap, and the stack at the top of data memory with its limit symbol.
#pragma once

#include <string>
#include <vector>

#include "mcuprof/targets/target.hpp"

namespace mcuprof::targets {

std::string linker_script(const Target& target);

}  // namespace mcuprof::targets

namespace mcuprof::targets {

// arm-none-eabi-gcc code-generation flags for the target's core and FPU,
// e.g. "-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard".
std::string gcc_cpu_flags(const Target& target);

// The preprocessor definitions the shared start-up code configures the board with
// (SystemInit in runtime/firmware/src/startup.c): the FLASH_ACR address and the value
// with the latency the clock needs, prefetch and the ART on; the nRF52 NVMC ICACHECNF
// address; the RP2040's XIP_CTRL address (on after reset: named for programs only);
// MCUPROF_L1_ICACHE / MCUPROF_L1_DCACHE for a Cortex-M7 with caches.
std::vector<std::string> startup_definitions(const Target& target);

// A CMake snippet that the firmware build includes for this board: CPU flags,
// linker script path, core name, clock, start-up definitions.
std::string firmware_cmake(const Target& target, const std::string& linker_script_path);

}  // namespace mcuprof::targets
