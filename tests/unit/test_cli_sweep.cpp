// `mcuprof sweep` on this machine: the sweep file's mistakes as one line, `plan` (points,
// what cannot fit and why), `run` with parallel workers (a failing point recorded with
// its reason, resumed without running anything twice), SIGKILL and Ctrl-C mid-sweep
// (the database valid; a resume completes it), and `report` (its Pareto flags against a
// brute-force check).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "files.hpp"
#include "json_schema.hpp"
#include "mcuprof/profiler/run.hpp"
#include "sweep/sweep_points.hpp"
#include "sweep/sweep_spec.hpp"
#include "sweep_test_support.hpp"

using namespace mcuprof;
using nlohmann::json;

TEST(CliSweep, SweepFileMistakesAreOneLineNamingTheKey) {
  test::ScratchDir dir;
  const json base{
      {"name", "s"}, {"models", {"m.tflite"}}, {"boards", {"stm32f412"}}, {"schedules", {"layer"}}};
  struct Case {
    json file;
    std::string expected;
  };
  json no_boards = base, bad_schedule = base, unknown = base, bad_width = base, bad_io = base;
  no_boards.erase("boards");
  bad_io["options"] = {{"io", "int16"}};
  bad_schedule["schedules"] = {"patch:3x2@1"};
  unknown["colour"] = "red";
  bad_width["models"] = {test::tiny_models({9.0})};
  for (const auto& c : {Case{no_boards, "boards: missing"}, Case{bad_schedule, "schedules[0]"},
                        Case{unknown, "colour: unknown key"}, Case{bad_width, "models[0].width[0]"},
                        Case{bad_io, "options.io: 'int16' is not an I/O mode"}}) {
    const auto path = test::write_sweep(dir.path(), c.file);
    const auto r = test::mcuprof_cli({"sweep", "plan", path.string()});
    EXPECT_EQ(r.status, 65) << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  std::ofstream(dir / "junk.json") << "{not json";
  EXPECT_EQ(test::mcuprof_cli({"sweep", "plan", (dir / "junk.json").string()}).status, 65);
  EXPECT_EQ(test::mcuprof_cli({"sweep", "plan", (dir / "none.json").string()}).status, 66);
  const auto stray =
      test::mcuprof_cli({"sweep", "run", test::write_sweep(dir.path(), base).string(), "--db",
                         (dir / "o.db").string(), "--partition", "gpu"});
  EXPECT_EQ(stray.status, 64) << stray.err;
  EXPECT_NE(stray.err.find("go with --slurm"), std::string::npos) << stray.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "o.db"));
  const auto missing_model =
      test::mcuprof_cli({"sweep", "plan", test::write_sweep(dir.path(), base).string()});
  EXPECT_EQ(missing_model.status, 66) << missing_model.err;
  EXPECT_NE(missing_model.err.find("models[0]"), std::string::npos) << missing_model.err;
}

TEST(CliSweep, IoInt8ReachesEveryPointsRunAndItsInputHash) {
  const json file{{"name", "s"},
                  {"models", {"m.tflite"}},
                  {"boards", {"stm32f412"}},
                  {"schedules", {"layer"}},
                  {"options", {{"io", "int8"}}}};
  const auto int8 = profiler::sweep::parse_sweep(file.dump(), "s.json");
  json plain_file = file;
  plain_file.erase("options");
  const auto plain = profiler::sweep::parse_sweep(plain_file.dump(), "s.json");
  EXPECT_TRUE(int8.options.int8_io());
  EXPECT_FALSE(plain.options.int8_io());
  profiler::sweep::Point p;
  p.model = "m.tflite";
  p.board = "stm32f412";
  p.schedule = "layer";
  p.name = "m";
  const auto args = profiler::sweep::run_arguments(p, int8.options);
  const auto io = std::find(args.begin(), args.end(), "--io");
  ASSERT_NE(io, args.end());
  ASSERT_NE(io + 1, args.end());
  EXPECT_EQ(*(io + 1), "int8");
  const auto plain_args = profiler::sweep::run_arguments(p, plain.options);
  EXPECT_EQ(std::find(plain_args.begin(), plain_args.end(), "--io"), plain_args.end());
  // A different I/O mode is a different point: resuming never mixes them up.
  EXPECT_NE(profiler::sweep::input_hash("m", "b", "r", "layer", int8.options),
            profiler::sweep::input_hash("m", "b", "r", "layer", plain.options));
  profiler::sweep::RunOptions explicit_float = plain.options;
  explicit_float.io = "float";
  EXPECT_EQ(profiler::sweep::input_hash("m", "b", "r", "layer", explicit_float),
            profiler::sweep::input_hash("m", "b", "r", "layer", plain.options));
}

