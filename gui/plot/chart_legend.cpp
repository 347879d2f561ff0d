// The memory chart's header: the title and the legend as laid out by layout_legend()
// (each run's colour and full name, its peak when there is room, the component key, the
// observed-line key, "+N more" when runs had to be left out).
#include <QFontMetricsF>
#include <QPainter>
#include <algorithm>

#include "chart_envelopes.hpp"
#include "chart_renderer.hpp"

namespace mcuprof::plot {

void ChartRenderer::draw_header(QPainter& p, const ChartLayout& l) const {
  const QFontMetricsF fm(p.font());
  const auto& col = options_.colours;
  const auto baseline = [&](const QRectF& r) { return r.center().y() + fm.ascent() / 2 - 1; };
  if (!l.title.isEmpty()) {
    QFont bold = p.font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(col.text);
    p.drawText(QPointF(l.title.left(), baseline(l.title)), qs(options_.title));
    p.setFont(font());
  }
  const double sw = fm.height() * 1.4;
  for (const auto& e : l.legend) {
    const double cy = e.rect.center().y();
    double x = e.rect.left();
    if (e.run >= 0) {
      p.setPen(QPen(run_colour(e.run), 2.5, Qt::SolidLine, Qt::RoundCap));
      p.drawLine(QPointF(x, cy), QPointF(x + sw, cy));
      p.setPen(col.text);
    } else {
      p.setPen(col.muted_text);
    }
    x += sw + fm.height() * 0.4;
    p.drawText(QPointF(x, baseline(e.rect)), e.text);
  }
  double x = l.components.left();
  if (!l.components.isEmpty()) {
    // The component shades, shown in the first run's colour.
    const QColor base = run_colour(0);
    const std::pair<Component, const char*> parts[] = {
        {Component::Static, "static"}, {Component::Arena, "arena"}, {Component::Stack, "stack"}};
    const double cy = l.components.center().y();
    for (const auto& [component, name] : parts) {
      const double s = fm.height() * 0.75;
      p.setPen(Qt::NoPen);
      p.setBrush(component_fill(base, component));
      p.drawRect(QRectF(x, cy - s / 2, s, s));
      x += s + fm.height() * 0.3;
      p.setPen(col.muted_text);
      p.drawText(QPointF(x, baseline(l.components)), QString::fromLatin1(name));
      x += fm.horizontalAdvance(QString::fromLatin1(name)) + fm.height() * 0.8;
    }
    p.setBrush(Qt::NoBrush);
  }
  const bool any_observed = std::any_of(runs_.begin(), runs_.end(),
                                        [](const ChartRun& r) { return !r.observed.empty(); });
  if (!any_observed || !options_.show_legend) return;
  // The observed-line key after the legend's last item, when it fits there.
  QRectF after = l.components;
  for (const auto& e : l.legend)
    if (after.isEmpty() || e.rect.top() > after.top() ||
        (e.rect.top() == after.top() && e.rect.left() > after.left()))
      after = e.rect;
  if (after.isEmpty()) return;
  x = after.right() + fm.height() * 0.8;
  if (x + sw + fm.horizontalAdvance(QStringLiteral("observed")) < l.bounds.right()) {
    const double cy = after.center().y();
    p.setPen(QPen(col.muted_text, 1.5, Qt::DotLine));
    p.drawLine(QPointF(x, cy), QPointF(x + sw, cy));
    x += sw + fm.height() * 0.3;
    p.setPen(col.muted_text);
    p.drawText(QPointF(x, baseline(after)), QStringLiteral("observed"));
  }
}

}  // namespace mcuprof::plot
