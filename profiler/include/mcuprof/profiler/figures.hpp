// The one definition of every headline figure (docs/cli.md, "Figures"): peak SRAM and its
// parts, arena, flash bytes and their parts, the board's sizes, % of SRAM, latency,
// cycles/MAC and whether a run fits. `inspect`, `plan`, both forms of `run`, the stored
// run, `report`, `compare`, `plot` and the gates all take them from here, under the same
// keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mcuprof/targets/target.hpp"

namespace mcuprof::profiler {

// SRAM the firmware needs, in parts. Peak SRAM is their sum: memory the board must have
// for the whole run, whatever the moment (the arena and the stack are reserved whole).
struct SramParts {
  uint64_t static_bytes = 0;          // .data + .bss in the board's RAM, the arena excluded
  uint64_t arena_bytes = 0;           // the tensor arena (the model image's planned arena)
  uint64_t kernel_scratch_bytes = 0;  // kernels' scratch after the arena (with its alignment)
  uint64_t stack_bytes = 0;           // the stack reserve (__StackTop - __StackLimit)
  uint64_t peak_sram_bytes() const {
    return static_bytes + arena_bytes + kernel_scratch_bytes + stack_bytes;
  }
};

// Flash the firmware occupies, in parts.
struct FlashParts {
  uint64_t firmware_bytes = 0;  // the firmware up to where a model image goes
  uint64_t model_bytes = 0;     // the model image and the input placed after it (0 for an ELF)
  uint64_t flash_bytes() const { return firmware_bytes + model_bytes; }
};

// The board's sizes the figures are measured against.
struct BoardSizes {
  std::string name;
  uint64_t sram_bytes = 0;   // the data memory the linker scripts use
  uint64_t flash_bytes = 0;  // the code memory
  uint64_t clock_hz = 0;
};
BoardSizes board_sizes(const targets::Target& target);

struct Figures {
  BoardSizes board;
  SramParts sram;
  FlashParts flash;

  uint64_t peak_sram_bytes() const { return sram.peak_sram_bytes(); }
  uint64_t flash_bytes() const { return flash.flash_bytes(); }
  double sram_pct() const;   // peak SRAM, % of the board's SRAM
  double flash_pct() const;  // flash bytes, % of the board's flash
  bool fits_sram() const { return peak_sram_bytes() <= board.sram_bytes; }
  bool fits_flash() const { return flash_bytes() <= board.flash_bytes; }
  bool fits() const { return fits_sram() && fits_flash(); }
};

// Empty when it fits; otherwise one line saying what does not fit, by how much, and what
// can help (a schedule can shrink SRAM, never flash).
std::string fit_problem(const Figures& f, const std::string& what);

// Adds the figures under their keys (docs/schemas/run-summary.schema.json): peak_sram_bytes,
// static_sram_bytes, arena_bytes, kernel_scratch_bytes, stack_bytes, sram_bytes, sram_pct,
// flash_bytes, firmware_flash_bytes, model_flash_bytes, flash_size_bytes, flash_pct,
// fits_sram, fits_flash, fits.
void add_figures(const Figures& f, nlohmann::json& j);
// The same, read back (from a summary or a stored run's JSON).
Figures figures_from_json(const nlohmann::json& j);

// Latency of `cycles` at `clock_hz`, in ms (0 when the clock is unknown).
double latency_ms(uint64_t cycles, uint64_t clock_hz);
// Cycles per MAC; null when there are no MACs (an ELF without layer markers).
nlohmann::json cycles_per_mac(uint64_t cycles, uint64_t macs);
// MACs: null when nothing counted any.
nlohmann::json macs_json(uint64_t macs);

// How a part of peak SRAM is labelled where a command shows only that part.
inline constexpr const char* kArenaLabel = "arena (part of peak SRAM)";

}  // namespace mcuprof::profiler
