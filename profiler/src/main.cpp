// mcuprof — the headless command-line tool: list targets, run firmware on the
// emulated board and store the run. Commands and exit codes: docs/cli.md.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"
#include "mcuprof/targets/target.hpp"

namespace {

using mcuprof::profiler::CommandError;
namespace exit_code = mcuprof::profiler::exit_code;

int list_targets(bool as_json) {
  const auto catalogue =
      mcuprof::targets::Catalogue::from_directory(mcuprof::targets::default_catalogue_dir());
  if (as_json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& t : catalogue.targets()) {
      nlohmann::json memories = nlohmann::json::array();
      for (const auto& m : t.memories)
        memories.push_back({{"name", m.name},
                            {"kind", std::string(mcuprof::targets::to_string(m.kind))},
                            {"base", m.base},
                            {"size", m.size},
                            {"wait_states", m.wait_states}});
      out.push_back({{"name", t.name},
                     {"description", t.description},
                     {"core", std::string(mcuprof::targets::to_string(t.core))},
                     {"fpu", t.fpu},
                     {"clock_hz", t.clock_hz},
                     {"memories", memories}});
    }
    std::cout << out.dump(2) << '\n';
    return exit_code::kOk;
  }
  fmt::print("{:<12} {:<12} {:>4} {:>8} {:>10} {:>10}  {}\n", "name", "core", "fpu", "MHz",
             "code KiB", "data KiB", "description");
  for (const auto& t : catalogue.targets()) {
    fmt::print("{:<12} {:<12} {:>4} {:>8} {:>10} {:>10}  {}\n", t.name,
               mcuprof::targets::to_string(t.core), t.fpu ? "yes" : "no",
               static_cast<double>(t.clock_hz) / 1e6, t.code().size / 1024, t.data().size / 1024,
               t.description);
  }
  return exit_code::kOk;
}

std::string with_thousands(uint64_t v) {
  std::string digits = std::to_string(v);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
    digits.insert(static_cast<size_t>(i), ",");
  return digits;
}

int run_command(const mcuprof::profiler::RunRequest& request) {
  const auto outcome = mcuprof::profiler::run_firmware(request, std::cout, std::cerr);
  const auto& s = outcome.summary;
  std::string how = s["stop_reason"] == "exited"
                        ? fmt::format("exited with status {}", s["exit_code"].get<int>())
                        : fmt::format("stopped: {}", s["detail"].get<std::string>());
  fmt::print(stderr, "mcuprof: {} on {}: {} after {} cycles ({:.3f} ms at {:g} MHz), {} instructions",
             request.firmware.filename().string(), s["target"].get<std::string>(), how,
             with_thousands(s["total_cycles"].get<uint64_t>()), s["latency_ms"].get<double>(),
             s["clock_hz"].get<double>() / 1e6, with_thousands(s["instructions"].get<uint64_t>()));
  if (!s["run_id"].is_null())
    fmt::print(stderr, "; run {} in {}", s["run_id"].get<int64_t>(), s["database"].get<std::string>());
  fmt::print(stderr, "\n");
  return outcome.exit_status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mcuprof — cycle-accurate simulator and profiler for NN inference on Cortex-M"};
  app.set_version_flag("--version", std::string("mcuprof ") + MCUPROF_VERSION);
  app.require_subcommand(1);

  bool targets_json = false;
  auto* targets_cmd = app.add_subcommand("targets", "List the boards mcuprof can simulate");
  targets_cmd->add_flag("--json", targets_json, "Machine-readable output");

  mcuprof::profiler::RunRequest request;
  std::string target_file;
  std::string db;
  std::string summary;
  auto* run_cmd = app.add_subcommand("run", "Run a firmware ELF on an emulated board");
  run_cmd->add_option("firmware", request.firmware, "Firmware ELF file")->required();
  auto* target_opt = run_cmd->add_option("--target", request.target_name, "Board name (see 'mcuprof targets')");
  run_cmd->add_option("--target-file", target_file, "Board description JSON instead of a catalogue name")
      ->excludes(target_opt);
  run_cmd->add_option("--db", db, "Trace database to add the run to (created if missing)");
  run_cmd->add_option("--summary", summary, "Write a JSON summary of the run to this file");
  run_cmd->add_option("--max-cycles", request.max_cycles,
                      "Stop a firmware that has not exited after this many cycles")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? 0 : exit_code::kUsage;
  }

  try {
    if (*targets_cmd) return list_targets(targets_json);
    if (*run_cmd) {
      if (request.target_name.empty() && target_file.empty())
        throw CommandError(exit_code::kUsage, "run: --target NAME or --target-file FILE is required");
      if (!target_file.empty()) request.target_file = target_file;
      if (!db.empty()) request.database = db;
      if (!summary.empty()) request.summary = summary;
      return run_command(request);
    }
  } catch (const CommandError& e) {
    fmt::print(stderr, "mcuprof: error: {}\n", e.what());
    return e.exit_status();
  } catch (const mcuprof::targets::TargetError& e) {
    fmt::print(stderr, "mcuprof: error: {}\n", e.what());
    return exit_code::kDataError;
  } catch (const std::exception& e) {
    fmt::print(stderr, "mcuprof: internal error: {}\n", e.what());
    return exit_code::kSoftware;
  }
  return exit_code::kUsage;
}
