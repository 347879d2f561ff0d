// Functions and objects of an ELF by name (see symbol_match.hpp).
#include "symbol_match.hpp"

#include <fmt/format.h>

#include <set>
#include <stdexcept>

#include "mcuprof/traces/function_names.hpp"

namespace mcuprof::profiler {
namespace {

// The symbol's name without a GCC clone suffix: "invoke" for "invoke.part.0".
std::string without_clone_suffix(const std::string& raw) {
  for (const char* suffix : {".part.", ".cold", ".constprop.", ".isra.", ".lto_priv."}) {
    const auto at = raw.find(suffix);
    if (at != std::string::npos && at > 0) return raw.substr(0, at);
  }
  return raw;
}

bool names(const std::string& wanted, const std::string& raw) {
  const std::string base = without_clone_suffix(raw);
  if (wanted == raw || wanted == base) return true;
  const std::string demangled = traces::demangle(base);
  if (wanted == demangled) return true;
  const std::string bare = traces::without_brackets(demangled);
  const std::string wanted_bare = traces::without_brackets(wanted);
  if (wanted_bare.empty()) return false;
  if (bare == wanted_bare) return true;
  return bare.size() > wanted_bare.size() + 2 && bare.ends_with("::" + wanted_bare) &&
         wanted == wanted_bare;  // a suffix only for a name typed without arguments
}

}  // namespace

std::optional<SymbolMatch> find_function(const sim::ElfImage& image, const std::string& name) {
  SymbolMatch match;
  std::set<std::string> distinct;  // demangled names without arguments, clones merged
  for (const auto& s : image.symbols()) {
    if (!s.is_function || !names(name, s.name)) continue;
    const std::string demangled = traces::demangle(without_clone_suffix(s.name));
    if (match.addresses.empty()) match.name = demangled;
    distinct.insert(demangled);
    match.addresses.push_back(s.address);
  }
  if (match.addresses.empty()) return std::nullopt;
  if (distinct.size() > 1) {
    std::string list;
    size_t shown = 0;
    for (const auto& d : distinct) {
      if (shown++ == 4) {
        list += fmt::format(", ... ({} in all)", distinct.size());
        break;
      }
      list += (list.empty() ? "" : ", ") + d;
    }
    throw std::invalid_argument(fmt::format("'{}' names {} functions: {}; give the qualified name",
                                            name, distinct.size(), list));
  }
  return match;
}

std::optional<sim::Symbol> find_object(const sim::ElfImage& image, const std::string& name) {
  std::optional<sim::Symbol> found;
  for (const auto& s : image.symbols()) {
    if (s.is_function || s.size == 0 || !names(name, s.name)) continue;
    if (found && found->address != s.address) return std::nullopt;  // ambiguous
    found = s;
  }
  return found;
}

}  // namespace mcuprof::profiler
