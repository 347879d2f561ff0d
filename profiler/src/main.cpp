// mcuprof — the headless command-line tool. Each subcommand lives in its own
// *_command.cpp; this file parses the command line and maps errors to exit statuses
// (docs/cli.md).
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli_errors.hpp"
#include "commands.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"
#include "mcuprof/targets/target.hpp"
#include "mcuprof/traces/store.hpp"

namespace exit_code = mcuprof::profiler::exit_code;

int main(int argc, char** argv) {
  CLI::App app{"mcuprof — cycle-accurate simulator and profiler for NN inference on Cortex-M"};
  app.set_version_flag("--version", std::string("mcuprof ") + MCUPROF_VERSION);
  app.require_subcommand(1);

  mcuprof::profiler::Commands commands;
  mcuprof::profiler::add_targets_command(app, commands);
  mcuprof::profiler::add_run_command(app, commands);
  mcuprof::profiler::add_inspect_command(app, commands);
  mcuprof::profiler::add_generate_command(app, commands);
  mcuprof::profiler::add_plan_command(app, commands);
  mcuprof::profiler::add_export_command(app, commands);
  mcuprof::profiler::add_report_command(app, commands);
  mcuprof::profiler::add_compare_command(app, commands);
  mcuprof::profiler::add_sweep_command(app, commands);
  mcuprof::profiler::add_database_command(app, commands);
#if MCUPROF_WITH_PLOT
  mcuprof::profiler::add_plot_command(app, commands);
#endif

  if (const auto error = mcuprof::profiler::unknown_command(app, argc, argv)) {
    fmt::print(stderr, "mcuprof: error: {}\n", *error);
    return exit_code::kUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    fmt::print(stderr, "mcuprof: error: {}\n", mcuprof::profiler::parse_error_line(app, e));
    return exit_code::kUsage;
  }

  try {
    for (const auto& command : commands)
      if (command.app->parsed()) return command.run();
  } catch (const mcuprof::profiler::CommandError& e) {
    fmt::print(stderr, "mcuprof: error: {}\n", e.what());
    return e.exit_status();
  } catch (const mcuprof::targets::TargetError& e) {
    fmt::print(stderr, "mcuprof: error: {}\n", e.what());
    return exit_code::kDataError;
  } catch (const mcuprof::traces::InvalidDatabase& e) {  // damaged, foreign or newer
    fmt::print(stderr, "mcuprof: error: {}\n", e.what());
    return exit_code::kDataError;
  } catch (const mcuprof::traces::UnwritableDatabase& e) {
    fmt::print(stderr, "mcuprof: error: {}\n", e.what());
    return exit_code::kCantCreate;
  } catch (const mcuprof::traces::TraceError& e) {  // a database that failed to read
    fmt::print(stderr, "mcuprof: error: {}\n", e.what());
    return exit_code::kIoError;
  } catch (const std::exception& e) {
    fmt::print(stderr, "mcuprof: internal error: {}\n", e.what());
    return exit_code::kSoftware;
  }
  return exit_code::kUsage;
}
