// `mcuprof sweep plan|run|status|merge|report|task`: the command line of sweeps
// (docs/sweeps.md). Parsing and printing only; the work is in the other files of sweep/.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <set>
#include <thread>

#include "commands.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"
#include "mcuprof/traces/store.hpp"
#include "output_file.hpp"
#include "output_guard.hpp"
#include "report_support.hpp"
#include "sweep/local_pool.hpp"
#include "sweep/shards.hpp"
#include "sweep/slurm.hpp"
#include "sweep/sweep_plan.hpp"
#include "sweep/sweep_points.hpp"
#include "sweep/sweep_report.hpp"
#include "sweep/sweep_spec.hpp"

namespace mcuprof::profiler {
namespace {

namespace fs = std::filesystem;
using namespace sweep;

struct SweepArgs {
  std::string sweep_file, db, work_dir, format = "text", board;
  bool json = false, slurm = false, retry_failed = false;
  size_t workers = 0, tasks = 0, task = SIZE_MAX;
  SlurmOptions slurm_options;
};

WorkFiles work_files(const SweepArgs& a) {
  if (!a.work_dir.empty()) return {fs::absolute(a.work_dir)};
  return {fs::absolute(a.db + ".sweep")};
}

// Input hashes of the points the database has: its runs, and its failed points unless they
// are to be retried.
std::set<std::string> known_hashes(const traces::TraceStore& store, bool with_failures = true) {
  std::set<std::string> hashes;
  for (const auto& r : store.runs())
    if (r.status == "complete" && !r.provenance.input_hash.empty())
      hashes.insert(r.provenance.input_hash);
  if (with_failures)
    for (const auto& f : store.failures())
      if (!f.provenance.input_hash.empty()) hashes.insert(f.provenance.input_hash);
  return hashes;
}

std::set<std::string> known_hashes_in(const std::string& db) {
  std::error_code ec;
  if (db.empty() || !fs::exists(db, ec)) return {};
  return known_hashes(open_store_for_reading(db));
}

std::string giga(uint64_t v) {
  return fmt::format("{:.3f} G", static_cast<double>(v) / 1e9);  // "0.005 G"
}

int plan(const SweepArgs& a) {
  const SweepSpec spec = read_sweep_file(a.sweep_file);
  const bool temporary = a.work_dir.empty() && a.db.empty();
  const fs::path work =
      temporary ? fs::temp_directory_path() / fmt::format("mcuprof-sweep-plan-{}", getpid())
                : work_files(a).dir;
  const Expansion e = expand_points(spec, work);
  const auto known = known_hashes_in(a.db);
  const auto plans = plan_points(e.points, spec.options.int8_io());
  std::error_code ec;
  if (temporary) fs::remove_all(work, ec);
  size_t run = 0, skip = 0, done = 0;
  uint64_t macs = 0;
  double seconds = 0;  // simulated, at ~3 cycles per MAC (docs/sweeps.md)
  nlohmann::json j{{"name", spec.name}, {"points", nlohmann::json::array()}};
  Table t({">#", "model", "board", "schedule", ">peak SRAM", ">flash", ">MACs", "verdict"});
  for (size_t i = 0; i < e.points.size(); ++i) {
    const Point& p = e.points[i];
    const PointPlan& pl = plans[i];
    const bool is_done = known.contains(p.input_hash);
    const std::string status = is_done ? "done" : pl.fits ? "run" : "skip";
    if (status == "run") {
      ++run;
      macs += pl.macs;
      if (pl.clock_hz > 0)
        seconds += 3.0 * static_cast<double>(pl.macs) / static_cast<double>(pl.clock_hz);
    }
    if (status == "done") ++done;
    if (status == "skip") ++skip;
    const std::string sched =
        pl.schedule == p.schedule ? p.schedule : fmt::format("{} → {}", p.schedule, pl.schedule);
    t.add_row({std::to_string(p.index), p.name, p.target, sched, format_bytes(pl.peak_sram_bytes),
               format_bytes(pl.flash_bytes), format_count(pl.macs),
               status == "skip" ? "skip: " + pl.reason : status});
    nlohmann::json point = point_json(p);
    point.update({{"planned_schedule", pl.schedule},
                  {"fits", pl.fits},
                  {"reason", pl.reason},
                  {"macs", pl.macs},
                  {"peak_sram_bytes", pl.peak_sram_bytes},
                  {"flash_bytes", pl.flash_bytes},
                  {"status", status}});
    j["points"].push_back(std::move(point));
  }
  j.update({{"to_run", run},
            {"skipped", skip},
            {"done", done},
            {"macs", macs},
            {"simulated_seconds_estimate", seconds},
            {"notes", e.notes}});
  if (a.json) {
    std::cout << j.dump(2) << '\n';
    return exit_code::kOk;
  }
  t.print(std::cout, TableFormat::Text);
  for (const auto& n : e.notes) fmt::print("note: {}\n", n);
  fmt::print(
      "sweep {}: {} points: {} to run, {} skipped (cannot fit or cannot be planned: see why), {} "
      "already in the database; "
      "work: {} MACs, about {:.1f} s of simulated time\n",
      spec.name, e.points.size(), run, skip, done, giga(macs), seconds);
  return exit_code::kOk;
}

int run_sweep(const SweepArgs& a) {
  const auto& so = a.slurm_options;
  if (!a.slurm && (!so.partition.empty() || !so.time.empty() || so.array_max > 0 || a.tasks > 0))
    throw CommandError(exit_code::kUsage,
                       "sweep run: --partition, --time, --array-max and --tasks go with --slurm "
                       "(see 'mcuprof sweep run --help')");
  refuse_clashing_files("sweep run", {{"sweep file", a.sweep_file, CommandFile::Kind::Input},
                                      {"--db", a.db, CommandFile::Kind::Output}});
  const SweepSpec spec = read_sweep_file(a.sweep_file);
  const WorkFiles work = work_files(a);
  std::error_code ec;
  fs::create_directories(work.scratch(), ec);
  if (ec)
    throw CommandError(exit_code::kCantCreate, fmt::format("{}: cannot create the work folder: {}",
                                                           work.dir.string(), ec.message()));
  // The database first: a file that is not one is refused before models are generated.
  auto store = traces::TraceStore::open(a.db, traces::TraceStore::Mode::ReadWrite);
  const Expansion e = expand_points(spec, work.dir);
  const auto known = known_hashes(store, !a.retry_failed);
  std::vector<Point> todo;
  for (const auto& p : e.points)
    if (!known.contains(p.input_hash)) todo.push_back(p);
  if (a.retry_failed)  // their new outcome replaces the old one
    for (const auto& p : todo) store.remove_failures(p.input_hash);
  for (const auto& n : e.notes) fmt::print(stderr, "sweep: note: {}\n", n);
  const size_t workers =
      a.workers > 0 ? a.workers : std::max(1u, std::thread::hardware_concurrency());
  if (a.slurm) {
    if (todo.empty()) {
      fmt::print(stderr, "sweep {}: all {} points are in {} already\n", spec.name, e.points.size(),
                 a.db);
      return exit_code::kOk;
    }
    const size_t tasks = std::min(todo.size(), a.tasks > 0 ? a.tasks : todo.size());
    write_output_file(work.points(), points_json(spec, todo, tasks).dump(2) + "\n", "points file");
    const Submission s = submit(work, tasks, a.db, a.slurm_options);
    fmt::print(stderr,
               "sweep {}: {} points ({} already in {}) as Slurm array job {} ({} tasks), "
               "merge job {} after it; see `mcuprof sweep status {}`\n",
               spec.name, todo.size(), e.points.size() - todo.size(), a.db, s.job_id, tasks,
               s.merge_job_id, a.db);
    fmt::print("{}\n", s.job_id);
    return exit_code::kOk;
  }
  write_output_file(work.points(), points_json(spec, todo, 1).dump(2) + "\n", "points file");
  fmt::print(stderr, "sweep {}: {} points, {} already in {}, {} to run on {} workers\n", spec.name,
             e.points.size(), e.points.size() - todo.size(), a.db, todo.size(), workers);
  const Tally t = run_locally(todo, spec.options, workers, work.scratch(), store);
  fmt::print(stderr, "sweep {}: {} stored, {} failed (recorded with their reasons) in {}",
             spec.name, t.done, t.failed, a.db);
  if (t.signal != 0) {
    fmt::print(stderr, "; interrupted: {} points not run — run the same command again to resume\n",
               t.total - t.done - t.failed);
    return 128 + t.signal;
  }
  fmt::print(stderr, "\n");
  return exit_code::kOk;
}

int status(const SweepArgs& a) {
  const WorkFiles work = work_files(a);
  const PointsFile points = read_points_file(work.points());
  for (const auto& line : slurm_status(work)) fmt::print("{}\n", line);
  size_t done = 0;
  const auto known = known_hashes_in(a.db);
  for (const auto& p : points.points) done += known.contains(p.input_hash) ? 1 : 0;
  size_t finished = 0;
  std::error_code ec;
  for (size_t t = 0; t < points.tasks; ++t) finished += fs::exists(work.done(t), ec) ? 1 : 0;
  fmt::print("sweep {}: {} of {} points of the last submission in {}", points.name, done,
             points.points.size(), a.db);
  if (fs::exists(work.script(), ec))
    fmt::print("; {} of {} tasks finished their shard", finished, points.tasks);
  fmt::print("\n");
  return exit_code::kOk;
}

int merge(const SweepArgs& a) {
  const WorkFiles work = work_files(a);
  auto store = traces::TraceStore::open(a.db, traces::TraceStore::Mode::ReadWrite);
  const ShardMerge m = merge_shards(work, store);
  fmt::print(
      "sweep: merged {} runs ({} already present) and {} failed points from {} tasks into {}\n",
      m.runs_added, m.runs_already_present, m.failures_added, m.tasks, a.db);
  if (!m.missing.empty())
    fmt::print("sweep: {} tasks did not finish: {}; resubmit them with:\n  {}\nthen merge again\n",
               m.missing.size(), fmt::join(m.missing, ","), resubmit_command(work, m.missing));
  return exit_code::kOk;
}

int task(const SweepArgs& a) {
  size_t k = a.task;
  if (k == SIZE_MAX) {
    const char* env = std::getenv("SLURM_ARRAY_TASK_ID");
    if (env == nullptr)
      throw CommandError(exit_code::kUsage,
                         "sweep task: --task not given and SLURM_ARRAY_TASK_ID not set");
    k = std::strtoul(env, nullptr, 10);
  }
  const TaskReport r = run_task({fs::absolute(a.work_dir)}, k);
  fmt::print(stderr, "sweep task {}: {} points: {} stored, {} failed, {} already done\n", k,
             r.points, r.done, r.failed, r.already);
  return exit_code::kOk;
}

int report(const SweepArgs& a) {
  const traces::TraceStore store = open_store_for_reading(a.db);
  print_sweep_report(store, a.format, a.board, std::cout);
  return exit_code::kOk;
}

void add_work_dir(CLI::App* cmd, SweepArgs& a) {
  cmd->add_option("--work-dir", a.work_dir,
                  "Folder for generated models, points, shards and logs (default: OUT.db.sweep)");
}

}  // namespace

void add_sweep_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<SweepArgs>();
  auto* sweep = app.add_subcommand("sweep", "Run models x boards x schedules, locally or on Slurm");
  sweep->require_subcommand(1);

