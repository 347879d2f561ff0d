// The memory chart's annotations inside the plot: the board's SRAM limit line with its
// label, and each run's peak — a marker, a drop line to the band and a label placed where
// it covers no other label, marker or the SRAM label (first the full text at the positions
// around the marker, then further up or down with a leader line, then the figure alone;
// a label with no free place is left out: the peak stays in the legend and the tooltip;
// the same peak at about the same point as a labelled one shares its label).
#include <QFontMetricsF>
#include <QPainter>
#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "chart_envelopes.hpp"
#include "chart_renderer.hpp"

namespace mcuprof::plot {

std::vector<ChartRenderer::SramLabel> ChartRenderer::sram_labels(const ChartLayout& l) const {
  const QFontMetricsF fm(font());
  const LinearMap ym = y_map(l);
  std::set<uint64_t> limits;
  for (const auto& r : runs_) {
    if (r.sram_limit_bytes > 0) limits.insert(r.sram_limit_bytes);
  }
  std::vector<SramLabel> out;
  for (const uint64_t limit : limits) {
    QString label = QStringLiteral("SRAM %1").arg(qs(format_bytes(static_cast<double>(limit))));
    if (limits.size() > 1) {
      for (const auto& r : runs_) {
        if (r.sram_limit_bytes == limit) {
          label += QStringLiteral(" (%1)").arg(qs(r.board.empty() ? r.name : r.board));
          break;
        }
      }
    }
    const double y = ym.to_pixel(static_cast<double>(limit));
    const double w = fm.horizontalAdvance(label);
    QRectF box(l.plot.right() - w - fm.height() * 0.9, y - fm.height() - 3, w + fm.height() * 0.6,
               fm.height());
    // Limits close together: each label left of the ones it would cover.
    for (bool moved = true; moved;) {
      moved = false;
      for (const auto& o : out) {
        if (o.box.intersects(box)) {
          box.moveRight(o.box.left() - fm.height() * 0.5);
          moved = true;
        }
      }
    }
    out.push_back({limit, label, box});
  }
  return out;
}

void ChartRenderer::draw_sram_limits(QPainter& p, const ChartLayout& l) const {
  const double dpr = p.device() ? p.device()->devicePixelRatioF() : 1.0;
  const LinearMap ym = y_map(l);
  for (const auto& s : sram_labels(l)) {
    // 2 px thick on whole device pixels so the line is crisp (and findable in tests).
    const double y = snap(ym.to_pixel(static_cast<double>(s.limit)), dpr);
    p.setPen(QPen(options_.colours.sram_limit, 2.0, Qt::DashLine, Qt::FlatCap));
    p.drawLine(QPointF(l.plot.left(), y), QPointF(l.plot.right(), y));
    QColor bg = options_.colours.plot_background;
    bg.setAlphaF(0.85f);
    p.fillRect(s.box, bg);
    p.setPen(options_.colours.sram_limit);
    p.drawText(s.box, Qt::AlignCenter, s.text);
  }
}

namespace {

struct Marker {
  int run = 0;
  QPointF at;
};

}  // namespace

std::vector<PeakLabel> ChartRenderer::peak_labels(const ChartLayout& l) const {
  std::vector<PeakLabel> placed;
  if (!options_.show_peaks) return placed;
  const QFontMetricsF fm(font());
  const LinearMap xm = x_map(l), ym = y_map(l);
  const double r = fm.height() * 0.36;
  std::vector<Marker> markers;
  std::vector<QRectF> obstacles;
  for (size_t i = 0; i < runs_.size(); ++i) {
    const auto& run = runs_[i];
    if (!run.peak) continue;
    const double x =
        xm.to_pixel(timebase(static_cast<int>(i))
                        .to_axis(static_cast<double>(run.peak->cycle), options_.x_unit));
    const double y = ym.to_pixel(static_cast<double>(run.peak->bytes));
    if (x < l.plot.left() - 0.5 || x > l.plot.right() + 0.5) continue;
    markers.push_back({static_cast<int>(i), QPointF(x, y)});
    obstacles.emplace_back(x - r - 1, y - r - 1, 2 * r + 2, 2 * r + 2);
  }
  for (const auto& s : sram_labels(l)) obstacles.push_back(s.box);
  const QRectF area = l.plot.adjusted(2, 2, -2, -2);
  const double h = fm.height() * 1.3;
  const auto is_free = [&](const QRectF& box) {
    if (!area.contains(box)) return false;
    const auto hits = [&](const QRectF& o) { return o.intersects(box); };
    return std::none_of(obstacles.begin(), obstacles.end(), hits) &&
           std::none_of(placed.begin(), placed.end(),
                        [&](const PeakLabel& p) { return hits(p.rect); });
  };
  std::vector<std::pair<QPointF, QString>> labelled;  // markers with a label, by full text
  for (const auto& m : markers) {
    const auto& peak = *runs_[static_cast<size_t>(m.run)].peak;
    const QString figure = qs(format_bytes(static_cast<double>(peak.bytes)));
    QString full = QStringLiteral("highest %1").arg(figure);  // SRAM in use, not peak SRAM
    if (!peak.where.empty()) full += QStringLiteral(" · %1").arg(qs(peak.where));
    // The same peak (same figure and place) at about the same point as one already
    // labelled: that label stands for both.
    const bool merged = std::any_of(labelled.begin(), labelled.end(), [&](const auto& o) {
      return o.second == full && std::abs(o.first.x() - m.at.x()) <= 3 * r &&
             std::abs(o.first.y() - m.at.y()) <= 3 * r;
    });
    if (merged) continue;
    std::optional<PeakLabel> found;
    for (const QString& text : {full, figure}) {
      const double w = fm.horizontalAdvance(text) + fm.height() * 0.8;
      const double x = m.at.x(), y = m.at.y();
      // Beside the marker first (above, then below), then stepping away vertically.
      for (int step = 0; step <= 8 && !found; ++step) {
        const double dy = step * (h + 2);
        const double tops[] = {y - h - 2 - dy, y + r + 2 + dy};
        for (const double top : tops) {
          for (const double left : {x + r + 4, x - r - 4 - w}) {
            const QRectF box(left, top, w, h);
            if (is_free(box)) {
              found = PeakLabel{m.run, box, text};
              break;
            }
          }
          if (found) break;
        }
      }
      if (found) break;
    }
    if (found) {
      placed.push_back(*found);
      labelled.emplace_back(m.at, full);
    }
  }
  return placed;
}

void ChartRenderer::draw_peaks(QPainter& p, const ChartLayout& l) const {
  if (!options_.show_peaks) return;
  const QFontMetricsF fm(p.font());
  const LinearMap xm = x_map(l), ym = y_map(l);
  const double r = fm.height() * 0.36;
  const auto marker_at = [&](size_t i) {
    const auto& peak = *runs_[i].peak;
    return QPointF(xm.to_pixel(timebase(static_cast<int>(i))
                                   .to_axis(static_cast<double>(peak.cycle), options_.x_unit)),
                   ym.to_pixel(static_cast<double>(peak.bytes)));
  };
  for (size_t i = 0; i < runs_.size(); ++i) {
    if (!runs_[i].peak) continue;
    const QPointF at = marker_at(i);
    if (at.x() < l.plot.left() - 0.5 || at.x() > l.plot.right() + 0.5) continue;
    const QColor colour = run_colour(static_cast<int>(i));
    // A faint drop line to the run's band row (or the axis) so the peak's time reads off.
    QColor drop = colour;
    drop.setAlphaF(0.45f);
    p.setPen(QPen(drop, 1, Qt::DotLine));
    const double bottom = i < l.band_rows.size() ? l.band_rows[i].bottom() : l.plot.bottom();
    p.drawLine(at, QPointF(at.x(), bottom));
    p.setPen(QPen(Qt::white, 1.5));
    p.setBrush(peak_marker_colour(colour));
    p.drawEllipse(at, r, r);
    p.setBrush(Qt::NoBrush);
  }
  for (const auto& label : peak_labels(l)) {
    const QColor colour = run_colour(label.run);
    const QPointF at = marker_at(static_cast<size_t>(label.run));
    if (!label.rect.adjusted(-r - 6, -r - 4, r + 6, r + 4).contains(at)) {
      // Moved away from its marker: a leader line to the nearer side of the box.
      QColor lead = colour;
      lead.setAlphaF(0.6f);
      p.setPen(QPen(lead, 1));
      const double ly = at.y() < label.rect.top() ? label.rect.top() : label.rect.bottom();
      p.drawLine(at, QPointF(std::clamp(at.x(), label.rect.left(), label.rect.right()), ly));
    }
    QColor bg = Qt::white;
    bg.setAlphaF(0.9f);
    p.setPen(QPen(colour, 1));
    p.setBrush(bg);
    p.drawRoundedRect(label.rect, 3, 3);
    p.setBrush(Qt::NoBrush);
    p.setPen(options_.colours.text);
    p.drawText(label.rect, Qt::AlignCenter, label.text);
  }
}

}  // namespace mcuprof::plot
