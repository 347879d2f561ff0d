// The sweep report (sweep_report.hpp): tables per board through the shared Table, JSON
// from report's run_json plus `pareto` and the provenance.
#include "sweep/sweep_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"
#include "mcuprof/traces/pareto.hpp"
#include "mcuprof/traces/store.hpp"
#include "report_support.hpp"

namespace mcuprof::profiler::sweep {
namespace {

nlohmann::json provenance_json(const traces::Provenance& p) {
  return {
      {"input_hash", p.input_hash}, {"job_id", p.job_id}, {"task_id", p.task_id}, {"host", p.host}};
}

Table board_table(const BoardRuns& b, TableFormat f) {
  const bool csv = f == TableFormat::Csv;
  Table t(csv ? std::vector<std::string>{"target", "id", "name", "schedule", "latency_ms",
                                         "peak_sram_bytes", "flash_bytes", "macs", "fits", "pareto",
                                         "stop_reason"}
              : std::vector<std::string>{">run", "model", "schedule", ">latency", ">peak SRAM",
                                         ">flash", ">MACs", "fits", "front", "stop"});
  for (size_t i = 0; i < b.runs.size(); ++i) {
    const auto& r = b.runs[i];
    const Figures fig = run_figures(r);
    const std::string latency =
        csv ? fmt::format("{}", r.latency_ms()) : fmt::format("{:.3f} ms", r.latency_ms());
    std::vector<std::string> row{std::to_string(r.id),
                                 r.name,
                                 r.schedule,
                                 latency,
                                 bytes_cell(r.peak_sram_bytes, f),
                                 bytes_cell(r.flash_bytes, f),
                                 count_cell(r.macs, f),
                                 fig.fits() ? (csv ? "true" : "yes") : (csv ? "false" : "no"),
                                 b.front[i] ? (csv ? "true" : "*") : (csv ? "false" : ""),
                                 r.stop_reason};
    if (csv) row.insert(row.begin(), b.target);
    t.add_row(std::move(row));
  }
  return t;
}

nlohmann::json report_json(const std::vector<BoardRuns>& boards,
                           const std::vector<traces::FailureRecord>& failures) {
  nlohmann::json j{{"boards", nlohmann::json::array()}, {"failures", nlohmann::json::array()}};
  for (const auto& b : boards) {
    nlohmann::json board{{"target", b.target},
                         {"runs", nlohmann::json::array()},
                         {"front", nlohmann::json::array()}};
    for (size_t i = 0; i < b.runs.size(); ++i) {
      nlohmann::json r = run_json(b.runs[i]);
      r["pareto"] = static_cast<bool>(b.front[i]);
      r["provenance"] = provenance_json(b.runs[i].provenance);
      board["runs"].push_back(std::move(r));
      if (b.front[i]) board["front"].push_back(b.runs[i].id);
    }
    if (!b.runs.empty()) {
      board["sram_bytes"] = b.runs.front().sram_bytes;
      board["flash_size_bytes"] = b.runs.front().flash_size_bytes;
    }
    j["boards"].push_back(std::move(board));
  }
  for (const auto& f : failures)
    j["failures"].push_back({{"name", f.name},
                             {"target", f.target},
                             {"model", f.model_path},
                             {"schedule", f.schedule},
                             {"exit_code", f.exit_code},
                             {"reason", f.reason},
                             {"started_at", f.started_at},
                             {"provenance", provenance_json(f.provenance)}});
  return j;
}

}  // namespace

bool ended_well(const traces::RunRecord& r) {
  return r.status == "complete" && r.stop_reason == "exited" && r.exit_code == 0;
}

std::vector<BoardRuns> runs_by_board(const std::vector<traces::RunRecord>& runs) {
  std::vector<BoardRuns> boards;
  std::map<std::string, size_t> at;
  for (const auto& r : runs) {
    if (r.status != "complete") continue;
    auto [it, added] = at.emplace(r.target, boards.size());
    if (added) boards.push_back({r.target, {}, {}});
    boards[it->second].runs.push_back(r);
  }
  for (auto& b : boards) {
    std::vector<traces::ParetoInput> in;
    std::vector<size_t> which;
    for (size_t i = 0; i < b.runs.size(); ++i)
      if (ended_well(b.runs[i])) {
        in.push_back({b.runs[i].peak_sram_bytes, b.runs[i].latency_ms()});
        which.push_back(i);
      }
    const auto front = traces::pareto_front(in);
    b.front.assign(b.runs.size(), false);
    for (size_t k = 0; k < which.size(); ++k) b.front[which[k]] = front[k];
  }
  return boards;
}

void print_sweep_report(const traces::TraceStore& store, const std::string& format,
                        const std::string& board, std::ostream& out) {
  auto boards = runs_by_board(store.runs());
  auto failures = store.failures();
  if (!board.empty()) {
    std::erase_if(boards, [&](const BoardRuns& b) { return b.target != board; });
    std::erase_if(failures, [&](const traces::FailureRecord& f) { return f.target != board; });
    if (boards.empty() && failures.empty())
      throw CommandError(exit_code::kDataError,
                         fmt::format("{}: no runs on board '{}'", store.path().string(), board));
  }
  if (format == "json") {
    out << report_json(boards, failures).dump(2) << '\n';
    return;
  }
  const TableFormat f = table_format(format);
  if (f == TableFormat::Csv) {
    // One table: the board is a column.
    for (const auto& b : boards) {
      Table t = board_table(b, f);
      if (&b != &boards.front()) {
        std::ostringstream rows;
        t.print(rows, f);
        const std::string text = rows.str();
        out << text.substr(text.find('\n') + 1);
      } else {
        t.print(out, f);
      }
    }
    return;
  }
  for (const auto& b : boards) {
    out << fmt::format(
        "{}: {} runs, {} on the Pareto front (* : least latency for its peak SRAM)\n", b.target,
        b.runs.size(), std::count(b.front.begin(), b.front.end(), true));
    board_table(b, f).print(out, f);
    out << '\n';
  }
  if (!failures.empty()) {
    out << fmt::format("{} points stored no run:\n", failures.size());
    Table t({"model", "board", "schedule", ">status", "reason"});
    for (const auto& fl : failures)
      t.add_row({fl.name, fl.target, fl.schedule, std::to_string(fl.exit_code), fl.reason});
    t.print(out, f);
  }
}

}  // namespace mcuprof::profiler::sweep
