// Command-line mistakes as one line each: an unknown or missing command (naming the
// commands there are), and CLI11's parse errors with the command they belong to.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace mcuprof::profiler {

// "unknown command 'frobnicate' (commands: targets, run, ...)", "no command given (...)",
// or nothing when argv starts with a known command or an option.
std::optional<std::string> unknown_command(const CLI::App& app, int argc, char** argv);

// One line for a parse error: "run: --max-cycles: 'abc' is not ... (see 'mcuprof run
// --help')".
std::string parse_error_line(const CLI::App& app, const CLI::ParseError& error);

}  // namespace mcuprof::profiler
