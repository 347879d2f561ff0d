// Expanding a sweep into points (sweep_points.hpp): globs with glob(3), generated models
// written once into the work folder, boards resolved, "all" schedules from the plan, and
// the input hash of each point. Also points.json, the frozen list array tasks run.
#include "sweep/sweep_points.hpp"

#include <fmt/format.h>
#include <glob.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "file_hash.hpp"
#include "mcuprof/compiler/generator.hpp"
#include "mcuprof/compiler/importer.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/model_fit.hpp"
#include "mcuprof/profiler/run.hpp"
#include "output_file.hpp"

namespace mcuprof::profiler::sweep {
namespace {

namespace fs = std::filesystem;
namespace cc = mcuprof::compiler;

[[noreturn]] void fail(int status, const SweepSpec& spec, const std::string& key,
                       const std::string& what) {
  throw CommandError(status, fmt::format("{}: {}: {}", spec.file.string(), key, what));
}

fs::path from_sweep(const SweepSpec& spec, const std::string& path) {
  const fs::path p(path);
  return p.is_absolute() ? p : fs::absolute(spec.file).parent_path() / p;
}

std::vector<fs::path> glob_models(const SweepSpec& spec, const std::string& pattern,
                                  const std::string& key) {
  const std::string full = from_sweep(spec, pattern).string();
  if (full.find_first_of("*?[") == std::string::npos) {
    std::error_code ec;
    if (!fs::is_regular_file(full, ec))
      fail(exit_code::kNoInput, spec, key, fmt::format("no such model file '{}'", full));
    return {full};
  }
  glob_t g{};
  const int rc = ::glob(full.c_str(), 0, nullptr, &g);
  std::vector<fs::path> out;
  for (size_t i = 0; rc == 0 && i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  globfree(&g);
  if (out.empty())
    fail(exit_code::kNoInput, spec, key, fmt::format("'{}' matches no file", pattern));
  return out;
}

std::string generated_name(const cc::GeneratorOptions& o) {
  std::string name = fmt::format("{}-w{:g}-r{}-s{}", o.family, o.width, o.resolution, o.seed);
  if (o.classes != 0) name += fmt::format("-c{}", o.classes);
  return name;
}

// Writes each model of the grid once (the generator is deterministic: same bytes).
std::vector<fs::path> generate_models(const GenerateGrid& grid, const fs::path& dir) {
  std::vector<fs::path> out;
  for (const double width : grid.widths)
    for (const int resolution : grid.resolutions)
      for (const uint32_t seed : grid.seeds) {
        cc::GeneratorOptions o{grid.family, width, resolution, seed, grid.classes};
        const fs::path path = dir / (generated_name(o) + ".tflite");
        std::error_code ec;
        if (!fs::exists(path, ec)) {
          fs::create_directories(dir, ec);
          write_output_file(path, cc::generate_model(o), "generated model");
        }
        out.push_back(path);
      }
  return out;
}

struct Board {
  std::string as_given;
  targets::Target target;
  std::string board_sha256;
  std::string runner_sha256;
};

Board resolve_board(const SweepSpec& spec, const std::string& board, const std::string& key) {
  Board b;
  try {
    if (is_target_file(board)) {
      b.as_given = from_sweep(spec, board).string();
      b.target = resolve_target("", fs::path(b.as_given));
    } else {
      b.as_given = board;
      b.target = resolve_target(board);
    }
  } catch (const CommandError& e) {
    fail(exit_code::kDataError, spec, key, e.what());
  }
  b.board_sha256 = b.target.file.empty() ? "" : sha256_file(b.target.file);
  try {
    b.runner_sha256 = sha256_file(model_board(b.target).runner);
  } catch (const std::exception&) {
    b.runner_sha256 = "";  // no model runner for this board: its points fail when run
  }
  return b;
}

// "all": the layer-wise schedule and every patch option `plan` lists for the board.
std::vector<std::string> every_schedule(const fs::path& model, const targets::Target& target,
                                        bool int8_io) {
  std::vector<std::string> out{"layer"};
  try {
    const cc::Graph g = cc::import_tflite_file(model, {.int8_io = int8_io});
    const ScheduleChoice choice = choose_schedule(g, model_board(target), input_sizes(g));
    for (const auto& o : choice.options) out.push_back(o.schedule);
  } catch (const std::exception&) {
    // A model that cannot be planned: its layer-wise point reports why when it runs.
  }
  return out;
}

std::string options_text(const RunOptions& o) {
  nlohmann::json j{{"max_time", o.max_time},
                   {"max_cycles", o.max_cycles},
                   {"observe_memory", o.observe_memory},
                   {"unit_cycles", o.unit_cycles},
                   {"fail_if", o.fail_if}};
  if (o.int8_io()) j["io"] = o.io;  // absent for float: earlier sweeps' hashes still match
  return j.dump();
}

}  // namespace

std::string input_hash(const std::string& model_sha256, const std::string& board_sha256,
                       const std::string& runner_sha256, const std::string& schedule,
                       const RunOptions& options) {
  return sha256_text(fmt::format(
      "mcuprof {}\nmodel {}\nboard {}\nrunner {}\nschedule {}\noptions {}\n", MCUPROF_VERSION,
      model_sha256, board_sha256, runner_sha256, schedule, options_text(options)));
}

Expansion expand_points(const SweepSpec& spec, const fs::path& work_dir) {
  std::vector<fs::path> models;
  for (size_t i = 0; i < spec.models.size(); ++i) {
    const auto& m = spec.models[i];
    const auto found = m.generate ? generate_models(*m.generate, work_dir / "models")
                                  : glob_models(spec, m.pattern, fmt::format("models[{}]", i));
    models.insert(models.end(), found.begin(), found.end());
  }
  std::vector<Board> boards;
  for (size_t i = 0; i < spec.boards.size(); ++i)
    boards.push_back(resolve_board(spec, spec.boards[i], fmt::format("boards[{}]", i)));

  Expansion out;
  std::set<std::string> seen;
  std::map<fs::path, std::string> model_sha;
  for (const auto& model : models) {
    auto& sha = model_sha[model];
    if (sha.empty()) sha = sha256_file(model);
    for (const auto& b : boards)
      for (const auto& asked : spec.schedules) {
        const auto schedules = asked == "all"
                                   ? every_schedule(model, b.target, spec.options.int8_io())
                                   : std::vector{asked};
        for (const auto& schedule : schedules) {
          Point p{out.points.size(),
                  model.stem().string(),
                  model,
                  b.as_given,
                  b.target.name,
                  schedule,
                  input_hash(sha, b.board_sha256, b.runner_sha256, schedule, spec.options)};
          if (!seen.insert(p.input_hash).second) {
            out.notes.push_back(
                fmt::format("{} on {} ({}) is listed twice: run once", p.name, p.target, schedule));
            continue;
          }
          out.points.push_back(std::move(p));
        }
      }
  }
  return out;
}

std::vector<std::string> run_arguments(const Point& p, const RunOptions& o) {
  std::vector<std::string> a{p.model.string()};
  if (is_target_file(p.board))
    a.insert(a.end(), {"--target-file", p.board});
  else
    a.insert(a.end(), {"--target", p.board});
  a.insert(a.end(), {"--schedule", p.schedule, "--name", p.name});
  if (!o.max_time.empty()) a.insert(a.end(), {"--max-time", o.max_time});
  if (!o.max_cycles.empty()) a.insert(a.end(), {"--max-cycles", o.max_cycles});
  if (o.observe_memory) a.emplace_back("--observe-memory");
  if (o.unit_cycles) a.emplace_back("--unit-cycles");
  for (const auto& gate : o.fail_if) a.insert(a.end(), {"--fail-if", gate});
  if (o.int8_io()) a.insert(a.end(), {"--io", "int8"});
  return a;
}

nlohmann::json point_json(const Point& p) {
  return {{"index", p.index},          {"name", p.name},     {"model", p.model.string()},
          {"board", p.board},          {"target", p.target}, {"schedule", p.schedule},
          {"input_hash", p.input_hash}};
}

nlohmann::json points_json(const SweepSpec& spec, const std::vector<Point>& points, size_t tasks) {
  nlohmann::json j{{"name", spec.name}, {"tasks", tasks}};
  j["options"] = nlohmann::json::parse(options_text(spec.options));
  j["points"] = nlohmann::json::array();
  for (const auto& p : points) j["points"].push_back(point_json(p));
  return j;
}

PointsFile read_points_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in)
    throw CommandError(exit_code::kNoInput,
                       fmt::format("{}: cannot read the points file", path.string()));
  PointsFile f;
  try {
    const auto j = nlohmann::json::parse(in);
    f.name = j.at("name").get<std::string>();
    f.tasks = j.at("tasks").get<size_t>();
    const auto& o = j.at("options");
    f.options = {o.at("max_time"),
                 o.at("max_cycles"),
                 o.at("observe_memory"),
                 o.at("unit_cycles"),
                 o.at("fail_if").get<std::vector<std::string>>(),
                 o.value("io", "float")};
    for (const auto& p : j.at("points"))
      f.points.push_back({p.at("index").get<size_t>(), p.at("name"),
                          p.at("model").get<std::string>(), p.at("board"), p.at("target"),
                          p.at("schedule"), p.at("input_hash")});
  } catch (const nlohmann::json::exception& e) {
    throw CommandError(exit_code::kDataError,
                       fmt::format("{}: not a sweep points file ({})", path.string(), e.what()));
  }
  if (f.tasks == 0)
    throw CommandError(exit_code::kDataError, fmt::format("{}: tasks is 0", path.string()));
  return f;
}

}  // namespace mcuprof::profiler::sweep
