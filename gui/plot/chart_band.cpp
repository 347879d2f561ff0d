// The memory chart's band under the x axis: one row per run (the first runs when there
// are many), layers coloured by operator and named when there is room, patches striped,
// the highlighted span outlined, the run's name (or, on thin rows, its colour) in the margin.
#include <QFontMetricsF>
#include <QPainter>
#include <algorithm>
#include <cmath>

#include "chart_envelopes.hpp"
#include "chart_renderer.hpp"

namespace mcuprof::plot {

void ChartRenderer::draw_band(QPainter& p, const ChartLayout& l) const {
  if (l.band_rows.empty()) return;
  const QFontMetricsF fm(p.font());
  const double dpr = p.device() ? p.device()->devicePixelRatioF() : 1.0;
  const double min_w = 1.0 / dpr;
  const LinearMap xm = x_map(l);
  for (size_t i = 0; i < runs_.size() && i < l.band_rows.size(); ++i) {
    const auto& run = runs_[i];
    const QRectF row = l.band_rows[i];
    const Timebase tb = timebase(static_cast<int>(i));
    const auto to_x = [&](uint64_t cycle) {
      return xm.to_pixel(tb.to_axis(static_cast<double>(cycle), options_.x_unit));
    };
    if (l.band_labels) {
      // Run name in the left margin, in the run's colour.
      p.setPen(run_colour(static_cast<int>(i)));
      const QString name = fm.elidedText(qs(run.name), Qt::ElideMiddle,
                                         l.plot.left() - l.bounds.left() - fm.height());
      p.drawText(QPointF(l.plot.left() - fm.horizontalAdvance(name) - fm.height() * 0.4,
                         row.center().y() + fm.ascent() / 2 - 1),
                 name);
    } else {
      // Rows too thin for text: a swatch of the run's colour (the name is in the tooltip).
      p.fillRect(
          QRectF(l.plot.left() - fm.height() * 1.2, row.top(), fm.height() * 0.8, row.height()),
          run_colour(static_cast<int>(i)));
    }

    p.save();
    p.setClipRect(row);
    p.fillRect(row, QColor(0xf1, 0xf2, 0xf4));
    p.setRenderHint(QPainter::Antialiasing, false);
    for (const auto& layer : run.layers) {
      const double x0 = to_x(layer.begin), x1 = to_x(layer.end);
      if (x1 < row.left() || x0 > row.right()) continue;
      const QRectF r(x0, row.top(), std::max(x1 - x0, min_w), row.height());
      p.fillRect(r, op_colour(layer.op));
      if (x1 - x0 > 4) {
        p.setPen(QPen(QColor(255, 255, 255, 200), 1));
        p.drawLine(QPointF(x1, row.top()), QPointF(x1, row.bottom()));
      }
      // The layer's name when it fits.
      const QString label = qs(layer.name);
      if (l.band_labels && x1 - x0 > fm.horizontalAdvance(label) + 6) {
        p.setPen(options_.colours.text);
        p.drawText(QRectF(x0, row.top(), x1 - x0, row.height()), Qt::AlignCenter, label);
      }
    }
    // Patches: diagonal stripes, alternating direction so neighbours stay apart.
    p.setRenderHint(QPainter::Antialiasing, true);
    for (size_t k = 0; k < run.patches.size(); ++k) {
      const auto& patch = run.patches[k];
      const double x0 = to_x(patch.begin), x1 = to_x(patch.end);
      if (x1 < row.left() || x0 > row.right()) continue;
      const QRectF r(x0, row.top(), std::max(x1 - x0, min_w), row.height());
      p.save();
      p.setClipRect(r.intersected(row));
      p.setPen(QPen(QColor(40, 40, 60, 90), 1));
      const double step = std::clamp(row.height() / 3, 3.0, 5.0);
      const bool down = k % 2 == 0;
      // Only the visible part (a zoomed-in patch can be far wider than the row).
      const double from = std::max(r.left(), row.left()) - row.height();
      const double to = std::min(r.right(), row.right()) + step;
      for (double s = from - std::fmod(from - r.left(), step); s < to; s += step) {
        if (down)
          p.drawLine(QPointF(s, row.bottom()), QPointF(s + row.height(), row.top()));
        else
          p.drawLine(QPointF(s, row.top()), QPointF(s + row.height(), row.bottom()));
      }
      p.restore();
      p.setPen(QPen(QColor(40, 40, 60, 160), 1));
      p.drawLine(QPointF(x0, row.top()), QPointF(x0, row.bottom()));
    }
    // The highlighted span, outlined in its run's row.
    if (highlight_ && highlight_->run == static_cast<int>(i)) {
      const double x0 = to_x(highlight_->begin), x1 = to_x(highlight_->end);
      p.setPen(QPen(options_.colours.highlight.darker(130), 2));
      p.setBrush(Qt::NoBrush);
      p.drawRect(QRectF(x0, row.top() + 1, std::max(x1 - x0, 2.0), row.height() - 2));
    }
    p.restore();
  }
  if (l.band_hidden > 0) {
    // The runs without a row, in the left margin under the band.
    p.setPen(options_.colours.muted_text);
    const QString more =
        fm.elidedText((l.band_hidden == 1 ? QStringLiteral("+1 run")
                                          : QStringLiteral("+%1 runs").arg(l.band_hidden)),
                      Qt::ElideRight, l.plot.left() - l.bounds.left() - 4);
    p.drawText(QPointF(l.plot.left() - fm.horizontalAdvance(more) - fm.height() * 0.4,
                       l.band.bottom() + 4 + fm.ascent()),
               more);
  }
}

}  // namespace mcuprof::plot
