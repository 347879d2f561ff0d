// The headline figures of two runs side by side (what `mcuprof compare` prints first):
// peak SRAM (docs/cli.md, "Figures": the stored figure, the same value `run --summary` and
// `report` give), its arena part, flash, SRAM in use at its highest and the span it
// happens in, latency, cycles, MACs (the delta is the MAC overhead of a patch-based
// schedule), cycles/MAC, flash data and instruction reads.
// Plain data for ComparisonSummaryModel; no Qt.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mcuprof/traces/records.hpp"

namespace mcuprof::gui {

struct HeadlineFigure {
  enum class Unit { Bytes, Milliseconds, Count, Ratio, Text };
  std::string label;
  Unit unit = Unit::Count;
  double a = 0;  // numeric figures (unused for Text)
  double b = 0;
  std::string text_a;  // Text figures
  std::string text_b;
  // False where the run did not measure the figure (MACs of an ELF without layer markers,
  // flash data reads not counted): shown as "n/a", with no delta.
  bool measured_a = true;
  bool measured_b = true;

  bool has_delta() const { return unit != Unit::Text && measured_a && measured_b; }
  double delta() const { return b - a; }
  // (b - a) / a, nullopt when a is 0, either is not measured or the figure is text.
  std::optional<double> relative_delta() const;
};

std::vector<HeadlineFigure> headline_figures(const traces::RunRecord& a,
                                             const traces::RunRecord& b);

// Cycles per MAC of a whole run (0 when it counted no MACs: then not measured).
double cycles_per_mac(const traces::RunRecord& run);

}  // namespace mcuprof::gui
