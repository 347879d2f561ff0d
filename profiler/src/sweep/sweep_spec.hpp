// The sweep file (docs/sweeps.md, docs/schemas/sweep.schema.json): a name, models (files,
// globs, or `generate` grids), boards (catalogue names or target files), schedules and run
// options. Parsed and checked here; every mistake is one line naming the key (status 65).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mcuprof::profiler::sweep {

// A grid of generated models: every width x resolution (x seed) of one family.
struct GenerateGrid {
  std::string family;
  std::vector<double> widths{1.0};
  std::vector<int> resolutions{0};  // 0: the family's default
  std::vector<uint32_t> seeds{1};
  int classes = 0;  // 0: the family's default
};

// One entry of `models`: a path or glob (relative to the sweep file), or a grid.
struct ModelEntry {
  std::string pattern;
  std::optional<GenerateGrid> generate;
};

// The options every point's `mcuprof run` gets.
struct RunOptions {
  std::string max_time;    // "60s", as `run --max-time`; empty: run's default
  std::string max_cycles;  // as `run --max-cycles`
  bool observe_memory = false;
  bool unit_cycles = false;
  std::vector<std::string> fail_if;  // gates, as `run --fail-if`
  std::string io = "float";          // as `run --io`: float | int8
  bool int8_io() const { return io == "int8"; }
};

struct SweepSpec {
  std::string name;
  std::filesystem::path file;  // the sweep file; relative paths start from its folder
  std::vector<ModelEntry> models;
  std::vector<std::string> boards;     // catalogue names or target files (*.json)
  std::vector<std::string> schedules;  // layer | patch | auto | patch:PxP@N | all
  RunOptions options;
};

// Reads and checks a sweep file: TOML when its name ends in .toml, JSON otherwise. Throws
// CommandError: 66 when it does not exist, 65 naming the key for anything malformed.
SweepSpec read_sweep_file(const std::filesystem::path& path);

// The same from text (`origin` names it in errors and says which language it is).
SweepSpec parse_sweep(const std::string& text, const std::filesystem::path& origin);

// Whether `board` names a target file rather than a catalogue board.
bool is_target_file(const std::string& board);

}  // namespace mcuprof::profiler::sweep
