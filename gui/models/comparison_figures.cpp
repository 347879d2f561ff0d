// Headline figures of two runs (see comparison_figures.hpp).
#include "comparison_figures.hpp"

namespace mcuprof::gui {

std::optional<double> HeadlineFigure::relative_delta() const {
  if (!has_delta() || a == 0) return std::nullopt;
  return (b - a) / a;
}

double cycles_per_mac(const traces::RunRecord& run) {
  return run.macs == 0 ? 0.0
                       : static_cast<double>(run.total_cycles) / static_cast<double>(run.macs);
}

std::vector<HeadlineFigure> headline_figures(const traces::RunRecord& a,
                                             const traces::RunRecord& b) {
  using U = HeadlineFigure::Unit;
  const auto num = [](std::string label, U unit, double va, double vb) {
    HeadlineFigure f;
    f.label = std::move(label);
    f.unit = unit;
    f.a = va;
    f.b = vb;
    return f;
  };
  const auto text = [](std::string label, std::string ta, std::string tb) {
    HeadlineFigure f;
    f.label = std::move(label);
    f.unit = U::Text;
    f.text_a = std::move(ta);
    f.text_b = std::move(tb);
    return f;
  };
  const auto d = [](uint64_t v) { return static_cast<double>(v); };
  const auto measured = [](HeadlineFigure f, bool in_a, bool in_b) {
    f.measured_a = in_a;
    f.measured_b = in_b;
    return f;
  };
  // Runs stored before schema version 4 have no SRAM-in-use column: their peak was it.
  const auto in_use = [](const traces::RunRecord& r) {
    return static_cast<double>(r.sram_in_use_peak_bytes > 0 ? r.sram_in_use_peak_bytes
                                                            : r.peak_sram_bytes);
  };
  const bool sized_a = a.sram_bytes > 0, sized_b = b.sram_bytes > 0;  // schema version 4
  return {
      text("schedule", a.schedule, b.schedule),
      num("peak SRAM", U::Bytes, d(a.peak_sram_bytes), d(b.peak_sram_bytes)),
      num("arena (part of peak SRAM)", U::Bytes, d(a.arena_bytes), d(b.arena_bytes)),
      measured(num("flash", U::Bytes, d(a.flash_bytes), d(b.flash_bytes)), sized_a, sized_b),
      num("SRAM in use, highest", U::Bytes, in_use(a), in_use(b)),
      text("highest in", a.peak_sram_where, b.peak_sram_where),
      num("latency (ms)", U::Milliseconds, a.latency_ms(), b.latency_ms()),
      num("cycles", U::Count, d(a.total_cycles), d(b.total_cycles)),
      measured(num("MACs", U::Count, d(a.macs), d(b.macs)), a.macs > 0, b.macs > 0),
      measured(num("cycles/MAC", U::Ratio, cycles_per_mac(a), cycles_per_mac(b)), a.macs > 0,
               b.macs > 0),
      measured(num("flash data reads", U::Bytes, d(a.flash_data_bytes), d(b.flash_data_bytes)),
               a.flash_data_measured, b.flash_data_measured),
      num("flash instruction reads", U::Bytes, d(a.flash_ifetch_bytes), d(b.flash_ifetch_bytes)),
      text("target", a.target, b.target),
  };
}

}  // namespace mcuprof::gui
