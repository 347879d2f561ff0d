// `mcuprof export DB --run ID|NAME [--chrome-trace FILE.json] [--folded FILE] [--track NAME]`:
// a stored run as a Chrome trace (Perfetto UI, chrome://tracing) and/or as folded stacks
// of cycles (flame-graph input). FILE "-" writes to standard output.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"
#include "mcuprof/traces/export.hpp"
#include "mcuprof/traces/store.hpp"
#include "output_file.hpp"
#include "output_guard.hpp"

namespace mcuprof::profiler {
namespace {

struct ExportArgs {
  std::string db;
  std::string run;
  std::string chrome_trace;
  std::string folded;
  std::string track;  // default: "functions" when the run has call stacks, else "layers"
};

// Writes through `write` into `file` (or stdout for "-"), atomically, turning failures
// into errors (a failed export leaves the previous file as it was).
template <typename Write>
void write_output(const std::string& file, Write&& write) {
  if (file == "-") {
    write(std::cout);
    std::cout.flush();
    if (!std::cout) throw CommandError(exit_code::kIoError, "standard output: cannot write");
    return;
  }
  OutputFile out(file, "export");
  write(out.stream());
  out.commit();
}

// Real call stacks when the run has them (`mcuprof run --function-cycles`), else the
// layer/patch spans. A track the run does not have is refused, naming those it has.
std::string folded_track(const traces::TraceStore& store, int64_t run_id, const ExportArgs& args) {
  const auto tracks = store.tracks(run_id);
  if (args.track.empty()) {
    for (const auto& t : tracks)
      if (t.name == traces::track::kFunctions) return t.name;
    return traces::track::kLayers;
  }
  std::string names;
  for (const auto& t : tracks) {
    if (t.type != "slice") continue;
    if (t.name == args.track) return t.name;
    names += (names.empty() ? "" : ", ") + t.name;
  }
  throw CommandError(exit_code::kUsage,
                     fmt::format("export: run {} has no span track '{}' (its tracks: {})", run_id,
                                 args.track, names.empty() ? "none" : names));
}

int run_export(const ExportArgs& args) {
  if (args.chrome_trace.empty() && args.folded.empty())
    throw CommandError(exit_code::kUsage, "export: give --chrome-trace FILE and/or --folded FILE");
  refuse_clashing_files("export", {{"db", args.db, CommandFile::Kind::Input},
                                   {"--chrome-trace", args.chrome_trace, CommandFile::Kind::Output},
                                   {"--folded", args.folded, CommandFile::Kind::Output}});
  if (!std::filesystem::exists(args.db))
    throw CommandError(exit_code::kNoInput, fmt::format("{}: no such trace database", args.db));
  std::optional<traces::TraceStore> store;
  std::optional<traces::RunRecord> run;
  try {
    store = traces::TraceStore::open(args.db, traces::TraceStore::Mode::ReadOnly);
    run = store->find_run(args.run);
  } catch (const traces::TraceError& e) {
    throw CommandError(exit_code::kDataError, e.what());
  }
  if (!run)
    throw CommandError(exit_code::kDataError,
                       fmt::format("{}: no run '{}' (see the run ids and names in the database)",
                                   args.db, args.run));
  // Checked before anything is written.
  const std::string track =
      args.folded.empty() ? std::string() : folded_track(*store, run->id, args);
  try {
    if (!args.chrome_trace.empty())
      write_output(args.chrome_trace,
                   [&](std::ostream& out) { traces::write_chrome_trace(*store, run->id, out); });
    if (!args.folded.empty())
      write_output(args.folded, [&](std::ostream& out) {
        traces::write_folded_stacks(*store, run->id, out, track);
      });
  } catch (const traces::TraceError& e) {
    throw CommandError(exit_code::kDataError, e.what());
  }
  return exit_code::kOk;
}

}  // namespace

void add_export_command(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<ExportArgs>();
  auto* cmd =
      app.add_subcommand("export", "Export a stored run as a Chrome trace or folded stacks");
  cmd->add_option("db", args->db, "Trace database")->required();
  cmd->add_option("--run", args->run, "Run id or name")->required();
  cmd->add_option("--chrome-trace", args->chrome_trace,
                  "Write Chrome trace event JSON (opens in Perfetto UI); - for stdout");
  cmd->add_option("--folded", args->folded, "Write folded stacks of cycles; - for stdout");
  cmd->add_option("--track", args->track,
                  "Span track for --folded (default: functions when the run has call stacks, "
                  "else layers)");
  commands.push_back({cmd, [args] { return run_export(*args); }});
}

}  // namespace mcuprof::profiler
