// The flame graph's geometry, hover text and colours (see flame_layout.hpp).
#include "flame_layout.hpp"

#include <QLocale>
#include <QObject>
#include <algorithm>

namespace mcuprof::gui {
namespace {

const FunctionNode& node_at(const FunctionTree& tree, int i) {
  return tree.nodes[static_cast<size_t>(i)];
}

bool valid(const FunctionTree& tree, int node) {
  return node >= 0 && static_cast<size_t>(node) < tree.nodes.size();
}

}  // namespace

std::vector<FlameFrame> flame_layout(const FunctionTree& tree, int zoom, double width,
                                     double row_height, double min_width, double view_lo,
                                     double view_hi) {
  std::vector<FlameFrame> frames;
  if (tree.empty() || width <= 0) return frames;
  if (!valid(tree, zoom)) zoom = -1;
  frames.push_back({-1, QRectF(0, 0, width, row_height), zoom >= 0});
  // Callers of the zoomed frame and the frame itself: full width.
  const std::vector<int> path = flame_path(tree, zoom);
  for (size_t i = 0; i < path.size(); ++i)
    frames.push_back({path[i],
                      QRectF(0, static_cast<double>(i + 1) * row_height, width, row_height),
                      i + 1 < path.size()});
  // Below it, to scale: x = (position − origin − view_lo · span) · scale.
  const uint64_t origin = zoom >= 0 ? node_at(tree, zoom).position : 0;
  const uint64_t span = zoom >= 0 ? node_at(tree, zoom).figures.cycles : tree.total_cycles;
  view_lo = std::clamp(view_lo, 0.0, 1.0);
  view_hi = std::clamp(view_hi, view_lo, 1.0);
  if (span == 0 || view_hi <= view_lo) return frames;
  const double scale = width / (static_cast<double>(span) * (view_hi - view_lo));
  const double shift = view_lo * static_cast<double>(span) * scale;
  std::vector<int> todo;
  const std::vector<int>& first = zoom >= 0 ? node_at(tree, zoom).children : tree.roots;
  todo.assign(first.rbegin(), first.rend());
  while (!todo.empty()) {
    const int i = todo.back();
    todo.pop_back();
    const FunctionNode& n = node_at(tree, i);
    const double w = static_cast<double>(n.figures.cycles) * scale;
    if (w < min_width) continue;
    const double x = static_cast<double>(n.position - origin) * scale - shift;
    if (x + w <= 0 || x >= width) continue;  // outside the view, and so are its callees
    const double left = std::max(x, 0.0);    // clipped to the view, so the label shows
    const double right = std::min(x + w, width);
    frames.push_back(
        {i, QRectF(left, (n.depth + 1) * row_height, right - left, row_height), false});
    todo.insert(todo.end(), n.children.rbegin(), n.children.rend());
  }
  return frames;
}

int flame_row_count(const FunctionTree& tree) {
  return tree.empty() ? 0 : tree.max_depth + 2;
}

const FlameFrame* flame_frame_at(const std::vector<FlameFrame>& frames, QPointF point) {
  // Frames do not overlap; the last one containing the point is the innermost drawn.
  const auto it = std::find_if(frames.rbegin(), frames.rend(),
                               [&](const FlameFrame& f) { return f.rect.contains(point); });
  return it != frames.rend() ? &*it : nullptr;
}

std::vector<int> flame_path(const FunctionTree& tree, int node) {
  std::vector<int> path;
  for (int i = node; valid(tree, i); i = node_at(tree, i).parent) path.push_back(i);
  std::reverse(path.begin(), path.end());
  return path;
}

QStringList flame_path_names(const FunctionTree& tree, int node) {
  QStringList names;
  for (int i : flame_path(tree, node)) names.append(node_at(tree, i).name);
  return names;
}

int flame_find_path(const FunctionTree& tree, const QStringList& names) {
  int found = -1;
  const std::vector<int>* level = &tree.roots;
  for (const QString& name : names) {
    const auto it = std::find_if(level->begin(), level->end(),
                                 [&](int n) { return node_at(tree, n).name == name; });
    if (it == level->end()) return -1;
    found = *it;
    level = &node_at(tree, found).children;
  }
  return found;
}

bool flame_contains(const FunctionTree& tree, int ancestor, int node) {
  if (ancestor < 0) return true;
  for (int i = node; valid(tree, i); i = node_at(tree, i).parent)
    if (i == ancestor) return true;
  return false;
}

QString flame_tooltip(const FunctionTree& tree, int node) {
  const QLocale locale;
  const auto number = [&](uint64_t v) { return locale.toString(static_cast<qulonglong>(v)); };
  const auto bytes = [&](uint64_t v) { return locale.formattedDataSize(static_cast<qint64>(v)); };
  const auto percent = [&](uint64_t cycles) {
    return QString::number(100.0 * tree.share(cycles), 'f', 1) + QStringLiteral(" %");
  };
  if (!valid(tree, node))
    return QObject::tr("Inference window\n%1 cycles in the call tree (%2 of the window)")
        .arg(number(tree.total_cycles), percent(tree.total_cycles));
  const FunctionNode& n = node_at(tree, node);
  const FunctionFigures& f = n.figures;
  return QObject::tr(
             "%1\n"
             "inclusive: %2 cycles (%3 of the window)\n"
             "exclusive: %4 cycles (%5)\n"
             "calls: %6\n"
             "flash ifetch: %7 (self %8)\n"
             "flash data: %9 (self %10)")
      .arg(n.name, number(f.cycles), percent(f.cycles), number(f.self_cycles),
           percent(f.self_cycles), number(f.calls), bytes(f.flash_ifetch_bytes),
           bytes(f.self_flash_ifetch_bytes), bytes(f.flash_data_bytes),
           bytes(f.self_flash_data_bytes));
}

int flame_hue(const QString& name) {
  uint32_t hash = 2166136261u;
  for (const char c : name.toUtf8()) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 16777619u;
  }
  return static_cast<int>(hash % 360u);
}

}  // namespace mcuprof::gui
