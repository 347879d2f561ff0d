// One-line command-line errors (see cli_errors.hpp).
#include "cli_errors.hpp"

#include <fmt/format.h>

#include <string_view>

namespace mcuprof::profiler {
namespace {

std::string command_list(const CLI::App& app) {
  std::string list;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    list += (list.empty() ? "" : ", ") + sub->get_name();
  return list;
}

// CLI11 messages can span lines; the user gets one.
std::string one_line(std::string text) {
  for (auto& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace

std::optional<std::string> unknown_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2) return fmt::format("no command given (commands: {})", command_list(app));
  const std::string_view first = argv[1];
  if (first.empty() || first[0] == '-') return std::nullopt;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->check_name(std::string(first))) return std::nullopt;
  return fmt::format("unknown command '{}' (commands: {})", first, command_list(app));
}

std::string parse_error_line(const CLI::App& app, const CLI::ParseError& error) {
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->parsed())
      return fmt::format("{}: {} (see 'mcuprof {} --help')", sub->get_name(),
                         one_line(error.what()), sub->get_name());
  return fmt::format("{} (see 'mcuprof --help')", one_line(error.what()));
}

}  // namespace mcuprof::profiler
