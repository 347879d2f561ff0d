// The flame graph widget (see flame_graph_widget.hpp).
#include "flame_graph_widget.hpp"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace mcuprof::gui {
namespace {

constexpr double kMinFrameWidth = 0.5;  // px; narrower frames (and their callees) are left out
constexpr double kWheelZoom = 1.25;     // per wheel notch
constexpr double kMinView = 1e-6;       // the narrowest part of a frame the wheel shows

}  // namespace

FlameGraphWidget::FlameGraphWidget(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setFocusPolicy(Qt::ClickFocus);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  setBackgroundRole(QPalette::Base);
  setAutoFillBackground(true);
}

void FlameGraphWidget::set_tree(std::shared_ptr<const FunctionTree> tree) {
  tree_ = tree ? std::move(tree) : std::make_shared<FunctionTree>();
  highlight_.assign(tree_->nodes.size(), false);
  const bool zoomed = zoom_ != -1;
  zoom_ = -1;
  view_lo_ = 0.0;
  view_hi_ = 1.0;
  setFixedHeight(std::max(1, flame_row_count(*tree_)) * row_height());
  relayout();
  if (zoomed) emit zoomChanged(zoom_);
}

void FlameGraphWidget::zoom_to(int node) {
  if (node < -1 || (node >= 0 && static_cast<size_t>(node) >= tree_->nodes.size())) node = -1;
  if (node == zoom_ && view_lo_ == 0.0 && view_hi_ == 1.0) return;
  const bool changed = node != zoom_;
  zoom_ = node;
  view_lo_ = 0.0;
  view_hi_ = 1.0;
  relayout();
  if (!changed) return;
  emit zoomChanged(zoom_);
}

void FlameGraphWidget::zoom_out() {
  if (view_lo_ > 0.0 || view_hi_ < 1.0) {
    zoom_to(zoom_);  // the whole of the zoomed frame again
    return;
  }
  zoom_to(zoom_ >= 0 ? tree_->nodes[static_cast<size_t>(zoom_)].parent : -1);
}

void FlameGraphWidget::set_highlight(const std::vector<int>& nodes) {
  highlight_.assign(tree_->nodes.size(), false);
  for (int n : nodes)
    if (n >= 0 && static_cast<size_t>(n) < highlight_.size())
      highlight_[static_cast<size_t>(n)] = true;
  update();
}

bool FlameGraphWidget::highlighted(int node) const {
  return node >= 0 && static_cast<size_t>(node) < highlight_.size() &&
         highlight_[static_cast<size_t>(node)];
}

void FlameGraphWidget::set_search(const QString& text) {
  search_ = text;
  update();
}

bool FlameGraphWidget::matches(int node) const {
  return search_.isEmpty() || node < 0 ||
         tree_->nodes[static_cast<size_t>(node)].name.contains(search_, Qt::CaseInsensitive);
}

QString FlameGraphWidget::tooltip_at(QPointF point) const {
  const FlameFrame* f = flame_frame_at(frames_, point);
  if (f == nullptr) return {};
  QString text = flame_tooltip(*tree_, f->node);
  if (f->node != zoom_)
    text += f->context || f->node < 0 ? tr("\nclick to zoom out to it") : tr("\nclick to zoom in");
  return text;
}

bool FlameGraphWidget::shows(int node, double min_width) const {
  for (const FlameFrame& f : frames_)
    if (f.node == node) return f.rect.width() >= min_width;
  return false;
}

QSize FlameGraphWidget::sizeHint() const {
  return {480, std::max(1, flame_row_count(*tree_)) * row_height()};
}

int FlameGraphWidget::row_height() const {
  return fontMetrics().height() + 6;
}

void FlameGraphWidget::relayout() {
  frames_ = flame_layout(*tree_, zoom_, width(), row_height(), kMinFrameWidth, view_lo_, view_hi_);
  update();
}

bool FlameGraphWidget::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    const QString text = tooltip_at(help->pos());
    if (text.isEmpty())
      QToolTip::hideText();
    else
      QToolTip::showText(help->globalPos(), text, this);
    return true;
  }
  return QWidget::event(event);
}

void FlameGraphWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  if (tree_->empty()) return;
  const QFontMetrics metrics = fontMetrics();
  const QColor text_colour(30, 30, 30);
  for (const FlameFrame& f : frames_) {
    const QRectF box = f.rect.adjusted(0, 0, -1, -1);  // a pixel of background between frames
    const bool window = f.node < 0;
    const QString name =
        window ? tr("inference window") : tree_->nodes[static_cast<size_t>(f.node)].short_name;
    QColor fill = window
                      ? QColor(205, 205, 212)
                      : QColor::fromHsv(flame_hue(tree_->nodes[static_cast<size_t>(f.node)].name),
                                        f.context ? 45 : 110, f.context ? 235 : 245);
    if (!matches(f.node)) fill = QColor(228, 228, 228);
    p.fillRect(box, fill);
    if (highlighted(f.node)) {
      p.setPen(QPen(QColor(20, 60, 200), 2));
      p.drawRect(box.adjusted(1, 1, -1, -1));
    }
    if (box.width() < 3 * metrics.averageCharWidth()) continue;
    const QString label =
        window && tree_->window_cycles != 0
            ? tr("%1 · %2 cycles")
                  .arg(name, QLocale().toString(static_cast<qulonglong>(tree_->total_cycles)))
            : name;
    p.setPen(matches(f.node) ? text_colour : QColor(150, 150, 150));
    p.drawText(box.adjusted(4, 0, -3, 0), Qt::AlignVCenter | Qt::AlignLeft,
               metrics.elidedText(label, Qt::ElideRight, static_cast<int>(box.width()) - 7));
  }
}

void FlameGraphWidget::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  relayout();
}

void FlameGraphWidget::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::RightButton || event->button() == Qt::BackButton) {
    zoom_out();
    return;
  }
  if (event->button() != Qt::LeftButton) return;
  const FlameFrame* f = flame_frame_at(frames_, event->position());
  if (f == nullptr) return;
  const int node = f->node;  // zoom_to() replaces frames_
  zoom_to(node);
  emit frameClicked(node);
}

void FlameGraphWidget::wheelEvent(QWheelEvent* event) {
  const QPoint delta = event->angleDelta();
  const double span = view_hi_ - view_lo_;
  const bool pan = (event->modifiers() & Qt::ShiftModifier) || delta.x() != 0;
  const double notches = (delta.x() != 0 ? delta.x() : delta.y()) / 120.0;
  if (pan) {  // a tenth of the view per notch
    const double shift = std::clamp(-0.1 * notches * span, -view_lo_, 1.0 - view_hi_);
    view_lo_ += shift;
    view_hi_ += shift;
  } else {  // around the cursor
    const double at = std::clamp(event->position().x() / std::max(1, width()), 0.0, 1.0);
    const double cursor = view_lo_ + at * span;
    const double next = std::clamp(span / std::pow(kWheelZoom, notches), kMinView, 1.0);
    view_lo_ = std::clamp(cursor - at * next, 0.0, 1.0 - next);
    view_hi_ = view_lo_ + next;
  }
  relayout();
  event->accept();
}

void FlameGraphWidget::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Backspace || event->key() == Qt::Key_Escape) {
    zoom_out();
    return;
  }
  QWidget::keyPressEvent(event);
}

}  // namespace mcuprof::gui
