// MemoryChartWidget: the interactive memory-over-time chart of mcuprof-gui. Draws with the
// shared ChartRenderer; mouse wheel zooms around the cursor, left drag pans, Shift+drag or
// right drag selects a time range (rubber band), double click resets the zoom, hovering
// shows a tooltip from the renderer's hit test, clicking the band picks a layer.
#pragma once

#include <QWidget>
#include <optional>

#include "chart_renderer.hpp"

namespace mcuprof::gui {

class MemoryChartWidget final : public QWidget {
  Q_OBJECT

 public:
  explicit MemoryChartWidget(QWidget* parent = nullptr);

  void set_runs(std::vector<plot::ChartRun> runs);
  plot::ChartRenderer& renderer() { return renderer_; }
  const plot::ChartRenderer& renderer() const { return renderer_; }
  void set_x_unit(plot::XUnit unit);
  void set_mode(plot::ChartMode mode);
  // Highlights a span (e.g. the layer selected in a table); nullopt clears it.
  void set_highlight(std::optional<plot::HighlightSpan> span);
  void clear_selection();
  // Selects [axis_lo, axis_hi] as if dragged with Shift (emits timeRangeSelected).
  void select_range(double axis_lo, double axis_hi);
  void reset_zoom();

  QSize sizeHint() const override { return {900, 420}; }
  QSize minimumSizeHint() const override { return {320, 200}; }

 signals:
  // The rubber band, in axis units of the current x unit; use
  // renderer().cycle_range(run, lo, hi) for a run's cycles. Cleared: selectionCleared().
  void timeRangeSelected(double axis_lo, double axis_hi);
  void selectionCleared();
  // A click on a layer in the band: run index and the layer's index in ChartRun::layers.
  void layerClicked(int run, int layer_position);
  void viewChanged();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void leaveEvent(QEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  enum class Drag { None, Pan, Select };
  double axis_at(double x) const;

  plot::ChartRenderer renderer_;
  Drag drag_ = Drag::None;
  double drag_start_x_ = 0;
  double drag_start_axis_ = 0;
  bool dragged_ = false;
};

}  // namespace mcuprof::gui