TEST(CliSweep, PlanListsPointsAndSkipsWhatCannotFitSayingWhy) {
  test::ScratchDir dir;
  // The F412 with 200 KiB of flash (a target file): width 0.1 fits, width 0.2 does not.
  const auto board_src = test::targets_dir() / "stm32f412.json";
  auto board = json::parse(test::read_text(board_src));
  board["memories"][0]["size"] = "200KiB";
  std::ofstream(dir / "tiny_flash.json") << board.dump(2);
  const json sweep{{"name", "fit"},
                   {"models", {test::tiny_models({0.1, 0.2})}},
                   {"boards", {"tiny_flash.json"}},
                   {"schedules", {"layer", "auto"}}};
  const auto r = test::mcuprof_cli({"sweep", "plan", test::write_sweep(dir.path(), sweep).string(),
                                    "--work-dir", (dir / "work").string(), "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = json::parse(r.out);
  ASSERT_EQ(j["points"].size(), 4u);
  size_t skipped = 0;
  for (const auto& p : j["points"]) {
    const bool big = p["name"].get<std::string>().find("w0.2") != std::string::npos;
    EXPECT_EQ(p["status"], big ? "skip" : "run") << p.dump();
    EXPECT_EQ(p["fits"].get<bool>(), !big);
    if (big) {
      ++skipped;
      EXPECT_NE(p["reason"].get<std::string>().find("flash"), std::string::npos) << p.dump();
    }
    EXPECT_EQ(p["input_hash"].get<std::string>().size(), 64u);
    EXPECT_GT(p["macs"].get<uint64_t>(), 0u);
  }
  EXPECT_EQ(j["skipped"], skipped);
  EXPECT_EQ(j["to_run"], 4 - skipped);
  const auto text =
      test::mcuprof_cli({"sweep", "plan", test::write_sweep(dir.path(), sweep).string(),
                         "--work-dir", (dir / "work").string()});
  EXPECT_NE(text.out.find("2 to run, 2 skipped"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("skip: "), std::string::npos) << text.out;
}

TEST(CliSweep, RunsInParallelRecordsFailuresResumesAndReportsTheFront) {
  test::ScratchDir dir;
  std::ofstream(dir / "broken.tflite") << "not a model";
  const json sweep{{"name", "local"},
                   {"models", {test::tiny_models({0.1, 0.2}), "broken.tflite"}},
                   {"boards", {"stm32f412", "stm32h743"}},
                   {"schedules", {"layer", "auto"}}};
  const auto file = test::write_sweep(dir.path(), sweep);
  const auto db = dir / "out.db";
  const auto r = test::mcuprof_cli({"sweep", "run", file.string(), "--db", db.string(), "-j", "2"});
  ASSERT_EQ(r.status, 0) << r.err;
  // 3 models x 2 boards x 2 schedules; the broken model's 4 points fail.
  EXPECT_NE(r.err.find("12 to run on 2 workers"), std::string::npos) << r.err;
  const auto hashes = test::run_hashes(db);
  EXPECT_EQ(hashes.size(), 8u) << r.err;
  EXPECT_EQ(std::set<std::string>(hashes.begin(), hashes.end()).size(), 8u);
  EXPECT_EQ(test::count_rows(db, "failed_run"), 4);
  {
    SQLite::Database raw(db.string());
    const std::string reason = raw.execAndGet("SELECT reason FROM failed_run LIMIT 1").getString();
    EXPECT_NE(reason.find("broken.tflite"), std::string::npos) << reason;
  }
  const auto again =
      test::mcuprof_cli({"sweep", "run", file.string(), "--db", db.string(), "-j", "2"});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.err.find("12 already in"), std::string::npos) << again.err;
  EXPECT_EQ(test::run_hashes(db).size(), 8u);
  const auto retry = test::mcuprof_cli(
      {"sweep", "run", file.string(), "--db", db.string(), "-j", "2", "--retry-failed"});
  ASSERT_EQ(retry.status, 0) << retry.err;
  EXPECT_NE(retry.err.find("4 to run"), std::string::npos) << retry.err;
  EXPECT_EQ(test::count_rows(db, "failed_run"), 4);  // replaced, not added
  EXPECT_EQ(test::run_hashes(db).size(), 8u);

  const auto rep = test::mcuprof_cli({"sweep", "report", db.string(), "--format", "json"});
  ASSERT_EQ(rep.status, 0) << rep.err;
  const auto j = json::parse(rep.out);
  ASSERT_EQ(j["boards"].size(), 2u);
  EXPECT_EQ(j["failures"].size(), 4u);
  for (const auto& b : j["boards"]) {
    const auto& runs = b["runs"];
    ASSERT_EQ(runs.size(), 4u);
    for (const auto& a : runs) {
      for (const char* key :
           {"latency_ms", "peak_sram_bytes", "flash_bytes", "macs", "fits", "schedule"})
        EXPECT_TRUE(a.contains(key)) << key;
      bool beaten = false;
      for (const auto& o : runs) {
        const auto as = a["peak_sram_bytes"].get<uint64_t>(),
                   os = o["peak_sram_bytes"].get<uint64_t>();
        const auto al = a["latency_ms"].get<double>(), ol = o["latency_ms"].get<double>();
        beaten |= os <= as && ol <= al && (os < as || ol < al);
        beaten |= os == as && ol == al && o["id"].get<int>() < a["id"].get<int>();
      }
      EXPECT_EQ(a["pareto"].get<bool>(), !beaten) << a.dump();
    }
  }
  // The Pareto plot of one board (drawn by the GUI's plot library when it is built).
  const auto help = test::mcuprof_cli({"plot", "--help"});
  if (help.out.find("--pareto") != std::string::npos) {
    const auto png = dir / "pareto.png";
    const auto plot = test::mcuprof_cli(
        {"plot", db.string(), "--pareto", "--board", "stm32h743", "--out", png.string()});
    ASSERT_EQ(plot.status, 0) << plot.err;
    EXPECT_EQ(test::read_text(png).substr(1, 3), "PNG");
    EXPECT_NE(plot.err.find("4 runs"), std::string::npos) << plot.err;
    const auto no_board =
        test::mcuprof_cli({"plot", db.string(), "--pareto", "--out", png.string()});
    EXPECT_EQ(no_board.status, 64);
    EXPECT_NE(no_board.err.find("stm32f412, stm32h743"), std::string::npos) << no_board.err;
    EXPECT_EQ(test::mcuprof_cli(
                  {"plot", db.string(), "--pareto", "--board", "rp2040", "--out", png.string()})
                  .status,
              64);
  }
  const auto csv = test::mcuprof_cli({"sweep", "report", db.string(), "--format", "csv"});
  EXPECT_EQ(
      csv.out.rfind(
          "target,id,name,schedule,latency_ms,peak_sram_bytes,flash_bytes,macs,fits,pareto", 0),
      0u)
      << csv.out;
}

namespace {

// Starts a sweep, waits (bounded) until it has stored one more point, then signals it.
test::ProcessResult interrupt_after_first_point(const std::filesystem::path& file,
                                                const std::filesystem::path& db, int signal) {
  std::error_code ec;
  const size_t before = std::filesystem::exists(db, ec) ? test::run_hashes(db).size() : 0;
  test::ChildProcess child({test::mcuprof_binary().string(), "sweep", "run", file.string(), "--db",
                            db.string(), "-j", "1"});
  for (int i = 0; i < 1200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    try {
      if (std::filesystem::exists(db, ec) && test::run_hashes(db).size() > before) break;
    } catch (const SQLite::Exception&) {
      // the sweep is creating the database's tables: look again
    }
  }
  child.send(signal);
  return child.wait();
}

}  // namespace

TEST(CliSweep, KilledOrInterruptedSweepLeavesAValidDatabaseAndResumes) {
  test::ScratchDir dir;
  const json sweep{{"name", "resume"},
                   {"models", {test::tiny_models({0.1, 0.15, 0.2})}},
                   {"boards", {"stm32f412"}},
                   {"schedules", {"layer", "patch"}}};
  const auto file = test::write_sweep(dir.path(), sweep);
  const auto db = dir / "out.db";
  const auto killed = interrupt_after_first_point(file, db, SIGKILL);
  EXPECT_EQ(killed.status, 128 + SIGKILL);
  {
    SQLite::Database raw(db.string());
    EXPECT_EQ(raw.execAndGet("PRAGMA integrity_check").getString(), "ok");
  }
  const size_t after_kill = test::run_hashes(db).size();
  EXPECT_GE(after_kill, 1u);
  EXPECT_LT(after_kill, 6u);

  const auto interrupted = interrupt_after_first_point(file, db, SIGINT);
  if (interrupted.status != 0) {  // it may have finished before the signal
    EXPECT_EQ(interrupted.status, 130) << interrupted.err;
    EXPECT_NE(interrupted.err.find("run the same command again to resume"), std::string::npos)
        << interrupted.err;
  }
  const auto resumed =
      test::mcuprof_cli({"sweep", "run", file.string(), "--db", db.string(), "-j", "2"});
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  const auto hashes = test::run_hashes(db);
  EXPECT_EQ(hashes.size(), 6u);
  EXPECT_EQ(std::set<std::string>(hashes.begin(), hashes.end()).size(), 6u)
      << "a point stored twice";
  EXPECT_EQ(test::count_rows(db, "failed_run"), 0);
}

// docs/schemas/sweep.schema.json and the parser (sweep_spec.hpp) agree: the documented
// example and other sweep files conform and are accepted; files the schema rejects are
// refused (status 65).
TEST(CliSweep, SchemaAndParserAgree) {
  test::ScratchDir dir;
  const auto docs = std::filesystem::path(MCUPROF_SOURCE_DIR) / "docs";
  const auto schema = json::parse(test::read_text(docs / "schemas" / "sweep.schema.json"));
  const auto example = json::parse(test::read_text(docs / "sweeps" / "mbv2-grid.json"));
  std::ofstream(dir / "m.tflite") << "x";
  const json good[] = {
      example,
      {{"name", "a"}, {"models", "m.tflite"}, {"boards", "stm32f412"}, {"schedules", "layer"}},
      {{"name", "b"},
       {"models", {test::tiny_models({0.1}), "*.tflite"}},
       {"boards", {"stm32f412", "board.json"}},
       {"schedules", {"patch:2x2@3", "all"}},
       {"options",
        {{"max_time", "10s"}, {"observe_memory", true}, {"fail_if", {"latency_ms > 5"}}}}}};
  for (const auto& g : good) {
    EXPECT_TRUE(test::schema_violations(schema, g).empty()) << g.dump();
  }
  for (const auto& g : good) {
    const auto spec = profiler::sweep::parse_sweep(g.dump(), dir / "sweep.json");
    EXPECT_EQ(spec.name, g["name"]);
  }
  const auto spec =
      profiler::sweep::parse_sweep(example.dump(), docs / "sweeps" / "mbv2-grid.json");
  ASSERT_EQ(spec.models.size(), 1u);
  ASSERT_TRUE(spec.models[0].generate.has_value());
  EXPECT_EQ(spec.models[0].generate->widths.size(), 3u);
  EXPECT_EQ(spec.boards.size(), 2u);

  const json bad[] = {{{"name", "c"}, {"models", "m.tflite"}, {"schedules", "layer"}},
                      {{"name", "d"},
                       {"models", "m.tflite"},
                       {"boards", "stm32f412"},
                       {"schedules", "layer"},
                       {"extra", 1}},
                      {{"name", "e"},
                       {"models", {{{"generate", "vgg"}}}},
                       {"boards", "stm32f412"},
                       {"schedules", "layer"}},
                      {{"name", "f"},
                       {"models", "m.tflite"},
                       {"boards", "stm32f412"},
                       {"schedules", "layer"},
                       {"options", {{"observe_memory", "yes"}}}}};
  for (const auto& b : bad) {
    EXPECT_FALSE(test::schema_violations(schema, b).empty()) << b.dump();
    try {
      profiler::sweep::parse_sweep(b.dump(), dir / "sweep.json");
      ADD_FAILURE() << "accepted " << b.dump();
    } catch (const profiler::CommandError& e) {
      EXPECT_EQ(e.exit_status(), 65) << e.what();
    }
  }
}

// Array tasks and `sweep merge` without a batch system: tasks run by hand into their
// shards; a task that did not run is named with the command that reruns it (the sbatch
// line once the sweep has an sbatch script); merging again adds nothing twice.
TEST(CliSweep, MergeNamesUnfinishedTasksAndTheirResubmitCommand) {
  test::ScratchDir dir;
  const json sweep{{"name", "shards"},
                   {"models", {test::tiny_models({0.1})}},
                   {"boards", {"stm32f412", "stm32h743", "stm32l4r5"}},
                   {"schedules", {"layer"}}};
  const auto work = dir / "out.db.sweep";
  const auto plan =
      test::mcuprof_cli({"sweep", "plan", test::write_sweep(dir.path(), sweep).string(),
                         "--work-dir", work.string(), "--json"});
  ASSERT_EQ(plan.status, 0) << plan.err;
  json points{{"name", "shards"}, {"tasks", 3}, {"points", json::parse(plan.out)["points"]}};
  points["options"] = {{"max_time", ""},
                       {"max_cycles", ""},
                       {"observe_memory", false},
                       {"unit_cycles", false},
                       {"fail_if", json::array()}};
  std::ofstream(work / "points.json") << points.dump(2);
  const auto db = (dir / "out.db").string();
  for (const char* task : {"0", "2"}) {
    const auto t = test::mcuprof_cli({"sweep", "task", work.string(), "--task", task});
    ASSERT_EQ(t.status, 0) << t.err;
  }
  const auto first = test::mcuprof_cli({"sweep", "merge", db});
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_NE(first.out.find("merged 2 runs (0 already present)"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("1 tasks did not finish: 1"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("sweep task " + work.string() + " --task 1"), std::string::npos)
      << first.out;
  std::ofstream(work / "sweep.sbatch") << "#!/bin/sh\n";
  const auto second = test::mcuprof_cli({"sweep", "merge", db});
  EXPECT_NE(second.out.find("merged 0 runs (2 already present)"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("sbatch --array=1 " + (work / "sweep.sbatch").string()),
            std::string::npos)
      << second.out;
  ASSERT_EQ(test::mcuprof_cli({"sweep", "task", work.string(), "--task", "1"}).status, 0);
  const auto last = test::mcuprof_cli({"sweep", "merge", db});
  EXPECT_NE(last.out.find("merged 1 runs (2 already present)"), std::string::npos) << last.out;
  EXPECT_EQ(last.out.find("did not finish"), std::string::npos) << last.out;
  SQLite::Database raw(db, SQLite::OPEN_READONLY);
  SQLite::Statement q(raw, "SELECT task_id, target FROM runs ORDER BY task_id");
  std::vector<std::string> tasks;
  while (q.executeStep()) tasks.push_back(q.getColumn(0).getString());
  EXPECT_EQ(tasks, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(test::mcuprof_cli({"sweep", "task", work.string(), "--task", "3"}).status, 64);
}

// A TOML sweep file (name ending in .toml) means exactly what the JSON one does: the
// documented pair docs/sweeps/mbv2-grid.{json,toml} parse to the same sweep, options
// reach the same input hash, and a TOML mistake is one line with its line and column.
TEST(CliSweep, TomlSweepFilesMeanWhatTheJsonOnesDo) {
  test::ScratchDir dir;
  const auto docs = std::filesystem::path(MCUPROF_SOURCE_DIR) / "docs" / "sweeps";
  const auto from_json = profiler::sweep::read_sweep_file(docs / "mbv2-grid.json");
  const auto from_toml = profiler::sweep::read_sweep_file(docs / "mbv2-grid.toml");
  EXPECT_EQ(from_toml.name, from_json.name);
  EXPECT_EQ(from_toml.boards, from_json.boards);
  EXPECT_EQ(from_toml.schedules, from_json.schedules);
  ASSERT_EQ(from_toml.models.size(), 1u);
  ASSERT_TRUE(from_toml.models[0].generate.has_value());
  EXPECT_EQ(from_toml.models[0].generate->widths, from_json.models[0].generate->widths);
  EXPECT_EQ(from_toml.models[0].generate->resolutions, from_json.models[0].generate->resolutions);
  EXPECT_EQ(from_toml.models[0].generate->classes, from_json.models[0].generate->classes);

  const std::string toml_options =
      "name = \"s\"\nmodels = [\"m.tflite\"]\nboards = [\"stm32f412\"]\nschedules = [\"layer\"]\n"
      "[options]\nmax_time = \"10s\"\nobserve_memory = true\nio = \"int8\"\n"
      "fail_if = [\"latency_ms > 5\"]\n";
  const json json_options{{"name", "s"},
                          {"models", {"m.tflite"}},
                          {"boards", {"stm32f412"}},
                          {"schedules", {"layer"}},
                          {"options",
                           {{"max_time", "10s"},
                            {"observe_memory", true},
                            {"io", "int8"},
                            {"fail_if", {"latency_ms > 5"}}}}};
  const auto t = profiler::sweep::parse_sweep(toml_options, dir / "s.toml");
  const auto j = profiler::sweep::parse_sweep(json_options.dump(), dir / "s.json");
  EXPECT_EQ(profiler::sweep::input_hash("m", "b", "r", "layer", t.options),
            profiler::sweep::input_hash("m", "b", "r", "layer", j.options));
  EXPECT_NE(profiler::sweep::input_hash("m", "b", "r", "layer", t.options),
            profiler::sweep::input_hash("m", "b", "r", "layer", {}));

  struct Case {
    std::string text;
    std::string expected;
  };
  for (const auto& c : {Case{"name = \"x\"\nboards = [\"a\"\n", "bad.toml:2:"},
                        Case{"name = 1979-05-27\n", "name: dates and times are not sweep values"},
                        Case{toml_options + "colour = \"red\"\n", "options.colour: unknown key"}}) {
    std::ofstream(dir / "bad.toml") << c.text;
    const auto r = test::mcuprof_cli({"sweep", "plan", (dir / "bad.toml").string()});
    EXPECT_EQ(r.status, 65) << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}
