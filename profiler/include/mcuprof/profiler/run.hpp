// `mcuprof run` for an ELF: resolve the target, load the firmware, run it on the
// machine with the console streamed, store the run in the trace database and write
// the JSON summary.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcuprof/targets/target.hpp"

#include "mcuprof/profiler/attribution.hpp"
#include "mcuprof/profiler/figures.hpp"
#include "mcuprof/sim/machine.hpp"

namespace mcuprof::profiler {

// A failure that ends the command with a one-line message and an exit status.
class CommandError : public std::runtime_error {
 public:
  CommandError(int exit_status, const std::string& message)
      : std::runtime_error(message), exit_status_(exit_status) {}
  int exit_status() const { return exit_status_; }

 private:
  int exit_status_;
};

struct RunRequest {
  std::filesystem::path firmware;
  std::string target_name;
  std::optional<std::filesystem::path> target_file;  // overrides the catalogue
  std::optional<std::filesystem::path> database;
  std::optional<std::filesystem::path> summary;
  // The cycle budget: max_cycles when set, else max_seconds of the target's clock.
  std::optional<uint64_t> max_cycles;
  double max_seconds = 60.0;
  std::optional<std::filesystem::path> semihosting_root;  // host files the firmware may open
  bool unit_cycles = false;  // one cycle per instruction instead of the core's model
  // Count data reads from flash (free on boards with flash wait states; elsewhere a
  // read hook that slows every load). Off: flash data figures are "not measured".
  bool count_flash_data = true;
  unsigned function_cycles = 0;  // list this many functions by cycles (0: none)
  // A stock firmware's window and layers from its calls (call_spans.hpp): the functions
  // whose first call is the inference window, and those whose calls are the layers
  // (empty: the known engines' when the ELF has them).
  std::vector<std::string> window_functions;
  std::vector<std::string> layers_from;
  // The arena to observe with observe_memory ("": `tensor_arena` or TinyEngine's buffer).
  std::string arena_symbol;
  // --observe-memory: hook every SRAM access for the out-of-bounds write check and the
  // observed SRAM view (memory_check.hpp, observed_memory.hpp). Slow; off by default.
  bool observe_memory = false;
  // Bytes right after the announced arena a model runner's kernels use as scratch: counted
  // in static SRAM for the whole run, and writes there pass the out-of-bounds check.
  uint32_t scratch_after_arena = 0;
  // What the run executes, for the stored run (set by `mcuprof run MODEL.tflite`, or
  // `--model` for an ELF: then it also names the layers from calls).
  std::optional<std::filesystem::path> model;
  bool layers_from_model = false;  // --model of an ELF run: names the layers from calls
  std::string schedule;            // "layer", "patch:4x4@13", ...
  std::string name;                // the run's name (default: the firmware's file name)
  // The figures a model run was checked with before running (model_fit.hpp); without
  // them, the ELF's own (elf_figures).
  std::optional<Figures> figures;
};

struct RunOutcome {
  nlohmann::json summary;
  int exit_status = 0;  // what the mcuprof process should return
};

// Extension points for runs that add to the firmware (the model form of `mcuprof run`).
struct RunHooks {
  // Before the machine loads the firmware: may add segments (e.g. a model image).
  std::function<void(sim::ElfImage&)> before_load;
  // Once the machine has loaded it, before the run: may add observers.
  std::function<void(sim::Machine&)> before_run;
  // After the run, before the summary is written: may add fields to it.
  std::function<void(const sim::Machine&, const sim::RunResult&, const Attribution&,
                     nlohmann::json& summary)>
      after_run;
};

// The board to run on: the target file when one is given, else the catalogue's board of
// that name. Throws CommandError (bad input data) naming the problem.
targets::Target resolve_target(const std::string& name,
                               const std::optional<std::filesystem::path>& file = std::nullopt);

// Runs the request. Console text goes to `console_out` (ITM and semihosting stdout)
// and `console_err` (semihosting stderr) as it is produced. Throws CommandError for
// bad input and unwritable outputs, before anything is written.
RunOutcome run_firmware(const RunRequest& request, std::ostream& console_out,
                        std::ostream& console_err, const RunHooks& hooks = {});

}  // namespace mcuprof::profiler
