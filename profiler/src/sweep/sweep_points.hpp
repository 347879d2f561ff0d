// A sweep's points: the sweep file expanded into models x boards x schedules, generated
// models written into the work folder, and each point's input hash (model, board file,
// model runner, schedule, options, mcuprof version) by which a finished point is
// recognised. Also the points file (points.json) that array tasks read.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sweep/sweep_spec.hpp"

namespace mcuprof::profiler::sweep {

struct Point {
  size_t index = 0;
  std::string name;  // the run's name: the model's file name without .tflite
  std::filesystem::path model;
  std::string board;   // catalogue name, or an absolute target file path
  std::string target;  // the board's name
  std::string schedule;
  std::string input_hash;
};

struct Expansion {
  std::vector<Point> points;
  std::vector<std::string> notes;  // e.g. a point listed twice
};

// Expands the sweep. Generated models go to `work_dir`/models (written once; the same
// parameters give the same bytes). Throws CommandError naming the key for a glob that
// matches nothing, a missing file or an unknown board.
Expansion expand_points(const SweepSpec& spec, const std::filesystem::path& work_dir);

// The arguments after `mcuprof run` for the point (without --db and --summary).
std::vector<std::string> run_arguments(const Point& point, const RunOptions& options);

// The hash of the point's inputs (lower-case hex SHA-256).
std::string input_hash(const std::string& model_sha256, const std::string& board_sha256,
                       const std::string& runner_sha256, const std::string& schedule,
                       const RunOptions& options);

// A point as points.json and `sweep plan --json` list it.
nlohmann::json point_json(const Point& point);

// points.json: the sweep's name, options and points, for array tasks and `sweep status`.
nlohmann::json points_json(const SweepSpec& spec, const std::vector<Point>& points, size_t tasks);
struct PointsFile {
  std::string name;
  RunOptions options;
  size_t tasks = 1;
  std::vector<Point> points;
};
// Throws CommandError (66 missing, 65 malformed).
PointsFile read_points_file(const std::filesystem::path& path);

}  // namespace mcuprof::profiler::sweep
