// The calling-context tree of the Functions tab (see function_tree.hpp).
#include "function_tree.hpp"

#include <QHash>
#include <QStringList>
#include <algorithm>
#include <map>
#include <unordered_map>
#include <variant>

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

// Drops every bracketed part (argument lists, template arguments, "[abi:cxx11]") at any
// depth, keeping "(anonymous namespace)" and operator symbols, and a trailing " const".
QString without_brackets(const QString& name) {
  static const QString anonymous = QStringLiteral("(anonymous namespace)");
  QString out;
  int depth = 0;
  for (qsizetype i = 0; i < name.size(); ++i) {
    if (depth == 0 && QStringView(name).mid(i).startsWith(anonymous)) {
      out += anonymous;
      i += anonymous.size() - 1;
      continue;
    }
    const QChar c = name[i];
    if (c == '(' || c == '<' || c == '[') {
      if (depth == 0 && out.endsWith(QStringLiteral("operator"))) {
        out += c;  // operator(), operator<, operator[]
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
    if (const QString t = QLatin1String(tail); out.size() > t.size() && out.endsWith(t))
      out.chop(t.size());
  out = out.trimmed();
  // A template function's return type comes first ("TfLiteStatus tflite::Eval"): the name
  // starts after the last space that is not inside "(anonymous namespace)" or an operator.
  qsizetype start = 0;
  for (qsizetype i = 0; i < out.size(); ++i) {
    if (out[i] != ' ') continue;
    const QStringView before = QStringView(out).left(i);
    if (before.endsWith(QLatin1String("(anonymous")) || before.endsWith(QLatin1String("operator")))
      continue;
    start = i + 1;
  }
  return out.mid(start);
}

// "a", "b::a", "c::b::a" for "c::b::a".
QStringList suffixes(const QString& bare) {
  const QStringList parts = bare.split(QStringLiteral("::"));
  QStringList out;
  for (qsizetype k = 1; k <= parts.size(); ++k)
    out.append(parts.mid(parts.size() - k).join(QStringLiteral("::")));
  return out;
}

}  // namespace

double FunctionTree::share(uint64_t cycles) const {
  const uint64_t base = window_cycles != 0 ? window_cycles : total_cycles;
  return base == 0 ? 0.0 : static_cast<double>(cycles) / static_cast<double>(base);
}

std::vector<QString> short_function_names(const std::vector<QString>& names) {
  // Distinct names, their bare forms, and how many distinct bare names end in each suffix.
  QHash<QString, QString> bare;
  QHash<QString, int> full_per_bare;
  for (const QString& n : names)
    if (!bare.contains(n)) {
      QString b = without_brackets(n);
      if (b.isEmpty()) b = n;  // "(no symbol)" stays itself
      ++full_per_bare[b];
      bare.insert(n, b);
    }
  QHash<QString, int> names_ending_in;
  for (auto it = full_per_bare.cbegin(); it != full_per_bare.cend(); ++it)
    for (const QString& s : suffixes(it.key())) ++names_ending_in[s];
  QHash<QString, QString> short_of;
  for (auto it = bare.cbegin(); it != bare.cend(); ++it) {
    if (full_per_bare.value(it.value()) > 1) {  // overloads: only the arguments tell them apart
      short_of.insert(it.key(), it.key());
      continue;
    }
    QString chosen = it.value();
    for (const QString& s : suffixes(it.value()))
      if (names_ending_in.value(s) == 1) {
        chosen = s;
        break;
      }
    short_of.insert(it.key(), chosen);
  }
  std::vector<QString> out;
  out.reserve(names.size());
  for (const QString& n : names) out.push_back(short_of.value(n));
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
