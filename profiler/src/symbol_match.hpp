// Finding an ELF's functions and objects by the names people type: `--window Invoke`,
// `--layers-from tflite::MicroInterpreterGraph::InvokeSubgraph`, `--arena tensor_arena`.
// A name matches a symbol by its raw (mangled) name, its demangled name, its demangled
// name without argument lists, or the end of that after a "::" (`Invoke`,
// `MicroInterpreter::Invoke`). Symbols GCC split off a function (`invoke.part.0`,
// `invoke.cold`) belong to it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mcuprof/sim/elf_image.hpp"

namespace mcuprof::profiler {

struct SymbolMatch {
  std::string name;                 // the demangled name of the (first) symbol matched
  std::vector<uint32_t> addresses;  // every function symbol's address, split parts included
};

// The functions `name` names. Empty when nothing matches; throws std::invalid_argument
// with a one-line message when it names several different functions (listing them).
std::optional<SymbolMatch> find_function(const sim::ElfImage& image, const std::string& name);

// The data object `name` names (e.g. an arena array), when exactly one matches.
std::optional<sim::Symbol> find_object(const sim::ElfImage& image, const std::string& name);

}  // namespace mcuprof::profiler
