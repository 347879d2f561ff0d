// `mcuprof database merge OUT.db SOURCE.db...`: copies every complete run (and failed
// attempt) of each source into OUT.db, one transaction per source, skipping runs OUT.db
// already has (traces/merge.hpp). A source that is not a current trace database is refused
// before anything is written.
#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"
#include "mcuprof/traces/merge.hpp"
#include "mcuprof/traces/store.hpp"
#include "output_guard.hpp"

namespace mcuprof::profiler {
namespace {

struct DatabaseArgs {
  std::string out;
  std::vector<std::string> sources;
};

int merge(const DatabaseArgs& a) {
  std::vector<CommandFile> files{{"OUT.db", a.out, CommandFile::Kind::Output}};
  for (const auto& s : a.sources) files.push_back({"SOURCE.db", s, CommandFile::Kind::Input});
  refuse_clashing_files("database merge", files);
  for (const auto& s : a.sources) {
    std::error_code ec;
    if (!std::filesystem::exists(s, ec))
      throw CommandError(exit_code::kNoInput, fmt::format("{}: no such trace database", s));
  }
  auto out = traces::TraceStore::open(a.out, traces::TraceStore::Mode::ReadWrite);
  for (const auto& s : a.sources) {
    traces::MergeResult r;
    try {
      r = traces::merge_database(out, s);
    } catch (const traces::UnwritableDatabase&) {
      throw;
    } catch (const traces::TraceError& e) {
      throw CommandError(exit_code::kDataError, e.what());
    }
    fmt::print(
        "{}: {} runs added, {} already in {}{}; {} failed attempts added\n", s, r.runs_added,
        r.runs_already_present, a.out,
        r.runs_incomplete > 0 ? fmt::format(", {} incomplete left out", r.runs_incomplete) : "",
        r.failures_added);
  }
  return exit_code::kOk;
}

}  // namespace

void add_database_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<DatabaseArgs>();
  auto* db = app.add_subcommand("database", "Operations on trace databases");
  db->require_subcommand(1);
  auto* m = db->add_subcommand("merge", "Merge the runs of trace databases into one, safely");
  m->add_option("out", a->out, "Destination trace database (created if needed)")->required();
  m->add_option("sources", a->sources, "Trace databases to merge into it")->required();
  commands.push_back({m, [a] { return merge(*a); }});
}

}  // namespace mcuprof::profiler
