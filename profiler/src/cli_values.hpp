// Values the command line accepts beyond plain numbers: cycle counts ("5000000", "1e6",
// "10M", "2G", "1500k") and simulated durations ("60", "60s", "500ms", "2m"), each
// refused with one line naming the accepted forms; and the CLI11 options that use them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace mcuprof::profiler {

// A positive whole number of cycles, or nullopt.
std::optional<uint64_t> parse_cycle_count(std::string_view text);
// A positive duration in seconds, or nullopt.
std::optional<double> parse_seconds(std::string_view text);

// What the errors say is accepted.
inline constexpr std::string_view kCycleCountForms =
    "a positive cycle count such as 5000000, 1e6, 1500k, 10M or 2G";
inline constexpr std::string_view kDurationForms =
    "a positive simulated time such as 60, 60s, 500ms, 250us or 2m";

// --max-cycles N into `target`; a bad value is a CLI::ValidationError (status 64).
CLI::Option* add_cycle_count_option(CLI::App& cmd, const std::string& name,
                                    std::optional<uint64_t>& target, const std::string& help);
// --max-time T (seconds) into `target`.
CLI::Option* add_duration_option(CLI::App& cmd, const std::string& name, double& target,
                                 const std::string& help);

}  // namespace mcuprof::profiler