  auto* p = sweep->add_subcommand("plan", "List a sweep's points, what cannot fit, and the work");
  p->add_option("sweep", a->sweep_file, "Sweep file (.json, or .toml)")->required();
  p->add_option("--db", a->db, "Sweep database: mark the points it has already");
  add_work_dir(p, *a);
  p->add_flag("--json", a->json, "Machine-readable output");
  commands.push_back({p, [a] { return plan(*a); }});

  auto* r = sweep->add_subcommand("run", "Run a sweep's points into one database");
  r->add_option("sweep", a->sweep_file, "Sweep file (.json, or .toml)")->required();
  r->add_option("--db", a->db, "Sweep database (created if needed; resumed)")->required();
  r->add_option("-j,--workers", a->workers, "Local worker processes (default: all cores)")
      ->check(CLI::Range(1, 1024));
  add_work_dir(r, *a);
  r->add_flag("--retry-failed", a->retry_failed,
              "Run again the points the database has as failed (default: skip them)");
  r->add_flag("--slurm", a->slurm, "Submit as one Slurm array job and a dependent merge job");
  r->add_option("--partition", a->slurm_options.partition, "Slurm partition");
  r->add_option("--time", a->slurm_options.time, "Slurm time limit per task (sbatch --time)");
  r->add_option("--array-max", a->slurm_options.array_max, "At most N tasks at once")
      ->check(CLI::Range(1, 100000));
  r->add_option("--tasks", a->tasks, "Array tasks (default: one per point)")
      ->check(CLI::Range(1, 100000));
  commands.push_back({r, [a] { return run_sweep(*a); }});

