// The JUnit XML report of `mcuprof run --junit FILE` for CI systems: one test suite named
// after the run's name and board, a "run" test case (failing when the run was refused before
// running, faulted or exited non-zero) and one test case per --fail-if gate, each carrying
// the gate's message (docs/cli.md, "Gates").
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "mcuprof/profiler/gates.hpp"

namespace mcuprof::profiler {

struct JunitRun {
  std::string name;         // the run's name (summary "name", else the model's/ELF's file)
  std::string board;        // the target's name
  double seconds = 0;       // the inference's emulated time (0 when it did not run)
  std::string run_failure;  // empty: the run ended with status 0; else why it failed
  bool refused = false;     // no result (refused before running...): gates not evaluated
  std::vector<std::pair<std::string, std::string>> properties;  // shown as <properties>
};

// The run as JUnit sees it, from the run's summary and its process status.
JunitRun junit_run_from_summary(const nlohmann::json& summary, int run_status);

// A run that gave no result — refused before running (it does not fit, bad schedule,
// unknown board...) or stopped by an error: its message and status make the failing "run"
// test case.
JunitRun junit_refused_run(std::string name, std::string board, const std::string& message,
                           int status);

// The XML document. `results` are the evaluated gates; with a refused run, pass the
// gates as `not_evaluated` (skipped test cases) instead.
std::string junit_xml(const JunitRun& run, const std::vector<GateResult>& results,
                      const std::vector<Gate>& not_evaluated = {});

// Writes `xml` to `path`. Throws CommandError (status 73) if it cannot.
void write_junit(const std::filesystem::path& path, const std::string& xml);

}  // namespace mcuprof::profiler
