// The subcommands of the mcuprof CLI. Each lives in its own file and registers itself
// on the CLI11 app; main() runs the one the user chose. Add a command by writing
// a `add_<name>_command` function and listing it in main.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace mcuprof::profiler {

struct Command {
  CLI::App* app = nullptr;   // the parsed subcommand
  std::function<int()> run;  // returns the process exit status; throws CommandError
};

using Commands = std::vector<Command>;

void add_targets_command(CLI::App& app, Commands& commands);
void add_run_command(CLI::App& app, Commands& commands);
void add_inspect_command(CLI::App& app, Commands& commands);
void add_generate_command(CLI::App& app, Commands& commands);
void add_plan_command(CLI::App& app, Commands& commands);
void add_export_command(CLI::App& app, Commands& commands);
void add_report_command(CLI::App& app, Commands& commands);
void add_compare_command(CLI::App& app, Commands& commands);
void add_sweep_command(CLI::App& app, Commands& commands);
void add_database_command(CLI::App& app, Commands& commands);
#if MCUPROF_WITH_PLOT
void add_plot_command(CLI::App& app, Commands& commands);
#endif

}  // namespace mcuprof::profiler
