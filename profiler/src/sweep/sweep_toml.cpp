// TOML sweep files as JSON values (sweep_toml.hpp).
#include "sweep_toml.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <string_view>

#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"

namespace mcuprof::profiler::sweep {
namespace {

using nlohmann::json;

json convert(const toml::node& node, const std::string& key, const std::filesystem::path& origin) {
  if (const auto* table = node.as_table()) {
    json out = json::object();
    for (const auto& [name, value] : *table) {
      const std::string k =
          key.empty() ? std::string(name.str()) : key + "." + std::string(name.str());
      out[std::string(name.str())] = convert(value, k, origin);
    }
    return out;
  }
  if (const auto* array = node.as_array()) {
    json out = json::array();
    for (size_t i = 0; i < array->size(); ++i)
      out.push_back(convert(*array->get(i), fmt::format("{}[{}]", key, i), origin));
    return out;
  }
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return i->get();
  if (const auto* f = node.as_floating_point()) return f->get();
  if (const auto* b = node.as_boolean()) return b->get();
  throw CommandError(exit_code::kDataError,
                     fmt::format("{}: {}: dates and times are not sweep values (line {})",
                                 origin.string(), key, node.source().begin.line));
}

}  // namespace

json toml_to_json(const std::string& text, const std::filesystem::path& origin) {
  try {
    const toml::table table = toml::parse(text, origin.string());
    return convert(table, "", origin);
  } catch (const toml::parse_error& e) {
    throw CommandError(
        exit_code::kDataError,
        fmt::format("{}:{}:{}: not a TOML sweep file ({})", origin.string(), e.source().begin.line,
                    e.source().begin.column, e.description()));
  }
}

}  // namespace mcuprof::profiler::sweep
