// The flame graph's geometry, apart from any painting so it is tested without a screen.
// An icicle layout: the whole inference window is the bar on row 0, the roots of the
// calling-context tree on row 1, each callee one row below its caller; a frame's width is
// its inclusive cycles, its callees side by side inside it, largest first (the store's
// flame-graph positions, FunctionNode::position). Zoomed to a frame, that frame spans the
// full width, its callers above it are full-width context bars, and only its subtree is
// drawn below. Also the frame's hover text and its stable colour.
#pragma once

#include <QPointF>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <vector>

#include "function_tree.hpp"

namespace mcuprof::gui {

struct FlameFrame {
  int node = -1;  // the tree node; -1 for the window bar
  QRectF rect;
  bool context = false;  // a caller of the zoomed frame (full width, not to scale)
};

// The frames to draw for `width` × rows of `row_height` (row r at y = r · row_height),
// zoomed to `zoom` (-1: the whole window). A frame narrower than `min_width` is left out
// with its callees. Parents come before their callees. [view_lo, view_hi] (fractions of
// the zoomed frame, the mouse wheel's zoom) stretches that part of it below the zoomed
// frame to the width; frames outside it are left out, frames across its edges clipped.
std::vector<FlameFrame> flame_layout(const FunctionTree& tree, int zoom, double width,
                                     double row_height, double min_width = 0.5,
                                     double view_lo = 0.0, double view_hi = 1.0);
// Rows any zoom of this tree needs: the window bar and the deepest path.
int flame_row_count(const FunctionTree& tree);
// The frame under `point`, or nullptr.
const FlameFrame* flame_frame_at(const std::vector<FlameFrame>& frames, QPointF point);
// The nodes from a root down to `node` (empty for -1).
std::vector<int> flame_path(const FunctionTree& tree, int node);
// The full names from a root down to `node`, and the node at the end of such names in a
// (re-read) tree, -1 when it has no such path: a zoom survives a re-read of the database.
QStringList flame_path_names(const FunctionTree& tree, int node);
int flame_find_path(const FunctionTree& tree, const QStringList& names);
// True when `node` is `ancestor` or below it (every node is below -1).
bool flame_contains(const FunctionTree& tree, int ancestor, int node);
// Hover text: full name, inclusive and exclusive cycles with % of the window, calls,
// flash bytes (inclusive and exclusive). -1 describes the window.
QString flame_tooltip(const FunctionTree& tree, int node);
// A hue (0–359) from the function's name (FNV-1a of its UTF-8): the same function has the
// same colour in every frame, run and session.
int flame_hue(const QString& name);

}  // namespace mcuprof::gui
