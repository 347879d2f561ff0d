// Cycle counts and durations on the command line (see cli_values.hpp).
#include "cli_values.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace mcuprof::profiler {
namespace {

// A finite decimal number (sign, digits, point, exponent) at the start of `text`;
// `rest` is what follows it.
std::optional<double> leading_number(std::string_view text, std::string_view& rest) {
  const std::string s(text);
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0])) || s[0] == '+' ||
      (!std::isdigit(static_cast<unsigned char>(s[0])) && s[0] != '.' && s[0] != '-'))
    return std::nullopt;
  if (s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || !std::isfinite(v)) return std::nullopt;
  rest = text.substr(static_cast<size_t>(end - s.c_str()));
  return v;
}

}  // namespace

std::optional<uint64_t> parse_cycle_count(std::string_view text) {
  std::string_view rest;
  const auto v = leading_number(text, rest);
  if (!v) return std::nullopt;
  double scale = 1;
  if (rest == "k" || rest == "K")
    scale = 1e3;
  else if (rest == "M")
    scale = 1e6;
  else if (rest == "G")
    scale = 1e9;
  else if (rest == "T")
    scale = 1e12;
  else if (!rest.empty())
    return std::nullopt;
  const double cycles = *v * scale;
  // A whole number of at least one cycle that fits (2^63: far beyond any run).
  if (!(cycles >= 1) || cycles > 9.2e18 || std::floor(cycles) != cycles) return std::nullopt;
  return static_cast<uint64_t>(cycles);
}

std::optional<double> parse_seconds(std::string_view text) {
  std::string_view rest;
  const auto v = leading_number(text, rest);
  if (!v) return std::nullopt;
  double scale = 1;
  if (rest.empty() || rest == "s")
    scale = 1;
  else if (rest == "ms")
    scale = 1e-3;
  else if (rest == "us")
    scale = 1e-6;
  else if (rest == "m" || rest == "min")
    scale = 60;
  else if (rest == "h")
    scale = 3600;
  else
    return std::nullopt;
  const double seconds = *v * scale;
  if (!(seconds > 0) || seconds > 1e9) return std::nullopt;
  return seconds;
}

CLI::Option* add_cycle_count_option(CLI::App& cmd, const std::string& name,
                                    std::optional<uint64_t>& target, const std::string& help) {
  return cmd.add_option_function<std::string>(
      name,
      [&target, name](const std::string& text) {
        target = parse_cycle_count(text);
        if (!target)
          throw CLI::ValidationError(
              name, fmt::format("'{}' is not {}", text, std::string(kCycleCountForms)));
      },
      help);
}

CLI::Option* add_duration_option(CLI::App& cmd, const std::string& name, double& target,
                                 const std::string& help) {
  return cmd.add_option_function<std::string>(
      name,
      [&target, name](const std::string& text) {
        const auto seconds = parse_seconds(text);
        if (!seconds)
          throw CLI::ValidationError(
              name, fmt::format("'{}' is not {}", text, std::string(kDurationForms)));
        target = *seconds;
      },
      help);
}

}  // namespace mcuprof::profiler
