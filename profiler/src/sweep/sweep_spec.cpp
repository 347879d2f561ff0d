// Parsing and checking the sweep file (sweep_spec.hpp): nlohmann-json, then each key by
// hand so that every mistake is one line naming the key and what is accepted.
#include "sweep/sweep_spec.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "mcuprof/compiler/generator.hpp"
#include "mcuprof/compiler/patch_plan.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"
#include "sweep/sweep_toml.hpp"

namespace mcuprof::profiler::sweep {
namespace {

using nlohmann::json;
namespace cc = mcuprof::compiler;

struct Checker {
  std::string origin;

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw CommandError(exit_code::kDataError, fmt::format("{}: {}: {}", origin, key, what));
  }

  std::string string_of(const json& v, const std::string& key) const {
    if (!v.is_string() || v.get<std::string>().empty()) fail(key, "expected a non-empty string");
    return v.get<std::string>();
  }

  // A value or a list of values, each checked by `one`.
  template <typename T, typename F>
  std::vector<T> list_of(const json& v, const std::string& key, F one) const {
    std::vector<T> out;
    if (!v.is_array()) {
      out.push_back(one(v, key));
      return out;
    }
    if (v.empty()) fail(key, "expected at least one value");
    for (size_t i = 0; i < v.size(); ++i) out.push_back(one(v[i], fmt::format("{}[{}]", key, i)));
    return out;
  }

  double number_in(const json& v, const std::string& key, double lo, double hi) const {
    if (!v.is_number() || v.get<double>() < lo || v.get<double>() > hi)
      fail(key, fmt::format("expected a number in {}..{}", lo, hi));
    return v.get<double>();
  }

  int64_t integer_in(const json& v, const std::string& key, int64_t lo, int64_t hi) const {
    if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
      fail(key, fmt::format("expected an integer in {}..{}", lo, hi));
    return v.get<int64_t>();
  }

  void only_keys(const json& obj, const std::string& where, std::set<std::string> keys) const {
    for (const auto& [k, _] : obj.items())
      if (!keys.contains(k)) {
        std::string known;
        for (const auto& name : keys) known += fmt::format("{}{}", known.empty() ? "" : ", ", name);
        fail(where.empty() ? k : where + "." + k, fmt::format("unknown key (known: {})", known));
      }
  }
};

GenerateGrid generate_grid(const Checker& c, const json& obj, const std::string& key) {
  c.only_keys(obj, key, {"generate", "width", "resolution", "seed", "classes"});
  GenerateGrid g;
  const auto families = cc::generator_families();
  g.family = c.string_of(obj["generate"], key + ".generate");
  if (std::find(families.begin(), families.end(), g.family) == families.end())
    c.fail(key + ".generate",
           fmt::format("unknown family '{}' (known: {})", g.family, fmt::join(families, ", ")));
  if (obj.contains("width"))
    g.widths = c.list_of<double>(obj["width"], key + ".width", [&](const json& v, const auto& k) {
      return c.number_in(v, k, cc::kMinWidth, cc::kMaxWidth);
    });
  if (obj.contains("resolution"))
    g.resolutions =
        c.list_of<int>(obj["resolution"], key + ".resolution", [&](const json& v, const auto& k) {
          return static_cast<int>(c.integer_in(v, k, cc::kMinResolution, cc::kMaxResolution));
        });
  if (obj.contains("seed"))
    g.seeds = c.list_of<uint32_t>(obj["seed"], key + ".seed", [&](const json& v, const auto& k) {
      return static_cast<uint32_t>(c.integer_in(v, k, 0, UINT32_MAX));
    });
  if (obj.contains("classes"))
    g.classes = static_cast<int>(
        c.integer_in(obj["classes"], key + ".classes", cc::kMinClasses, cc::kMaxClasses));
  return g;
}

ModelEntry model_entry(const Checker& c, const json& v, const std::string& key) {
  if (v.is_string()) return {c.string_of(v, key), std::nullopt};
  if (v.is_object() && v.contains("generate")) return {"", generate_grid(c, v, key)};
  c.fail(key, "expected a path, a glob or {\"generate\": FAMILY, ...}");
}

std::string schedule_entry(const Checker& c, const json& v, const std::string& key) {
  const std::string s = c.string_of(v, key);
  if (s == "layer" || s == "patch" || s == "auto" || s == "all") return s;
  if (compiler::parse_schedule_string(s)) return s;
  c.fail(key, fmt::format("'{}' is not a schedule (layer, patch, auto, patch:PxP@N, "
                          "patch:PxP@N+PxP@A-B..., all)",
                          s));
}

RunOptions run_options(const Checker& c, const json& obj) {
  if (!obj.is_object()) c.fail("options", "expected an object");
  c.only_keys(obj, "options",
              {"max_time", "max_cycles", "observe_memory", "unit_cycles", "fail_if", "io"});
  RunOptions o;
  if (obj.contains("max_time")) o.max_time = c.string_of(obj["max_time"], "options.max_time");
  if (obj.contains("max_cycles"))
    o.max_cycles = c.string_of(obj["max_cycles"], "options.max_cycles");
  for (const auto& [key, flag] :
       {std::pair{"observe_memory", &o.observe_memory}, {"unit_cycles", &o.unit_cycles}}) {
    if (!obj.contains(key)) continue;
    if (!obj[key].is_boolean()) c.fail(fmt::format("options.{}", key), "expected true or false");
    *flag = obj[key].get<bool>();
  }
  if (obj.contains("io")) {
    o.io = c.string_of(obj["io"], "options.io");
    if (o.io != "float" && o.io != "int8")
      c.fail("options.io", fmt::format("'{}' is not an I/O mode (float, int8)", o.io));
  }
  if (obj.contains("fail_if"))
    o.fail_if =
        c.list_of<std::string>(obj["fail_if"], "options.fail_if",
                               [&](const json& v, const auto& k) { return c.string_of(v, k); });
  return o;
}

}  // namespace

