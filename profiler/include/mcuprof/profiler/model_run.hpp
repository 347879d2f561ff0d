// `mcuprof run MODEL.tflite`: compile the model into an image (runtime/compiler), check
// that it fits the board, place it and the input after the board's model runner
// firmware in emulated flash, run, read the outputs (and optionally every activation)
// back from the emulated arena, and summarise per layer. docs/runtime.md, "Model runner".
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mcuprof/compiler/graph.hpp"
#include "mcuprof/compiler/planner.hpp"
#include "mcuprof/profiler/run.hpp"

namespace mcuprof::profiler {

struct ModelRunRequest {
  std::filesystem::path model;
  std::string target_name;
  std::optional<std::filesystem::path> target_file;
  std::optional<std::filesystem::path> input;   // raw bytes of the input tensor(s)
  std::optional<std::filesystem::path> output;  // raw bytes of the output tensor(s)
  std::optional<std::filesystem::path> database;
  std::optional<std::filesystem::path> summary;
  std::optional<std::filesystem::path> dump_tensors;  // folder for every activation
  std::optional<std::filesystem::path> runner;        // model runner ELF (default: the board's)
  std::optional<uint64_t> max_cycles;                 // as RunRequest
  double max_seconds = 60.0;
  bool unit_cycles = false;      // one cycle per instruction instead of the core's model
  bool observe_memory = false;   // --observe-memory (run.hpp)
  unsigned function_cycles = 0;  // list the N functions that took most cycles (0: none)
  // layer | patch | patch:PxP@N | auto (docs/cli.md, `--schedule`)
  std::string schedule = "layer";
  std::string name;      // the run's name (default: the model's file name)
  bool int8_io = false;  // --io int8: int8 model I/O (compiler/io_int8.hpp)
};

// A model compiled for the runner: the graph, its memory plan and the image bytes.
struct CompiledModel {
  compiler::Graph graph;
  compiler::MemoryReport memory;
  std::vector<uint8_t> image;
  uint32_t arena_needed = 0;        // planned arena (16-aligned) + kernel scratch
  std::string schedule = "layer";   // what the image runs: "layer" or "patch:PxP@N"
  int64_t planned_arena_bytes = 0;  // the image's arena (without kernel scratch)
};

// Throws CommandError (66) naming the problem unless `path` is a regular file: missing,
// a directory, a device or FIFO ("the model", "input" says which input it is).
void require_regular_file(const std::filesystem::path& path, const std::string& what);

// Imports, plans and writes the image. Throws CommandError (status 65/66) on bad models.
CompiledModel compile_model(const std::filesystem::path& model);

struct ModelBoard;  // model_fit.hpp

// The same with a schedule: "layer", "patch" (search_schedules' least-arena patch option
// within 20 % MAC overhead, else the least arena of all), "patch:PxP@N" or "auto" (what
// `mcuprof plan` recommends for `board`: choose_schedule, model_fit.hpp; auto needs a
// board). An invalid (N, P) throws CommandError 65 naming the layer and the reason; a
// malformed spec, 64.
CompiledModel compile_model(const std::filesystem::path& model, const std::string& schedule,
                            const ModelBoard* board, bool int8_io = false);

// The model's input bytes, one entry per model input in image order: from `file` (the
// inputs' raw bytes concatenated, exactly their total size) or, without one, the
// documented deterministic input (seeded xorshift32 bytes; float32 inputs get values in
// [-1, 1); with int8 I/O an input whose float QUANTIZE was dropped gets the float input
// quantized exactly as that QUANTIZE would). Throws CommandError when the file has the
// wrong size.
std::vector<std::vector<uint8_t>> model_inputs(const CompiledModel& model,
                                               const std::optional<std::filesystem::path>& file);

// build/firmware/<board>/model_runner.elf: $MCUPROF_FIRMWARE_DIR, then ../firmware next to
// the running binary, then the build's own folder.
std::filesystem::path find_model_runner(const std::string& board);

// The model's inputs or outputs as the summary lists them: index, name, dtype, shape and
// the quantization (scale, zero point) an application needs to fill or read them.
nlohmann::json model_io_json(const compiler::Graph& graph, const std::vector<int32_t>& tensors);

RunOutcome run_model(const ModelRunRequest& request, std::ostream& console_out,
                     std::ostream& console_err);

}  // namespace mcuprof::profiler
