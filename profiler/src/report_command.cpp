// `mcuprof report DB [--run ID|NAME] [--format text|markdown|json|csv]`: a stored run's
// summary, its per-layer table and, for patch-based runs, its per-patch table.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"
#include "mcuprof/traces/function_names.hpp"
#include "mcuprof/traces/store.hpp"
#include "report_support.hpp"
#include "table.hpp"

namespace mcuprof::profiler {
namespace {

struct ReportArgs {
  std::string db;
  std::string run;
  std::string format = "text";
};

Table function_table(const std::vector<traces::FunctionRow>& functions, TableFormat format) {
  Table t(format == TableFormat::Csv
              ? std::vector<std::string>{"function", "calls", "exclusive_cycles",
                                         "exclusive_share_pct", "inclusive_cycles",
                                         "inclusive_share_pct", "exclusive_instructions",
                                         "inclusive_flash_ifetch_bytes",
                                         "inclusive_flash_data_bytes"}
              : std::vector<std::string>{"function", ">calls", ">excl. cycles", ">excl. %",
                                         ">incl. cycles", ">incl. %", ">excl. instructions",
                                         ">flash fetch (incl.)", ">flash data (incl.)"});
  // Text tables show short names (function_names.hpp); CSV keeps the stored full ones.
  std::vector<std::string> names;
  for (const auto& f : functions) names.push_back(f.name);
  if (format != TableFormat::Csv) names = traces::short_function_names(names);
  for (std::size_t i = 0; i < functions.size(); ++i) {
    const auto& f = functions[i];
    t.add_row({names[i], count_cell(f.calls, format), count_cell(f.self_cycles, format),
               pct_cell(100.0 * f.self_share, format), count_cell(f.cycles, format),
               pct_cell(100.0 * f.share, format), count_cell(f.self_instructions, format),
               bytes_cell(f.flash_ifetch_bytes, format), bytes_cell(f.flash_data_bytes, format)});
  }
  return t;
}

int report(const ReportArgs& a) {
  const traces::TraceStore store = open_store_for_reading(a.db);
  const traces::RunRecord run = find_run_or_latest(store, a.run);
  const auto layers = store.layer_table(run.id);
  const auto patches = store.patch_table(run.id);
  const auto functions = store.function_table(run.id);
  const traces::InferenceWindow window = traces::inference_window(store, run);

  if (a.format == "json") {
    nlohmann::json j;
    j["run"] = run_json(run);
    add_time_axis(j["run"], run, window);
    j["run"]["memory_system"] = traces::run_slice_text(store, run, traces::kMemorySystemArg);
    j["layers"] = nlohmann::json::array();
    for (const auto& l : layers) j["layers"].push_back(layer_json(l, run.flash_data_measured));
    j["patches"] = nlohmann::json::array();
    for (const auto& p : patches)
      j["patches"].push_back(
          {{"name", p.name},
           {"row", p.patch_row},
           {"column", p.patch_col},
           {"cycles", p.cycles},
           {"latency_ms", p.ms},
           {"share_pct", 100.0 * p.share},
           {"macs", p.macs},
           {"flash_data_bytes",
            run.flash_data_measured ? nlohmann::json(p.flash_data_bytes) : nlohmann::json()},
           {"flash_ifetch_bytes", p.flash_ifetch_bytes},
           {"sram_in_use_peak_bytes", p.sram_peak_bytes}});
    j["functions"] = nlohmann::json::array();
    for (const auto& f : functions)
      j["functions"].push_back({{"name", f.name},
                                {"calls", f.calls},
                                {"exclusive_cycles", f.self_cycles},
                                {"inclusive_cycles", f.cycles},
                                {"exclusive_share_pct", 100.0 * f.self_share},
                                {"inclusive_share_pct", 100.0 * f.share},
                                {"exclusive_instructions", f.self_instructions},
                                {"inclusive_instructions", f.instructions},
                                {"inclusive_flash_ifetch_bytes", f.flash_ifetch_bytes},
                                {"inclusive_flash_data_bytes", f.flash_data_bytes}});
    std::cout << j.dump(2) << '\n';
    return exit_code::kOk;
  }

  const TableFormat format = table_format(a.format);
  if (format != TableFormat::Csv) {
    if (format == TableFormat::Markdown) std::cout << "## Run " << run_label(run) << "\n\n";
    summary_table(run, window, traces::run_slice_text(store, run, traces::kMemorySystemArg))
        .print(std::cout, format);
    std::cout << '\n';
    if (format == TableFormat::Markdown) std::cout << "## Layers\n\n";
  }
  const Table t = layer_table(run, layers, format);
  if (t.empty() && !functions.empty()) {
    // No markers: the per-function figures of the call stack take the layers' place.
    if (format == TableFormat::Markdown) std::cout << "## Functions\n\n";
    if (format != TableFormat::Csv)
      std::cout << "Functions in the " << window.describe() << ", % of its "
                << format_count(window.cycles()) << " cycles:\n";
    function_table(functions, format).print(std::cout, format);
  } else if (t.empty() && format != TableFormat::Csv) {
    std::cout << "(no layer spans: the firmware sent no layer events; try `mcuprof run "
                 "--function-cycles N`)\n";
  } else {
    t.print(std::cout, format);
  }
  if (!patches.empty() && format != TableFormat::Csv) {
    std::cout << (format == TableFormat::Markdown ? "\n## Patches\n\n" : "\n");
    Table p({"patch", ">row", ">col", ">cycles", ">ms", ">share", ">MACs", ">flash data",
             ">flash fetch", ">SRAM in use (peak)"});
    for (const auto& r : patches)
      p.add_row({r.name, std::to_string(r.patch_row), std::to_string(r.patch_col),
                 format_count(r.cycles), fmt::format("{:.3f}", r.ms),
                 fmt::format("{:.1f} %", 100.0 * r.share), format_count(r.macs),
                 flash_data_text(run, r.flash_data_bytes), format_bytes(r.flash_ifetch_bytes),
                 format_bytes(r.sram_peak_bytes)});
    p.print(std::cout, format);
  }
  return exit_code::kOk;
}

}  // namespace

void add_report_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<ReportArgs>();
  auto* cmd =
      app.add_subcommand("report", "Summary and per-layer/per-patch tables of a stored run");
  cmd->add_option("db", a->db, "Trace database")->required();
  cmd->add_option("--run", a->run, "Run id or name (default: the newest run)");
  cmd->add_option("--format", a->format, "text, markdown, json or csv (the layer table)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "markdown", "json", "csv"}));
  commands.push_back({cmd, [a] { return report(*a); }});
}

}  // namespace mcuprof::profiler
