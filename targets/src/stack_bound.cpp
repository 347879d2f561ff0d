// Worst-case stack depth from GCC's call-graph files; see stack_bound.hpp.
#include "mcuprof/targets/stack_bound.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <regex>
#include <sstream>

namespace mcuprof::targets {

void add_callgraph_text(CallGraph& graph, const std::string& text) {
  static const std::regex node(R"re(^node: \{ title: "([^"]+)" label: "([^"]*)")re");
  static const std::regex frame(R"re(\\n([0-9]+) bytes \(([a-z,]+)\))re");
  static const std::regex edge(R"re(^edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)")re");
  std::istringstream in(text);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, node)) {
      StackFunction& f = graph.functions[m[1].str()];
      const std::string label = m[2].str();
      std::smatch fm;
      if (!std::regex_search(label, fm, frame)) continue;  // declared here, defined elsewhere
      const int64_t bytes = std::stoll(fm[1].str());
      const std::string kind = fm[2].str();
      // "dynamic,bounded": the size varies but never exceeds the figure given.
      if (kind == "dynamic") f.dynamic = true;
      f.frame = std::max(f.frame, bytes);
    } else if (std::regex_search(line, m, edge)) {
      graph.functions[m[1].str()].calls.insert(m[2].str());
      graph.functions.try_emplace(m[2].str());
    }
  }
}

namespace {

constexpr const char* kIndirect = "__indirect_call";

struct Depth {
  int64_t bytes = 0;
  std::string next;  // the callee on the deepest path, empty at a leaf
};

}  // namespace

StackBound stack_bound(const CallGraph& graph, const StackBoundOptions& options) {
  StackBound result;
  std::map<std::string, Depth> memo;
  std::set<std::string> visiting;
  std::function<int64_t(const std::string&)> depth = [&](const std::string& name) -> int64_t {
    if (const auto it = memo.find(name); it != memo.end()) return it->second.bytes;
    const auto it = graph.functions.find(name);
    if (it == graph.functions.end() || it->second.frame < 0) {
      result.library.insert(name);
      memo[name] = {options.library_frame_bytes, {}};
      return options.library_frame_bytes;
    }
    const StackFunction& f = it->second;
    if (f.dynamic) throw StackBoundError(fmt::format("{} has a frame of dynamic size", name));
    if (!visiting.insert(name).second)
      throw StackBoundError(fmt::format("recursion through {}", name));
    Depth d{f.frame, {}};
    for (const auto& callee : f.calls) {
      if (callee == kIndirect) {
        if (!options.allow_indirect.contains(name))
          throw StackBoundError(fmt::format("{} calls through a function pointer", name));
        continue;
      }
      const int64_t below = f.frame + depth(callee);
      if (below > d.bytes) d = {below, callee};
    }
    visiting.erase(name);
    memo[name] = d;
    return d.bytes;
  };
  const auto path_from = [&](std::string name) {
    std::vector<std::string> path;
    while (!name.empty()) {
      path.push_back(name);
      name = memo[name].next;
    }
    return path;
  };

  int64_t deepest = -1;
  for (const auto& e : options.entries) {
    if (!graph.functions.contains(e) || graph.functions.at(e).frame < 0)
      throw StackBoundError(fmt::format("no call graph defines the entry point {}", e));
    const int64_t d = depth(e);
    if (d > deepest) deepest = d, result.path = path_from(e);
  }
  if (deepest < 0) throw StackBoundError("no entry point given");
  int64_t handler = 0;
  std::vector<std::string> handlers = options.handlers;
  if (!options.handler_suffix.empty())
    for (const auto& [name, f] : graph.functions)
      if (f.frame >= 0 && name.ends_with(options.handler_suffix) &&
          std::find(options.entries.begin(), options.entries.end(), name) == options.entries.end())
        handlers.push_back(name);
  for (const auto& h : handlers) {
    if (!graph.functions.contains(h) || graph.functions.at(h).frame < 0)
      throw StackBoundError(fmt::format("no call graph defines the handler {}", h));
    handler = std::max(handler, depth(h));
  }
  const int64_t total = deepest + (handlers.empty() ? 0 : options.exception_frame_bytes + handler);
  result.bytes = (total + 7) / 8 * 8;
  return result;
}

}  // namespace mcuprof::targets
