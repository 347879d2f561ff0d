// The interactive memory chart widget (see memory_chart_widget.hpp).
#include "memory_chart_widget.hpp"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace mcuprof::gui {

MemoryChartWidget::MemoryChartWidget(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

void MemoryChartWidget::set_runs(std::vector<plot::ChartRun> runs) {
  renderer_.set_runs(std::move(runs));
  renderer_.set_selection(std::nullopt);
  renderer_.set_highlight(std::nullopt);
  update();
}

void MemoryChartWidget::set_x_unit(plot::XUnit unit) {
  // The selection is in axis units of the old unit: clear it rather than guess.
  clear_selection();
  renderer_.set_x_unit(unit);
  update();
  emit viewChanged();
}

void MemoryChartWidget::set_mode(plot::ChartMode mode) {
  renderer_.options().mode = mode;
  update();
}

void MemoryChartWidget::set_highlight(std::optional<plot::HighlightSpan> span) {
  renderer_.set_highlight(span);
  update();
}

void MemoryChartWidget::clear_selection() {
  if (!renderer_.selection()) return;
  renderer_.set_selection(std::nullopt);
  update();
  emit selectionCleared();
}

void MemoryChartWidget::select_range(double axis_lo, double axis_hi) {
  renderer_.set_selection(std::make_pair(axis_lo, axis_hi));
  update();
  emit timeRangeSelected(std::min(axis_lo, axis_hi), std::max(axis_lo, axis_hi));
}

void MemoryChartWidget::reset_zoom() {
  renderer_.view().reset();
  update();
  emit viewChanged();
}

double MemoryChartWidget::axis_at(double x) const {
  const auto layout = renderer_.layout(QRectF(rect()));
  return renderer_.x_map(layout).to_value(x);
}

void MemoryChartWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  renderer_.render(p, QRectF(rect()));
}

void MemoryChartWidget::wheelEvent(QWheelEvent* event) {
  const double steps = event->angleDelta().y() / 120.0;
  if (steps == 0.0) return;
  renderer_.view().zoom(std::pow(1.25, steps), axis_at(event->position().x()));
  update();
  emit viewChanged();
  event->accept();
}

void MemoryChartWidget::mousePressEvent(QMouseEvent* event) {
  const bool select =
      event->button() == Qt::RightButton ||
      (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier));
  if (event->button() != Qt::LeftButton && !select) return;
  drag_ = select ? Drag::Select : Drag::Pan;
  drag_start_x_ = event->position().x();
  drag_start_axis_ = axis_at(drag_start_x_);
  dragged_ = false;
  if (drag_ == Drag::Pan) setCursor(Qt::ClosedHandCursor);
}

void MemoryChartWidget::mouseMoveEvent(QMouseEvent* event) {
  const double x = event->position().x();
  if (drag_ != Drag::None && std::abs(x - drag_start_x_) > 2) dragged_ = true;
  if (drag_ == Drag::Pan && dragged_) {
    // Keep the axis value under the press point under the cursor.
    renderer_.view().pan(drag_start_axis_ - axis_at(x));
    renderer_.set_cursor(std::nullopt);
    update();
    emit viewChanged();
    return;
  }
  if (drag_ == Drag::Select && dragged_) {
    renderer_.set_selection(std::make_pair(drag_start_axis_, axis_at(x)));
    update();
    return;
  }
  const auto hit = renderer_.hit_test(QRectF(rect()), event->position());
  renderer_.set_cursor(hit.area == plot::HitInfo::Area::Plot ? std::optional<double>(hit.axis_value)
                                                             : std::nullopt);
  update();
  const QString text = renderer_.tooltip_text(hit);
  if (text.isEmpty())
    QToolTip::hideText();
  else
    QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void MemoryChartWidget::mouseReleaseEvent(QMouseEvent* event) {
  const Drag drag = drag_;
  drag_ = Drag::None;
  unsetCursor();
  if (drag == Drag::Select && dragged_ && renderer_.selection()) {
    const auto [a, b] = *renderer_.selection();
    emit timeRangeSelected(std::min(a, b), std::max(a, b));
    return;
  }
  if (drag == Drag::Pan && !dragged_) {
    // A click: on the band it picks a layer; in the plot it clears the selection.
    const auto hit = renderer_.hit_test(QRectF(rect()), event->position());
    if (hit.area == plot::HitInfo::Area::Band && hit.band_run >= 0) {
      const auto& rh = hit.runs[static_cast<size_t>(hit.band_run)];
      if (rh.layer) {
        const auto& layers = renderer_.runs()[static_cast<size_t>(hit.band_run)].layers;
        emit layerClicked(hit.band_run, static_cast<int>(rh.layer - layers.data()));
      }
    } else if (hit.area == plot::HitInfo::Area::Plot) {
      clear_selection();
    }
  }
}

void MemoryChartWidget::mouseDoubleClickEvent(QMouseEvent*) {
  reset_zoom();
}

void MemoryChartWidget::leaveEvent(QEvent*) {
  renderer_.set_cursor(std::nullopt);
  update();
}

void MemoryChartWidget::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Escape) {
    clear_selection();
    return;
  }
  QWidget::keyPressEvent(event);
}

}  // namespace mcuprof::gui
