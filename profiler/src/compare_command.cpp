// `mcuprof compare DB RUN_A RUN_B [--format text|markdown|json|csv]`: two stored runs side
// by side — peak SRAM and its parts, latency, cycles, MACs, cycles/MAC, flash — with
// deltas, then the per-layer deltas. Layers are matched by name: the op and its index among
// the ops of that kind (the 3rd CONV_2D of A with the 3rd CONV_2D of B), so two different
// models compare layer for layer (and the output says the models differ).
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/figures.hpp"
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

std::string model_of(const traces::RunRecord& r) {
  return r.model_path.empty() ? r.firmware_path : r.model_path;
}

// One line when the runs are of different models (or firmware): what is being compared.
std::string models_note(const traces::RunRecord& a, const traces::RunRecord& b) {
  const bool same_model = !a.model_sha256.empty() || !b.model_sha256.empty()
                              ? a.model_sha256 == b.model_sha256
                              : a.firmware_sha256 == b.firmware_sha256;
  if (same_model) return {};
  return fmt::format(
      "note: different models ({} and {}): layers matched by op and their index among the ops of "
      "that kind",
      std::filesystem::path(model_of(a)).filename().string(),
      std::filesystem::path(model_of(b)).filename().string());
}

nlohmann::json delta(uint64_t a, uint64_t b) {
  return static_cast<int64_t>(b) - static_cast<int64_t>(a);
}

