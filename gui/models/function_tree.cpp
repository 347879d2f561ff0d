// The calling-context tree of the Functions tab (see function_tree.hpp).
#include "function_tree.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <unordered_map>
#include <variant>

#include "mcuprof/traces/function_names.hpp"

namespace mcuprof::gui {
namespace {

uint64_t int_arg(const traces::Span& s, std::string_view key) {
  for (const auto& [k, v] : s.args)
    if (k == key && std::holds_alternative<int64_t>(v))
      return static_cast<uint64_t>(std::get<int64_t>(v));
  return 0;
}

FunctionFigures figures_of(const traces::Span& s) {
  FunctionFigures f;
  f.cycles = s.cycles;
  f.self_cycles = s.self_cycles.value_or(0);
  f.instructions = s.instructions;
  f.self_instructions = int_arg(s, "self_instructions");
  f.flash_ifetch_bytes = s.flash_ifetch_bytes;
  f.self_flash_ifetch_bytes = int_arg(s, "self_flash_ifetch_bytes");
  f.flash_data_bytes = s.flash_data_bytes;
  f.self_flash_data_bytes = int_arg(s, "self_flash_data_bytes");
  f.calls = int_arg(s, "calls");
  return f;
}

// Children and roots largest first (ties keep the store's order), rows, depths and
// flame-graph positions, top-down.
void lay_out(FunctionTree& tree) {
  const auto largest_first = [&](int a, int b) {
    return tree.nodes[static_cast<size_t>(a)].figures.cycles >
           tree.nodes[static_cast<size_t>(b)].figures.cycles;
  };
  const auto place = [&](std::vector<int>& level, uint64_t at, int depth, int parent) {
    std::stable_sort(level.begin(), level.end(), largest_first);
    for (size_t i = 0; i < level.size(); ++i) {
      FunctionNode& n = tree.nodes[static_cast<size_t>(level[i])];
      n.row = static_cast<int>(i);
      n.depth = depth;
      n.parent = parent;
      n.position = at;
      at += n.figures.cycles;
    }
  };
  place(tree.roots, 0, 0, -1);
  std::vector<int> todo(tree.roots.rbegin(), tree.roots.rend());
  while (!todo.empty()) {
    const int i = todo.back();
    todo.pop_back();
    FunctionNode& n = tree.nodes[static_cast<size_t>(i)];
    tree.max_depth = std::max(tree.max_depth, n.depth);
    place(n.children, n.position, n.depth + 1, i);
    todo.insert(todo.end(), n.children.rbegin(), n.children.rend());
  }
}

void add_totals(FunctionTree& tree) {
  std::map<QString, FunctionTotal> by_name;
  for (const FunctionNode& n : tree.nodes) {
    FunctionTotal& t = by_name[n.name];
    t.name = n.name;
    t.short_name = n.short_name;
    FunctionFigures& f = t.figures;
    f.calls += n.figures.calls;
    f.self_cycles += n.figures.self_cycles;
    f.self_instructions += n.figures.self_instructions;
    f.self_flash_ifetch_bytes += n.figures.self_flash_ifetch_bytes;
    f.self_flash_data_bytes += n.figures.self_flash_data_bytes;
    bool nested = false;  // the same function further up this path
    for (int p = n.parent; p >= 0 && !nested; p = tree.nodes[static_cast<size_t>(p)].parent)
      nested = tree.nodes[static_cast<size_t>(p)].name == n.name;
    if (nested) continue;
    f.cycles += n.figures.cycles;
    f.instructions += n.figures.instructions;
    f.flash_ifetch_bytes += n.figures.flash_ifetch_bytes;
    f.flash_data_bytes += n.figures.flash_data_bytes;
  }
  for (auto& [name, total] : by_name) tree.functions.push_back(std::move(total));
  std::stable_sort(tree.functions.begin(), tree.functions.end(),
                   [](const FunctionTotal& a, const FunctionTotal& b) {
                     return a.figures.self_cycles > b.figures.self_cycles;
                   });
}

}  // namespace

double FunctionTree::share(uint64_t cycles) const {
  const uint64_t base = window_cycles != 0 ? window_cycles : total_cycles;
  return base == 0 ? 0.0 : static_cast<double>(cycles) / static_cast<double>(base);
}

std::vector<QString> short_function_names(const std::vector<QString>& names) {
  std::vector<std::string> in;
  in.reserve(names.size());
  for (const QString& n : names) in.push_back(n.toStdString());
  // The CLI's short names (traces/function_names.hpp), without its terminal width limit.
  const auto shorts = traces::short_function_names(in, std::numeric_limits<std::size_t>::max());
  std::vector<QString> out;
  out.reserve(shorts.size());
  for (const auto& s : shorts) out.push_back(QString::fromStdString(s));
  return out;
}

FunctionTree build_function_tree(const std::vector<traces::Span>& spans, uint64_t window_cycles) {
  FunctionTree tree;
  tree.window_cycles = window_cycles;
  std::unordered_map<int64_t, int> index;  // span id -> node
  std::vector<QString> names;
  for (const traces::Span& s : spans) {
    index[s.id] = static_cast<int>(tree.nodes.size());
    FunctionNode n;
    n.name = QString::fromStdString(s.name);
    n.address = int_arg(s, "address");
    n.figures = figures_of(s);
    names.push_back(n.name);
    tree.nodes.push_back(std::move(n));
  }
  const std::vector<QString> shorts = short_function_names(names);
  for (size_t i = 0; i < spans.size(); ++i) {
    tree.nodes[i].short_name = shorts[i];
    const auto parent = index.find(spans[i].parent_id);
    if (spans[i].parent_id != 0 && parent != index.end())
      tree.nodes[static_cast<size_t>(parent->second)].children.push_back(static_cast<int>(i));
    else
      tree.roots.push_back(static_cast<int>(i));
  }
  lay_out(tree);
  for (int r : tree.roots) tree.total_cycles += tree.nodes[static_cast<size_t>(r)].figures.cycles;
  add_totals(tree);
  return tree;
}

}  // namespace mcuprof::gui
