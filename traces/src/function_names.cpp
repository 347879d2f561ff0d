// Demangling and short names for tables (see function_names.hpp). Demangling is the C++
// ABI's own (abi::__cxa_demangle, part of libstdc++): no library of our own or another.
#include "mcuprof/traces/function_names.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <map>
#include <memory>

namespace mcuprof::traces {

std::string without_brackets(const std::string& name) {
  std::string out;
  int depth = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (depth == 0 && name.compare(i, 21, "(anonymous namespace)") == 0) {
      out += "(anonymous namespace)";
      i += 20;
      continue;
    }
    const char c = name[i];
    if (c == '(' || c == '<' || c == '[') {
      // "operator<", "operator()" and the like keep their symbol.
      if (out.size() >= 8 && out.compare(out.size() - 8, 8, "operator") == 0 && depth == 0) {
        out += c;
        continue;
      }
      ++depth;
    } else if ((c == ')' || c == '>' || c == ']') && depth > 0) {
      --depth;
    } else if (depth == 0) {
      out += c;
    }
  }
  for (const char* tail : {" const", " volatile", " &&", " &"})
    if (const std::string t = tail; out.size() > t.size() && out.ends_with(t))
      out.erase(out.size() - t.size());
  // A template function's return type comes first ("TfLiteStatus tflite::Eval"): the name
  // starts after the last space that is not inside "(anonymous namespace)" or an operator.
  std::size_t start = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] != ' ') continue;
    const std::string before = out.substr(0, i);
    if (before.ends_with("(anonymous") || before.ends_with("operator")) continue;
    start = i + 1;
  }
  return out.substr(start);
}

namespace {

// "a::b::c" split at the top-level "::" separators.
std::vector<std::string> parts_of(const std::string& name) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t at = name.find("::"); at != std::string::npos; at = name.find("::", start)) {
    parts.push_back(name.substr(start, at - start));
    start = at + 2;
  }
  parts.push_back(name.substr(start));
  return parts;
}

std::string joined(const std::vector<std::string>& parts, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < parts.size(); ++i) out += (i > from ? "::" : "") + parts[i];
  return out;
}

std::string fit(const std::string& name, std::size_t width) {
  if (width < 2 || name.size() <= width) return name;
  std::string tail = name.substr(name.size() - (width - 1));
  while (tail.starts_with(':')) tail.erase(0, 1);
  return "…" + tail;
}

}  // namespace

std::string demangle(const std::string& symbol) {
  if (!symbol.starts_with("_Z")) return symbol;
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> out(
      abi::__cxa_demangle(symbol.c_str(), nullptr, nullptr, &status), &std::free);
  return status == 0 && out ? std::string(out.get()) : symbol;
}

namespace {

// short_function_names over names that are all different.
std::vector<std::string> short_distinct_names(const std::vector<std::string>& names,
                                              std::size_t width) {
  std::vector<std::vector<std::string>> parts;
  std::vector<std::size_t> from(names.size(), 0);  // first qualifier kept
  for (const auto& n : names) {
    const std::string bare = without_brackets(n);
    parts.push_back(parts_of(bare.empty() ? n : bare));  // "(no symbol)" stays itself
  }
  // Drop qualifiers one level at a time while the short names stay distinct; names that
  // were already equal without arguments (overloads) keep their full form.
  std::map<std::string, int> plain;
  for (const auto& p : parts) ++plain[joined(p, 0)];
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (from[i] + 1 >= parts[i].size() || plain[joined(parts[i], 0)] > 1) continue;
      const std::string candidate = joined(parts[i], from[i] + 1);
      bool unique = true;
      for (std::size_t j = 0; j < names.size() && unique; ++j)
        if (j != i) {
          // j could still shorten to the candidate: compare with every suffix of j.
          for (std::size_t k = from[j]; k < parts[j].size() && unique; ++k)
            unique = joined(parts[j], k) != candidate;
        }
      if (unique) {
        ++from[i];
        changed = true;
      }
    }
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out.push_back(plain[joined(parts[i], 0)] > 1 ? fit(names[i], width)
                                                 : fit(joined(parts[i], from[i]), width));
  return out;
}

}  // namespace

std::vector<std::string> short_function_names(const std::vector<std::string>& names,
                                              std::size_t width) {
  // The same function may be named several times (one entry per call path or layer).
  std::map<std::string, std::size_t> index;
  std::vector<std::string> distinct;
  for (const auto& n : names)
    if (index.try_emplace(n, distinct.size()).second) distinct.push_back(n);
  const auto shorts = short_distinct_names(distinct, width);
  std::vector<std::string> out;
  out.reserve(names.size());
  for (const auto& n : names) out.push_back(shorts[index[n]]);
  return out;
}

}  // namespace mcuprof::traces