int compare(const CompareArgs& args) {
  const traces::TraceStore store = open_store_for_reading(args.db);
  const traces::RunRecord a = find_run_or_latest(store, args.a);
  const traces::RunRecord b = find_run_or_latest(store, args.b);
  const auto layers = store.compare(a.id, b.id).layers;  // matched by op and index
  const std::string note = models_note(a, b);
  const Figures fa = run_figures(a), fb = run_figures(b);

  if (args.format == "json") {
    nlohmann::json j;
    j["a"] = run_json(a);
    add_time_axis(j["a"], a, traces::inference_window(store, a));
    j["b"] = run_json(b);
    add_time_axis(j["b"], b, traces::inference_window(store, b));
    j["same_model"] = note.empty();
    j["note"] = note.empty() ? nlohmann::json() : nlohmann::json(note);
    const auto cpm_a = cycles_per_mac(a.total_cycles, a.macs);
    const auto cpm_b = cycles_per_mac(b.total_cycles, b.macs);
    j["delta"] = {
        {"peak_sram_bytes", delta(a.peak_sram_bytes, b.peak_sram_bytes)},
        {"arena_bytes", delta(a.arena_bytes, b.arena_bytes)},
        {"flash_bytes", delta(fa.flash_bytes(), fb.flash_bytes())},
        {"total_cycles", delta(a.total_cycles, b.total_cycles)},
        {"latency_ms", b.latency_ms() - a.latency_ms()},
        {"macs", a.macs && b.macs ? delta(a.macs, b.macs) : nlohmann::json()},
        {"cycles_per_mac", cpm_a.is_null() || cpm_b.is_null()
                               ? nlohmann::json()
                               : nlohmann::json(cpm_b.get<double>() - cpm_a.get<double>())},
        {"flash_ifetch_bytes", delta(a.flash_ifetch_bytes, b.flash_ifetch_bytes)},
        {"flash_data_bytes", a.flash_data_measured && b.flash_data_measured
                                 ? delta(a.flash_data_bytes, b.flash_data_bytes)
                                 : nlohmann::json()}};
    j["layers"] = nlohmann::json::array();
    for (const auto& l : layers)
      j["layers"].push_back(
          {{"match", l.match},
           {"a", l.a ? layer_json(*l.a, a.flash_data_measured) : nlohmann::json()},
           {"b", l.b ? layer_json(*l.b, b.flash_data_measured) : nlohmann::json()}});
    std::cout << j.dump(2) << '\n';
    return exit_code::kOk;
  }

  const TableFormat format = table_format(args.format);
  const bool csv = format == TableFormat::Csv;
  const auto per_mac = [&](const traces::RunRecord& r) {
    const auto v = cycles_per_mac(r.total_cycles, r.macs);
    return v.is_null() ? std::string(csv ? "" : "n/a") : fixed_cell(v.get<double>(), 2, format);
  };
  const auto macs = [&](const traces::RunRecord& r) {
    return r.macs ? count_cell(r.macs, format) : std::string(csv ? "" : "n/a");
  };
  const auto d = [&](double x, double y) {
    if (x == 0) return std::string();
    return csv ? fmt::format("{:.3f}", 100.0 * (y - x) / x) : format_delta_pct(x, y);
  };
  if (!csv) {
    if (!note.empty()) std::cout << note << "\n\n";
    Table t({"figure", ">" + run_label(a), ">" + run_label(b), ">delta"});
    t.add_row({"peak SRAM", format_bytes(a.peak_sram_bytes), format_bytes(b.peak_sram_bytes),
               d(static_cast<double>(a.peak_sram_bytes), static_cast<double>(b.peak_sram_bytes))});
    t.add_row({"  % of the board's SRAM", fmt::format("{:.1f} %", fa.sram_pct()),
               fmt::format("{:.1f} %", fb.sram_pct()), ""});
    t.add_row({std::string("  ") + kArenaLabel, format_bytes(a.arena_bytes),
               format_bytes(b.arena_bytes),
               d(static_cast<double>(a.arena_bytes), static_cast<double>(b.arena_bytes))});
    t.add_row({"SRAM in use, highest", format_bytes(a.sram_in_use_peak_bytes),
               format_bytes(b.sram_in_use_peak_bytes),
               d(static_cast<double>(a.sram_in_use_peak_bytes),
                 static_cast<double>(b.sram_in_use_peak_bytes))});
    t.add_row({"  in", a.peak_sram_where, b.peak_sram_where, ""});
    t.add_row({"flash", format_bytes(fa.flash_bytes()), format_bytes(fb.flash_bytes()),
               d(static_cast<double>(fa.flash_bytes()), static_cast<double>(fb.flash_bytes()))});
    t.add_row({"latency (ms)", fmt::format("{:.3f}", a.latency_ms()),
               fmt::format("{:.3f}", b.latency_ms()), d(a.latency_ms(), b.latency_ms())});
    t.add_row({"cycles", format_count(a.total_cycles), format_count(b.total_cycles),
               d(static_cast<double>(a.total_cycles), static_cast<double>(b.total_cycles))});
    t.add_row(
        {"MACs", macs(a), macs(b),
         a.macs && b.macs ? d(static_cast<double>(a.macs), static_cast<double>(b.macs)) : ""});
    const auto ca = cycles_per_mac(a.total_cycles, a.macs);
    const auto cb = cycles_per_mac(b.total_cycles, b.macs);
    t.add_row({"cycles/MAC", per_mac(a), per_mac(b),
               ca.is_null() || cb.is_null() ? "" : d(ca.get<double>(), cb.get<double>())});
    t.add_row(
        {"flash data reads", flash_data_text(a, a.flash_data_bytes),
         flash_data_text(b, b.flash_data_bytes),
         a.flash_data_measured && b.flash_data_measured
             ? d(static_cast<double>(a.flash_data_bytes), static_cast<double>(b.flash_data_bytes))
             : ""});
    t.add_row(
        {"flash instruction reads", format_bytes(a.flash_ifetch_bytes),
         format_bytes(b.flash_ifetch_bytes),
         d(static_cast<double>(a.flash_ifetch_bytes), static_cast<double>(b.flash_ifetch_bytes))});
    t.add_row({"target", a.target, b.target, ""});
    t.print(std::cout, format);
    std::cout << '\n';
  }
  Table table(csv ? std::vector<std::string>{"match", "layer_a", "layer_b", "cycles_a", "cycles_b",
                                             "cycles_delta_pct", "flash_data_bytes_a",
                                             "flash_data_bytes_b", "sram_in_use_peak_bytes_a",
                                             "sram_in_use_peak_bytes_b"}
                  : std::vector<std::string>{"match", "layer A", "layer B", ">cycles A",
                                             ">cycles B", ">delta", ">flash data A",
                                             ">flash data B", ">SRAM in use A", ">SRAM in use B"});
  const std::string none = csv ? "" : "-";
  const auto flash = [&](const traces::RunRecord& r, const std::optional<traces::LayerRow>& l) {
    if (!l) return none;
    if (!r.flash_data_measured) return std::string(csv ? "" : "not measured");
    return bytes_cell(l->flash_data_bytes, format);
  };
  for (const auto& l : layers)
    table.add_row(
        {l.match, l.a ? l.a->name : none, l.b ? l.b->name : none,
         l.a ? count_cell(l.a->cycles, format) : none, l.b ? count_cell(l.b->cycles, format) : none,
         l.a && l.b ? d(static_cast<double>(l.a->cycles), static_cast<double>(l.b->cycles)) : "",
         flash(a, l.a), flash(b, l.b), l.a ? bytes_cell(l.a->sram_peak_bytes, format) : none,
         l.b ? bytes_cell(l.b->sram_peak_bytes, format) : none});
  if (!table.empty()) table.print(std::cout, format);
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
