// FlameGraphWidget: a run's calling-context tree drawn as an icicle graph with QPainter
// (the geometry is flame_layout.hpp's): the inference window on top, each callee under its
// caller, widths = inclusive cycles, colours from the function's name, labels elided to
// the box. A click zooms to a frame (it then spans the width, its callers stay above as
// full-width bars); a click on a caller bar, right-click or Backspace zooms back out.
// The mouse wheel stretches the part under the cursor (Shift+wheel pans); zooming out
// first undoes that.
// Hovering shows the frame's figures. Frames of the selected function are outlined and,
// while a search is set, frames whose name does not match it are greyed.
#pragma once

#include <QString>
#include <QWidget>
#include <memory>
#include <utility>
#include <vector>

#include "flame_layout.hpp"
#include "function_tree.hpp"

namespace mcuprof::gui {

class FlameGraphWidget final : public QWidget {
  Q_OBJECT

 public:
  explicit FlameGraphWidget(QWidget* parent = nullptr);

  // Shows a new tree, unzoomed, nothing highlighted.
  void set_tree(std::shared_ptr<const FunctionTree> tree);
  const FunctionTree& tree() const { return *tree_; }
  // Zooms to a node (-1: the whole window); emits zoomChanged when it changes.
  void zoom_to(int node);
  // Undoes the wheel's stretch, else one level up: the zoomed frame's caller, or the
  // whole window.
  void zoom_out();
  int zoom() const { return zoom_; }
  // The part of the zoomed frame the wheel stretched to the width (fractions, 0..1).
  std::pair<double, double> view() const { return {view_lo_, view_hi_}; }
  // Outlines these nodes' frames.
  void set_highlight(const std::vector<int>& nodes);
  bool highlighted(int node) const;
  // Greys frames whose full name does not contain `text` (any case); empty: none.
  void set_search(const QString& text);
  // The frames as drawn now (widget coordinates) and the hover text at a point.
  const std::vector<FlameFrame>& frames() const { return frames_; }
  QString tooltip_at(QPointF point) const;
  // True when the node has a frame at least `min_width` px wide in the current zoom.
  bool shows(int node, double min_width = 3.0) const;

  QSize sizeHint() const override;

 signals:
  void zoomChanged(int node);
  // The user clicked a frame (-1: the window bar).
  void frameClicked(int node);

 protected:
  bool event(QEvent* event) override;
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;

 private:
  void relayout();
  int row_height() const;
  bool matches(int node) const;

  std::shared_ptr<const FunctionTree> tree_ = std::make_shared<FunctionTree>();
  std::vector<FlameFrame> frames_;
  std::vector<bool> highlight_;  // per node
  QString search_;
  int zoom_ = -1;
  double view_lo_ = 0.0;
  double view_hi_ = 1.0;
};

}  // namespace mcuprof::gui
