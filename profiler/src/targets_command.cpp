// `mcuprof targets [--json]`: the board catalogue.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/targets/target.hpp"

namespace mcuprof::profiler {
namespace {

int list_targets(bool as_json) {
  const auto catalogue = targets::Catalogue::from_directory(targets::default_catalogue_dir());
  if (as_json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& t : catalogue.targets()) {
      nlohmann::json memories = nlohmann::json::array();
      for (const auto& m : t.memories)
        memories.push_back({{"name", m.name},
                            {"kind", std::string(targets::to_string(m.kind))},
                            {"base", m.base},
                            {"size", m.size},
                            {"wait_states", m.wait_states}});
      out.push_back({{"name", t.name},
                     {"description", t.description},
                     {"core", std::string(targets::to_string(t.core))},
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
    fmt::print("{:<12} {:<12} {:>4} {:>8} {:>10} {:>10}  {}\n", t.name, targets::to_string(t.core),
               t.fpu ? "yes" : "no", static_cast<double>(t.clock_hz) / 1e6, t.code().size / 1024,
               t.data().size / 1024, t.description);
  }
  return exit_code::kOk;
}

}  // namespace

void add_targets_command(CLI::App& app, Commands& commands) {
  auto as_json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("targets", "List the boards mcuprof can simulate");
  cmd->add_flag("--json", *as_json, "Machine-readable output");
  commands.push_back({cmd, [as_json] { return list_targets(*as_json); }});
}

}  // namespace mcuprof::profiler
