// The tables of `mcuprof run` for an ELF (see run_tables.hpp).
#include "run_tables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <vector>

#include "mcuprof/traces/function_names.hpp"
#include "table.hpp"

namespace mcuprof::profiler {

std::string window_words(const nlohmann::json& s) {
  const auto& w = s["inference_window"];
  if (w.value("source", "") == "whole run") return "the whole run";
  if (w.value("source", "") != "function") return "RUN_BEGIN..RUN_END";
  const auto calls = w["calls"].get<uint64_t>();
  return fmt::format("the first call to {}{}", w["function"].get<std::string>(),
                     calls > 1 ? fmt::format(" (1 of {} calls)", calls) : "");
}

void print_functions(const nlohmann::json& s) {
  const auto total_cycles = s["total_cycles"].get<uint64_t>();
  const double total = static_cast<double>(std::max<uint64_t>(1, total_cycles));
  const auto& w = s["functions_window"];
  if (w.value("markers", false))
    fmt::print(stderr,
               "functions in the inference window {} (cycles {}..{}, {} "
               "cycles; % of them):\n",
               window_words(s), format_count(w["begin_cycle"].get<uint64_t>()),
               format_count(w["end_cycle"].get<uint64_t>()), format_count(total_cycles));
  else
    fmt::print(stderr,
               "functions over the whole run (no RUN_BEGIN/RUN_END markers; {} cycles; % of "
               "them):\n",
               format_count(total_cycles));
  fmt::print(stderr, "{:>14} {:>6} {:>14} {:>6} {:>14} {:>10}  {}\n", "excl. cycles", "%",
             "incl. cycles", "%", "excl. instr.", "calls", "function");
  std::vector<const nlohmann::json*> shown;
  for (const auto& f : s["functions"])
    // Not those never on the call stack in the window, nor those that ran only outside it.
    if (f.contains("exclusive_cycles") && f["inclusive_cycles"].get<uint64_t>() > 0)
      shown.push_back(&f);
  std::vector<std::string> names;
  for (const auto* f : shown) names.push_back((*f)["name"].get<std::string>());
  const auto short_names = traces::short_function_names(names);  // the summary has the full ones
  for (std::size_t i = 0; i < shown.size(); ++i) {
    const auto& f = *shown[i];
    const auto self = f["exclusive_cycles"].get<uint64_t>();
    const auto all = f["inclusive_cycles"].get<uint64_t>();
    fmt::print(stderr, "{:>14} {:>6.2f} {:>14} {:>6.2f} {:>14} {:>10}  {}\n", format_count(self),
               100.0 * static_cast<double>(self) / total, format_count(all),
               100.0 * static_cast<double>(all) / total,
               format_count(f["exclusive_instructions"].get<uint64_t>()),
               format_count(f["call_stack_calls"].get<uint64_t>()), short_names[i]);
  }
}

void print_layers(const nlohmann::json& s) {
  // The layers inside the inference window (a firmware may run its model more than once).
  const auto& w = s["inference_window"];
  const auto from = w["begin_cycle"].get<uint64_t>();
  const auto to = w["end_cycle"].get<uint64_t>();
  std::vector<const nlohmann::json*> layers;
  for (const auto& span : s["spans"]) {
    if (span["kind"] != "layer") continue;
    const auto begin = span["begin_cycle"].get<uint64_t>();
    if (begin >= from && begin + span["cycles"].get<uint64_t>() <= to) layers.push_back(&span);
  }
  if (layers.empty()) return;
  const auto total_cycles = s["total_cycles"].get<uint64_t>();
  const double total = static_cast<double>(std::max<uint64_t>(1, total_cycles));
  uint64_t sum = 0;
  for (const auto* l : layers) sum += (*l)["cycles"].get<uint64_t>();
  fmt::print(stderr,
             "layers from {} in the inference window: {} layers, {} cycles = {:.2f} % of the "
             "window's {}\n",
             layers.front()->contains("function") ? "calls" : "markers", layers.size(),
             format_count(sum), 100.0 * static_cast<double>(sum) / total,
             format_count(total_cycles));
  const bool flash_data = s["flash_data_bytes"].is_number();
  const bool arena = s.value("arena_bytes", uint64_t{0}) > 0;
  Table t({">layer", "op", ">cycles", ">%", ">MACs", ">cycles/MAC", ">flash fetch", ">flash data",
           ">arena peak", ">SRAM in use"});
  for (const auto* l : layers) {
    const auto& span = *l;
    const auto cycles = span["cycles"].get<uint64_t>();
    const auto macs = span.value("macs", uint64_t{0});
    t.add_row(
        {fmt::format("{}", span["index"].get<uint64_t>()), span.value("op_name", std::string("?")),
         format_count(cycles), fmt::format("{:.2f}", 100.0 * static_cast<double>(cycles) / total),
         macs ? format_count(macs) : "",
         macs ? fmt::format("{:.2f}", static_cast<double>(cycles) / static_cast<double>(macs)) : "",
         format_bytes(span["flash_ifetch_bytes"].get<uint64_t>()),
         flash_data && span["flash_data_bytes"].is_number()
             ? format_bytes(span["flash_data_bytes"].get<uint64_t>())
             : "not measured",
         arena ? format_bytes(span["arena_live_peak_bytes"].get<uint64_t>()) : "",
         format_bytes(span["sram_in_use_peak_bytes"].get<uint64_t>())});
  }
  std::string text;
  {
    std::ostringstream out;
    t.print(out, TableFormat::Text);
    text = out.str();
  }
  fmt::print(stderr, "{}", text);
}

}  // namespace mcuprof::profiler
