// The firmware's memory-system configuration in the summary, store and console (see
// memory_system.hpp).
#include "memory_system.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <vector>

namespace mcuprof::profiler {
namespace {

nlohmann::json switch_json(bool present, bool on) {
  return present ? nlohmann::json(on) : nlohmann::json();
}

std::string on_off(bool on) {
  return on ? "on" : "off";
}

// What the board calls its flash caches.
std::string flash_cache_name(const sim::MemoryState& s) {
  return s.has_flash_dcache ? "ART" : "flash";
}

}  // namespace

nlohmann::json memory_system_json(const sim::MemoryState& s) {
  const auto& c = s.config;
  return {{"l1_icache", switch_json(s.has_l1_icache, c.l1_icache)},
          {"l1_dcache", switch_json(s.has_l1_dcache, c.l1_dcache)},
          {"flash_icache", switch_json(s.has_flash_icache, c.flash_icache)},
          {"flash_dcache", switch_json(s.has_flash_dcache, c.flash_dcache)},
          {"prefetch", switch_json(s.has_prefetch, c.prefetch)},
          {"flash_latency", s.latency ? nlohmann::json(*s.latency) : nlohmann::json()},
          {"flash_latency_needed",
           s.required_latency ? nlohmann::json(*s.required_latency) : nlohmann::json()},
          {"flash_wait_states", s.flash_wait_states},
          {"configured_by_firmware", s.controlled || s.has_l1_icache || s.has_l1_dcache},
          {"cache_invalidations", s.cache_invalidations}};
}

std::string describe_memory_system(const sim::MemoryState& s) {
  const auto& c = s.config;
  std::vector<std::string> parts;
  if (s.has_l1_icache) parts.push_back("L1 I-cache " + on_off(c.l1_icache));
  if (s.has_l1_dcache) parts.push_back("L1 D-cache " + on_off(c.l1_dcache));
  if (s.has_flash_icache)
    parts.push_back(fmt::format("{} I-cache {}", flash_cache_name(s), on_off(c.flash_icache)));
  if (s.has_flash_dcache)
    parts.push_back(fmt::format("{} D-cache {}", flash_cache_name(s), on_off(c.flash_dcache)));
  if (s.has_prefetch) parts.push_back("prefetch " + on_off(c.prefetch));
  std::string text = fmt::format("{}", fmt::join(parts, ", "));
  if (s.latency && s.required_latency)
    text +=
        fmt::format("{}FLASH_ACR.LATENCY {} ({} needed): {} wait states", text.empty() ? "" : "; ",
                    *s.latency, *s.required_latency, s.flash_wait_states);
  if (text.empty()) return "no caches or flash accelerator";
  if (!s.controlled && !s.has_l1_icache && !s.has_l1_dcache)
    text += " (always on: no control register)";
  return text;
}

std::string memory_system_warning(const sim::MemoryState& s, const targets::Target& t) {
  if (!s.latency_too_low()) return {};
  return fmt::format(
      "mcuprof: warning: {}: the firmware left FLASH_ACR.LATENCY at {}, but flash at the board's "
      "{:g} MHz needs {}: a real chip would have to run at a slower clock (or read flash "
      "wrongly); timed with the {} wait states the clock needs\n",
      t.name, *s.latency, static_cast<double>(t.clock_hz) / 1e6, *s.required_latency,
      s.flash_wait_states);
}

}  // namespace mcuprof::profiler