  auto* s = sweep->add_subcommand("status", "A sweep's Slurm jobs and points stored");
  s->add_option("db", a->db, "Sweep database")->required();
  add_work_dir(s, *a);
  commands.push_back({s, [a] { return status(*a); }});

  auto* m = sweep->add_subcommand("merge", "Merge a Slurm sweep's shards into its database");
  m->add_option("db", a->db, "Sweep database")->required();
  add_work_dir(m, *a);
  commands.push_back({m, [a] { return merge(*a); }});

  auto* rep =
      sweep->add_subcommand("report", "Per board: the runs, their figures and the Pareto front");
  rep->add_option("db", a->db, "Sweep database")->required();
  rep->add_option("--board", a->board, "Only this board");
  rep->add_option("--format", a->format, "text, markdown, json or csv")
      ->check(CLI::IsMember({"text", "markdown", "json", "csv"}));
  commands.push_back({rep, [a] { return report(*a); }});

  auto* t = sweep->add_subcommand("task", "Run one array task's shard (what Slurm runs)");
  t->add_option("work_dir", a->work_dir, "The sweep's work folder")->required();
  t->add_option("--task", a->task, "Task index (default: $SLURM_ARRAY_TASK_ID)");
  commands.push_back({t, [a] { return task(*a); }});
}

}  // namespace mcuprof::profiler
