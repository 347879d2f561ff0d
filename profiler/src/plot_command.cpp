// `mcuprof plot DB --runs A,B [--out FILE.png|FILE.svg] [--x cycles|ms|progress]`: the
// memory over time of stored runs, overlaid, with the target's SRAM as a line, peaks
// marked and the layer/patch band — drawn offscreen by the GUI's chart library. With
// `--pareto --board B`: a sweep database's runs on B, latency against peak SRAM, and the
// Pareto front (gui/plot/pareto_chart.hpp).
#include <fmt/format.h>

#include <QString>
#include <iostream>
#include <memory>

#include "chart_bytes.hpp"
#include "chart_renderer.hpp"
#include "commands.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/figures.hpp"
#include "mcuprof/profiler/run.hpp"
#include "mcuprof/targets/target.hpp"
#include "offscreen.hpp"
#include "output_file.hpp"
#include "output_guard.hpp"
#include "pareto_chart.hpp"
#include "report_support.hpp"
#include "sweep/sweep_report.hpp"
#include "trace_charts.hpp"

namespace mcuprof::profiler {
namespace {

struct PlotArgs {
  std::string db;
  std::vector<std::string> runs;
  std::string out = "memory.png";
  std::string x = "cycles";
  std::string mode = "stacked";
  int width = 1400;
  int height = 700;
  std::string title;
  std::string sram_of;  // draw this board's SRAM instead of each run's own
  bool pareto = false;
  std::string board;
};

plot::ParetoChart pareto_chart(const traces::TraceStore& store, const std::string& board,
                               const std::string& title) {
  const auto boards = sweep::runs_by_board(store.runs());
  std::string known;
  for (const auto& b : boards) {
    known += (known.empty() ? "" : ", ") + b.target;
    if (b.target != board && !(board.empty() && boards.size() == 1)) continue;
    plot::ParetoChart chart;
    chart.title = title.empty() ? fmt::format("{}: latency against peak SRAM, {} runs", b.target,
                                              b.runs.size())
                                : title;
    for (size_t i = 0; i < b.runs.size(); ++i) {
      const auto& r = b.runs[i];
      if (!sweep::ended_well(r)) continue;
      chart.sram_limit_bytes = static_cast<double>(r.sram_bytes);
      chart.flash_limit_bytes = r.flash_size_bytes;
      chart.points.push_back({r.id, static_cast<double>(r.peak_sram_bytes), r.latency_ms(),
                              r.flash_bytes, r.schedule, r.name, static_cast<bool>(b.front[i])});
    }
    return chart;
  }
  throw CommandError(
      exit_code::kUsage,
      board.empty() ? fmt::format("plot --pareto: name a board with --board ({})", known)
                    : fmt::format("plot --pareto: no runs on board '{}' in {} (boards: {})", board,
                                  store.path().string(), known.empty() ? "none" : known));
}

int plot_pareto(const PlotArgs& a, const QString& format) {
  const traces::TraceStore store = open_store_for_reading(a.db);
  const plot::ParetoChart chart = pareto_chart(store, a.board, a.title);
  plot::OffscreenGui gui;
  std::string error;
  const auto bytes = plot::encode_pareto(chart, format, QSize(a.width, a.height), &error);
  if (!bytes) throw CommandError(exit_code::kUsage, fmt::format("{}: {}", a.out, error));
  write_output_file(a.out, std::string_view(bytes->constData(), static_cast<size_t>(bytes->size())),
                    "plot");
  size_t front = 0;
  for (const auto& p : chart.points) front += p.front ? 1 : 0;
  std::cerr << fmt::format("mcuprof: wrote {} ({} runs, {} on the Pareto front)\n", a.out,
                           chart.points.size(), front);
  return exit_code::kOk;
}

int plot_runs(const PlotArgs& a) {
  refuse_clashing_files("plot", {{"db", a.db, CommandFile::Kind::Input},
                                 {"--out", a.out, CommandFile::Kind::Output}});
  const QString format = plot::chart_format_of(QString::fromStdString(a.out));
  if (format.isEmpty())
    throw CommandError(exit_code::kUsage,
                       fmt::format("plot: --out {}: use a .png or .svg file name", a.out));
  if (a.pareto) return plot_pareto(a, format);
  if (!a.board.empty()) throw CommandError(exit_code::kUsage, "plot: --board goes with --pareto");
  const traces::TraceStore store = open_store_for_reading(a.db);
  std::vector<plot::ChartRun> charts;
  std::vector<std::string> ids = a.runs;
  if (ids.empty()) ids.push_back("");
  for (const auto& id : ids) {
    const traces::RunRecord run = find_run_or_latest(store, id);
    // The board's SRAM as the run stored it (figures.hpp), else the catalogue's.
    const uint64_t sram = !a.sram_of.empty()   ? targets::catalogue_sram_bytes(a.sram_of)
                          : run.sram_bytes > 0 ? run.sram_bytes
                                               : targets::catalogue_sram_bytes(run.target);
    charts.push_back(plot::chart_run_from_trace(store, run, sram, run_label(run)));
    // Time 0 is the inference start; say what came before it.
    if (const auto& s = charts.back().startup; s && run.clock_hz > 0)
      std::cerr << fmt::format(
          "mcuprof: run {}: {} (reset to RUN_BEGIN) {:.3f} ms before 0, SRAM in use at most {}\n",
          run.id, s->label, latency_ms(s->cycles, run.clock_hz),
          format_bytes(static_cast<uint64_t>(s->peak_bytes)));
  }
  plot::OffscreenGui gui;
  plot::ChartRenderer renderer;
  renderer.options().x_unit = a.x == "ms"         ? plot::XUnit::Milliseconds
                              : a.x == "progress" ? plot::XUnit::Progress
                                                  : plot::XUnit::Cycles;
  renderer.options().mode =
      a.mode == "overlaid" ? plot::ChartMode::Overlaid : plot::ChartMode::Stacked;
  renderer.options().title = a.title;
  renderer.set_runs(std::move(charts));
  std::string error;
  const auto bytes = plot::encode_chart(renderer, format, QSize(a.width, a.height), &error);
  if (!bytes) throw CommandError(exit_code::kSoftware, fmt::format("{}: {}", a.out, error));
  write_output_file(a.out, std::string_view(bytes->constData(), static_cast<size_t>(bytes->size())),
                    "plot");
  std::cerr << "mcuprof: wrote " << a.out << '\n';
  return exit_code::kOk;
}

}  // namespace

void add_plot_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<PlotArgs>();
  auto* cmd = app.add_subcommand("plot", "Draw the SRAM over time of stored runs (PNG or SVG)");
  cmd->add_option("db", a->db, "Trace database")->required();
  cmd->add_option("--runs", a->runs, "Runs to overlay, ids or names (default: the newest)")
      ->delimiter(',');
  cmd->add_option("--out", a->out, "Output file: .png or .svg")->capture_default_str();
  cmd->add_option("--x", a->x, "x axis: cycles, ms or progress (0-1, lines runs up)")
      ->capture_default_str()
      ->check(CLI::IsMember({"cycles", "ms", "progress"}));
  cmd->add_option("--mode", a->mode, "stacked (static, arena, stack) or overlaid totals")
      ->capture_default_str()
      ->check(CLI::IsMember({"stacked", "overlaid"}));
  cmd->add_option("--width", a->width, "Width in pixels")
      ->capture_default_str()
      ->check(CLI::Range(200, 10000));
  cmd->add_option("--height", a->height, "Height in pixels")
      ->capture_default_str()
      ->check(CLI::Range(150, 10000));
  cmd->add_option("--title", a->title, "Title drawn at the top left");
  cmd->add_option("--sram-of", a->sram_of,
                  "Draw this board's SRAM size as the limit (e.g. the board you want to fit), "
                  "instead of each run's own");
  cmd->add_flag("--pareto", a->pareto,
                "A sweep's runs on one board: latency against peak SRAM with the Pareto front");
  cmd->add_option("--board", a->board, "The board of --pareto (default: the only one)");
  commands.push_back({cmd, [a] { return plot_runs(*a); }});
}

}  // namespace mcuprof::profiler