bool is_target_file(const std::string& board) {
  return board.ends_with(".json") || board.find('/') != std::string::npos;
}

SweepSpec parse_sweep(const std::string& text, const std::filesystem::path& origin) {
  const Checker c{origin.string()};
  json j;
  if (origin.extension() == ".toml") {
    j = toml_to_json(text, origin);
  } else {
    try {
      j = json::parse(text);
    } catch (const json::parse_error& e) {
      throw CommandError(exit_code::kDataError,
                         fmt::format("{}: not a JSON sweep file (byte {}: {})", origin.string(),
                                     e.byte, e.what()));
    }
  }
  if (!j.is_object())
    c.fail("(top level)", "expected an object with name, models, boards, schedules");
  c.only_keys(j, "", {"$schema", "name", "models", "boards", "schedules", "options"});
  for (const char* key : {"name", "models", "boards", "schedules"})
    if (!j.contains(key)) c.fail(key, "missing (a sweep needs name, models, boards and schedules)");
  SweepSpec s;
  s.file = origin;
  s.name = c.string_of(j["name"], "name");
  s.models = c.list_of<ModelEntry>(
      j["models"], "models", [&](const json& v, const auto& k) { return model_entry(c, v, k); });
  s.boards = c.list_of<std::string>(
      j["boards"], "boards", [&](const json& v, const auto& k) { return c.string_of(v, k); });
  s.schedules =
      c.list_of<std::string>(j["schedules"], "schedules",
                             [&](const json& v, const auto& k) { return schedule_entry(c, v, k); });
  if (j.contains("options")) s.options = run_options(c, j["options"]);
  return s;
}

SweepSpec read_sweep_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw CommandError(exit_code::kNoInput, fmt::format("{}: no such sweep file", path.string()));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof())
    throw CommandError(exit_code::kNoInput,
                       fmt::format("{}: cannot read the sweep file", path.string()));
  return parse_sweep(text.str(), path);
}

}  // namespace mcuprof::profiler::sweep
