// The headline figures' one definition (see figures.hpp).
#include "mcuprof/profiler/figures.hpp"

#include <fmt/format.h>

namespace mcuprof::profiler {
namespace {

double pct(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

uint64_t u64(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<uint64_t>() : 0;
}

}  // namespace

BoardSizes board_sizes(const targets::Target& target) {
  return {target.name, target.data().size, target.code().size, target.clock_hz};
}

double Figures::sram_pct() const {
  return pct(peak_sram_bytes(), board.sram_bytes);
}

double Figures::flash_pct() const {
  return pct(flash_bytes(), board.flash_bytes);
}

std::string fit_problem(const Figures& f, const std::string& what) {
  if (!f.fits_flash())
    return fmt::format(
        "{} does not fit {}'s flash: {} bytes (firmware {} + model image and input {}) > {} "
        "bytes of flash, {} over; no schedule changes flash: use a smaller model (fewer or "
        "narrower layers), a board with more flash, or a what-if board such as whatif_m7_8m "
        "(see 'mcuprof targets')",
        what, f.board.name, f.flash_bytes(), f.flash.firmware_bytes, f.flash.model_bytes,
        f.board.flash_bytes, f.flash_bytes() - f.board.flash_bytes);
  if (!f.fits_sram())
    return fmt::format(
        "{} does not fit {}'s SRAM: peak SRAM {} bytes (static {} + arena {} + kernel scratch {} "
        "+ stack {}) > {} bytes, {} over; try a patch-based schedule ('mcuprof plan', "
        "--schedule auto), a smaller model or a larger (what-if) board, see 'mcuprof targets'",
        what, f.board.name, f.peak_sram_bytes(), f.sram.static_bytes, f.sram.arena_bytes,
        f.sram.kernel_scratch_bytes, f.sram.stack_bytes, f.board.sram_bytes,
        f.peak_sram_bytes() - f.board.sram_bytes);
  return {};
}

void add_figures(const Figures& f, nlohmann::json& j) {
  j["peak_sram_bytes"] = f.peak_sram_bytes();
  j["static_sram_bytes"] = f.sram.static_bytes;
  j["arena_bytes"] = f.sram.arena_bytes;
  j["kernel_scratch_bytes"] = f.sram.kernel_scratch_bytes;
  j["stack_bytes"] = f.sram.stack_bytes;
  j["sram_bytes"] = f.board.sram_bytes;
  j["sram_pct"] = f.sram_pct();
  j["flash_bytes"] = f.flash_bytes();
  j["firmware_flash_bytes"] = f.flash.firmware_bytes;
  j["model_flash_bytes"] = f.flash.model_bytes;
  j["flash_size_bytes"] = f.board.flash_bytes;
  j["flash_pct"] = f.flash_pct();
  j["fits_sram"] = f.fits_sram();
  j["fits_flash"] = f.fits_flash();
  j["fits"] = f.fits();
}

Figures figures_from_json(const nlohmann::json& j) {
  Figures f;
  f.board.name = j.value("target", std::string());
  f.board.sram_bytes = u64(j, "sram_bytes");
  f.board.flash_bytes = u64(j, "flash_size_bytes");
  f.board.clock_hz = u64(j, "clock_hz");
  f.sram = {u64(j, "static_sram_bytes"), u64(j, "arena_bytes"), u64(j, "kernel_scratch_bytes"),
            u64(j, "stack_bytes")};
  f.flash = {u64(j, "firmware_flash_bytes"), u64(j, "model_flash_bytes")};
  return f;
}

double latency_ms(uint64_t cycles, uint64_t clock_hz) {
  return clock_hz == 0 ? 0.0 : static_cast<double>(cycles) * 1000.0 / static_cast<double>(clock_hz);
}

nlohmann::json cycles_per_mac(uint64_t cycles, uint64_t macs) {
  return macs == 0 ? nlohmann::json()
                   : nlohmann::json(static_cast<double>(cycles) / static_cast<double>(macs));
}

nlohmann::json macs_json(uint64_t macs) {
  return macs == 0 ? nlohmann::json() : nlohmann::json(macs);
}

}  // namespace mcuprof::profiler
