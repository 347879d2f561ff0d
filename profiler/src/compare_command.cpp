// `mcuprof compare DB RUN_A RUN_B [--format text|markdown|json|csv]`: two stored runs side
// by side — peak SRAM and where, latency, cycles, MACs, cycles/MAC, flash reads — with
// deltas, then the per-layer deltas (layers matched by index).
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "report_support.hpp"
#include "table.hpp"

namespace mcuprof::profiler {
namespace {

struct CompareArgs {
  std::string db;
  std::string a;
  std::string b;
  std::string format = "text";
};

double per_mac(const traces::RunRecord& r) {
  return r.macs ? static_cast<double>(r.total_cycles) / static_cast<double>(r.macs) : 0.0;
}

int compare(const CompareArgs& args) {
  const traces::TraceStore store = open_store_for_reading(args.db);
  const traces::RunRecord a = find_run_or_latest(store, args.a);
  const traces::RunRecord b = find_run_or_latest(store, args.b);
  const traces::RunComparison cmp = store.compare(a.id, b.id);

  if (args.format == "json") {
    nlohmann::json j;
    j["a"] = run_json(a);
    add_time_axis(j["a"], a, traces::inference_window(store, a));
    j["b"] = run_json(b);
    add_time_axis(j["b"], b, traces::inference_window(store, b));
    j["delta"] = {
        {"peak_sram_bytes",
         static_cast<int64_t>(b.peak_sram_bytes) - static_cast<int64_t>(a.peak_sram_bytes)},
        {"total_cycles",
         static_cast<int64_t>(b.total_cycles) - static_cast<int64_t>(a.total_cycles)},
        {"latency_ms", b.latency_ms() - a.latency_ms()},
        {"macs", static_cast<int64_t>(b.macs) - static_cast<int64_t>(a.macs)},
        {"flash_ifetch_bytes",
         static_cast<int64_t>(b.flash_ifetch_bytes) - static_cast<int64_t>(a.flash_ifetch_bytes)},
        {"flash_data_bytes", a.flash_data_measured && b.flash_data_measured
                                 ? nlohmann::json(static_cast<int64_t>(b.flash_data_bytes) -
                                                  static_cast<int64_t>(a.flash_data_bytes))
                                 : nlohmann::json()}};
    j["layers"] = nlohmann::json::array();
    for (const auto& l : cmp.layers)
      j["layers"].push_back(
          {{"index", l.layer_index},
           {"name", l.name},
           {"a", l.a ? layer_json(*l.a, a.flash_data_measured) : nlohmann::json()},
           {"b", l.b ? layer_json(*l.b, b.flash_data_measured) : nlohmann::json()}});
    std::cout << j.dump(2) << '\n';
    return exit_code::kOk;
  }

  const TableFormat format = table_format(args.format);
  const std::string name_a =
      fmt::format("run {}{}", a.id, a.schedule.empty() ? "" : " (" + a.schedule + ")");
  const std::string name_b =
      fmt::format("run {}{}", b.id, b.schedule.empty() ? "" : " (" + b.schedule + ")");
  if (format != TableFormat::Csv) {
    Table t({"figure", ">" + name_a, ">" + name_b, ">delta"});
    t.add_row({"peak SRAM", format_bytes(a.peak_sram_bytes), format_bytes(b.peak_sram_bytes),
               format_delta_pct(static_cast<double>(a.peak_sram_bytes),
                                static_cast<double>(b.peak_sram_bytes))});
    t.add_row({"peak in", a.peak_sram_where, b.peak_sram_where, ""});
    t.add_row({"latency (ms)", fmt::format("{:.3f}", a.latency_ms()),
               fmt::format("{:.3f}", b.latency_ms()),
               format_delta_pct(a.latency_ms(), b.latency_ms())});
    t.add_row({"cycles", format_count(a.total_cycles), format_count(b.total_cycles),
               format_delta_pct(static_cast<double>(a.total_cycles),
                                static_cast<double>(b.total_cycles))});
    t.add_row({"MACs", format_count(a.macs), format_count(b.macs),
               format_delta_pct(static_cast<double>(a.macs), static_cast<double>(b.macs))});
    t.add_row({"cycles/MAC", fmt::format("{:.2f}", per_mac(a)), fmt::format("{:.2f}", per_mac(b)),
               format_delta_pct(per_mac(a), per_mac(b))});
    t.add_row({"flash data reads", flash_data_text(a, a.flash_data_bytes),
               flash_data_text(b, b.flash_data_bytes),
               a.flash_data_measured && b.flash_data_measured
                   ? format_delta_pct(static_cast<double>(a.flash_data_bytes),
                                      static_cast<double>(b.flash_data_bytes))
                   : ""});
    t.add_row({"flash instruction reads", format_bytes(a.flash_ifetch_bytes),
               format_bytes(b.flash_ifetch_bytes),
               format_delta_pct(static_cast<double>(a.flash_ifetch_bytes),
                                static_cast<double>(b.flash_ifetch_bytes))});
    t.add_row({"target", a.target, b.target, ""});
    t.print(std::cout, format);
    std::cout << '\n';
  }
  Table layers({">#", "layer", ">cycles A", ">cycles B", ">delta", ">flash data A", ">flash data B",
                ">SRAM peak A", ">SRAM peak B"});
  for (const auto& l : cmp.layers) {
    const uint64_t ca = l.a ? l.a->cycles : 0;
    const uint64_t cb = l.b ? l.b->cycles : 0;
    layers.add_row(
        {l.layer_index >= 0 ? std::to_string(l.layer_index) : "", l.name,
         l.a ? format_count(ca) : "-", l.b ? format_count(cb) : "-",
         l.a && l.b ? format_delta_pct(static_cast<double>(ca), static_cast<double>(cb)) : "",
         l.a ? flash_data_text(a, l.a->flash_data_bytes) : "-",
         l.b ? flash_data_text(b, l.b->flash_data_bytes) : "-",
         l.a ? format_bytes(l.a->sram_peak_bytes) : "-",
         l.b ? format_bytes(l.b->sram_peak_bytes) : "-"});
  }
  if (!layers.empty()) layers.print(std::cout, format);
  return exit_code::kOk;
}

}  // namespace

void add_compare_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<CompareArgs>();
  auto* cmd = app.add_subcommand("compare", "Two stored runs side by side, with deltas");
  cmd->add_option("db", a->db, "Trace database")->required();
  cmd->add_option("run_a", a->a, "First run (id or name)")->required();
  cmd->add_option("run_b", a->b, "Second run (id or name)")->required();
  cmd->add_option("--format", a->format, "text, markdown, json or csv (the layer table)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "markdown", "json", "csv"}));
  commands.push_back({cmd, [a] { return compare(*a); }});
}

}  // namespace mcuprof::profiler
