// Headline figures of two runs (see comparison_figures.hpp).
#include "comparison_figures.hpp"

namespace mcuprof::gui {

std::optional<double> HeadlineFigure::relative_delta() const {
  if (unit == Unit::Text || a == 0) return std::nullopt;
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
  return {
      text("schedule", a.schedule, b.schedule),
      num("peak SRAM", U::Bytes, d(a.peak_sram_bytes), d(b.peak_sram_bytes)),
      text("peak in", a.peak_sram_where, b.peak_sram_where),
      num("latency (ms)", U::Milliseconds, a.latency_ms(), b.latency_ms()),
      num("cycles", U::Count, d(a.total_cycles), d(b.total_cycles)),
      num("MACs", U::Count, d(a.macs), d(b.macs)),
      num("cycles/MAC", U::Ratio, cycles_per_mac(a), cycles_per_mac(b)),
      num("flash data reads", U::Bytes, d(a.flash_data_bytes), d(b.flash_data_bytes)),
      num("flash instruction reads", U::Bytes, d(a.flash_ifetch_bytes), d(b.flash_ifetch_bytes)),
      text("target", a.target, b.target),
  };
}

}  // namespace mcuprof::gui
