// Function names as people read them: C++ symbols demangled (`tflite::MicroInterpreter::
// Invoke()` for `_ZN6tflite16MicroInterpreter6InvokeEv`) everywhere a name is stored or
// shown, and a short form for tables. In the trace store's library because the names are
// the store's: the profiler demangles what it stores, the CLI's and the GUI's tables
// shorten what they read, all with these functions.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mcuprof::traces {

// The demangled name of a C++ symbol; any other name as it is.
std::string demangle(const std::string& symbol);

// The name without its bracketed parts (argument lists, template arguments, ABI tags) at
// any depth, "(anonymous namespace)" kept, a trailing " const" dropped:
// `tflite::MicroInterpreter::Invoke` for `tflite::MicroInterpreter::Invoke()`.
std::string without_brackets(const std::string& name);

// One short name per entry of `names` (demangled), for a table's name column: the argument
// list, template arguments and ABI tags dropped, then qualifiers dropped from the left as
// long as no two functions of `names` would read the same; at most `width` characters (a
// longer one keeps its end, where the function's own name is, after "…").
std::vector<std::string> short_function_names(const std::vector<std::string>& names,
                                              std::size_t width = 48);

}  // namespace mcuprof::traces
