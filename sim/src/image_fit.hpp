// The check Machine::load makes before placing anything: every segment of the image —
// its file bytes at the load address and its whole run-time extent, zero-fill (.bss)
// included, at the run address — lies inside one memory of the board.
#pragma once

#include "mcuprof/sim/elf_image.hpp"
#include "mcuprof/targets/target.hpp"

namespace mcuprof::sim {

// Throws SimError(ImageDoesNotFit) naming the segment, its address and size and the
// memory it overruns (or that no memory holds its address).
void check_image_fits(const ElfImage& image, const targets::Target& target);

}  // namespace mcuprof::sim
