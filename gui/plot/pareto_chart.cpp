// Painting the Pareto chart (pareto_chart.hpp): axes with nice ticks (bytes on x, ms on
// y), the SRAM limit, the front as a staircase, the points and a legend of schedules.
#include "pareto_chart.hpp"

#include <QPainterPath>
#include <algorithm>
#include <map>

#include "axis_mapping.hpp"
#include "chart_bytes.hpp"
#include "chart_style.hpp"

namespace mcuprof::plot {
namespace {

struct Frame {
  QRectF plot;
  LinearMap x, y;
};

Frame frame_of(const QRectF& b, const ParetoChart& c) {
  double max_sram = c.sram_limit_bytes, max_ms = 0;
  for (const auto& p : c.points) {
    max_sram = std::max(max_sram, p.peak_sram_bytes);
    max_ms = std::max(max_ms, p.latency_ms);
  }
  const QRectF plot = b.adjusted(90, c.title.empty() ? 20 : 44, -230, -60);
  return {plot,
          LinearMap(0, nice_ceiling(std::max(1.0, max_sram * 1.05)), plot.left(), plot.right()),
          LinearMap(0, nice_ceiling(std::max(1e-3, max_ms * 1.1)), plot.bottom(), plot.top())};
}

QString qs(const std::string& s) {
  return QString::fromStdString(s);
}

std::vector<std::string> split_dashes(const std::string& s) {
  std::vector<std::string> parts;
  for (size_t at = 0; at <= s.size();) {
    const size_t dash = std::min(s.find('-', at), s.size());
    parts.push_back(s.substr(at, dash - at));
    at = dash + 1;
  }
  return parts;
}

// The labels without the dash-separated words all of them share at their start and end
// ("mobilenetv2-w0.1-r48-s1-c2" -> "w0.1-r48"), and the pattern they share
// ("mobilenetv2-*-s1-c2"); unchanged when fewer than two points.
std::pair<std::vector<std::string>, std::string> short_labels(const ParetoChart& c) {
  std::vector<std::vector<std::string>> words;
  for (const auto& p : c.points) words.push_back(split_dashes(p.label));
  std::vector<std::string> out;
  if (words.size() < 2) {
    for (const auto& p : c.points) out.push_back(p.label);
    return {out, ""};
  }
  size_t shortest = SIZE_MAX;
  for (const auto& w : words) shortest = std::min(shortest, w.size());
  size_t head = 0, tail = 0;
  const auto same = [&](auto word_of) {
    return std::all_of(words.begin(), words.end(),
                       [&](const auto& w) { return word_of(w) == word_of(words[0]); });
  };
  while (head + tail + 1 < shortest && same([&](const auto& w) { return w[head]; })) ++head;
  while (head + tail + 1 < shortest && same([&](const auto& w) { return w[w.size() - 1 - tail]; }))
    ++tail;
  std::string pattern;
  for (size_t i = 0; i < head; ++i) pattern += words[0][i] + "-";
  pattern += "*";
  for (size_t i = tail; i > 0; --i) pattern += "-" + words[0][words[0].size() - i];
  for (const auto& w : words) {
    std::string label;
    for (size_t i = head; i + tail < w.size(); ++i) label += (label.empty() ? "" : "-") + w[i];
    out.push_back(label);
  }
  return {out, head + tail == 0 ? "" : pattern};
}

void draw_axes(QPainter& p, const Frame& f, const ChartColours& col) {
  p.setPen(QPen(col.grid, 1));
  for (const auto& t : byte_ticks(f.x.v1(), 8)) {
    const double x = f.x.to_pixel(t.value);
    p.drawLine(QPointF(x, f.plot.top()), QPointF(x, f.plot.bottom()));
    p.setPen(col.text);
    p.drawText(QRectF(x - 50, f.plot.bottom() + 4, 100, 18), Qt::AlignHCenter, qs(t.label));
    p.setPen(QPen(col.grid, 1));
  }
  for (const double v : nice_ticks(0, f.y.v1(), 6)) {
    const double y = f.y.to_pixel(v);
    p.drawLine(QPointF(f.plot.left(), y), QPointF(f.plot.right(), y));
    p.setPen(col.text);
    p.drawText(QRectF(f.plot.left() - 86, y - 9, 80, 18), Qt::AlignRight | Qt::AlignVCenter,
               QString::number(v, 'g', 6));
    p.setPen(QPen(col.grid, 1));
  }
  p.setPen(QPen(col.axis, 1));
  p.drawRect(f.plot);
  p.setPen(col.muted_text);
  p.drawText(QRectF(f.plot.left(), f.plot.bottom() + 26, f.plot.width(), 20), Qt::AlignHCenter,
             QStringLiteral("peak SRAM"));
  p.save();
  p.translate(f.plot.left() - 70, f.plot.center().y());
  p.rotate(-90);
  p.drawText(QRectF(-100, -10, 200, 20), Qt::AlignHCenter, QStringLiteral("latency (ms)"));
  p.restore();
}

void draw_front(QPainter& p, const Frame& f, const ParetoChart& c) {
  std::vector<const ParetoPoint*> front;
  for (const auto& pt : c.points)
    if (pt.front) front.push_back(&pt);
  std::sort(front.begin(), front.end(),
            [](auto* a, auto* b) { return a->peak_sram_bytes < b->peak_sram_bytes; });
  if (front.empty()) return;
  QPainterPath path(QPointF(f.x.to_pixel(front[0]->peak_sram_bytes), f.plot.top()));
  for (const auto* pt : front) {
    const QPointF at(f.x.to_pixel(pt->peak_sram_bytes), f.y.to_pixel(pt->latency_ms));
    path.lineTo(at.x(), path.currentPosition().y());
    path.lineTo(at);
  }
  path.lineTo(f.plot.right(), path.currentPosition().y());
  p.setPen(QPen(QColor(0x33, 0x33, 0x33), 1.5, Qt::DashLine));
  p.setBrush(Qt::NoBrush);
  p.drawPath(path);
}

std::map<std::string, QColor> schedule_colours(const ParetoChart& c) {
  std::map<std::string, QColor> colours;
  for (const auto& pt : c.points) colours.emplace(pt.schedule, QColor());
  int i = 0;
  for (auto& [_, colour] : colours) colour = run_colour(i++);
  return colours;
}

void draw_legend(QPainter& p, const Frame& f, const ParetoChart& c, const std::string& pattern,
                 const std::map<std::string, QColor>& colours, const ChartColours& col) {
  double y = f.plot.top();
  const double x = f.plot.right() + 16;
  p.setPen(col.text);
  p.drawText(QPointF(x, y + 12), QStringLiteral("schedule"));
  y += 20;
  for (const auto& [schedule, colour] : colours) {
    p.setPen(Qt::NoPen);
    p.setBrush(colour);
    p.drawEllipse(QPointF(x + 6, y + 7), 5, 5);
    p.setPen(col.text);
    p.drawText(QPointF(x + 18, y + 12), qs(schedule));
    y += 18;
  }
  y += 10;
  p.setPen(QPen(QColor(0x33, 0x33, 0x33), 1.5, Qt::DashLine));
  p.drawLine(QPointF(x, y + 7), QPointF(x + 14, y + 7));
  p.setPen(col.text);
  p.drawText(QPointF(x + 18, y + 12), QStringLiteral("Pareto front"));
  y += 18;
  if (c.sram_limit_bytes > 0) {
    p.setPen(QPen(col.sram_limit, 1.5));
    p.drawLine(QPointF(x, y + 7), QPointF(x + 14, y + 7));
    p.setPen(col.text);
    p.drawText(QPointF(x + 18, y + 12), qs("SRAM " + format_bytes(c.sram_limit_bytes)));
    y += 18;
  }
  if (c.flash_limit_bytes > 0) {
    p.drawText(
        QPointF(x, y + 12),
        qs("flash " + format_bytes(static_cast<double>(c.flash_limit_bytes)) + " (× over it)"));
    y += 18;
  }
  if (!pattern.empty()) {
    y += 10;
    p.setPen(col.muted_text);
    p.drawText(QPointF(x, y + 12), QStringLiteral("models: * of"));
    p.drawText(QPointF(x, y + 30), qs(pattern));
  }
}

}  // namespace

void render_pareto(QPainter& p, const QRectF& b, const ParetoChart& c) {
  const ChartColours col;
  p.save();
  p.setRenderHint(QPainter::Antialiasing);
  p.fillRect(b, col.background);
  const Frame f = frame_of(b, c);
  p.fillRect(f.plot, col.plot_background);
  if (!c.title.empty()) {
    p.setPen(col.text);
    p.drawText(QRectF(b.left() + 12, b.top() + 8, b.width() - 24, 24), Qt::AlignLeft, qs(c.title));
  }
  draw_axes(p, f, col);
  if (c.sram_limit_bytes > 0) {
    p.setPen(QPen(col.sram_limit, 1.5));
    const double x = f.x.to_pixel(c.sram_limit_bytes);
    p.drawLine(QPointF(x, f.plot.top()), QPointF(x, f.plot.bottom()));
  }
  draw_front(p, f, c);
  const auto colours = schedule_colours(c);
  const auto [labels, pattern] = short_labels(c);
  for (size_t i = 0; i < c.points.size(); ++i) {
    const ParetoPoint& pt = c.points[i];
    const QPointF at(f.x.to_pixel(pt.peak_sram_bytes), f.y.to_pixel(pt.latency_ms));
    p.setPen(QPen(pt.front ? QColor(0x11, 0x11, 0x11) : colours.at(pt.schedule).darker(130),
                  pt.front ? 2 : 1));
    p.setBrush(colours.at(pt.schedule));
    p.drawEllipse(at, 5, 5);
    if (c.flash_limit_bytes > 0 && pt.flash_bytes > c.flash_limit_bytes) {
      p.drawLine(at + QPointF(-7, -7), at + QPointF(7, 7));
      p.drawLine(at + QPointF(-7, 7), at + QPointF(7, -7));
    }
    if (pt.selected) {
      p.save();
      p.setPen(QPen(col.selection, 2.5));
      p.setBrush(Qt::NoBrush);
      p.drawEllipse(at, 9, 9);
      p.restore();
    }
    QFont font = p.font();
    font.setBold(pt.selected);
    p.setFont(font);
    p.setPen(pt.selected ? col.text : col.muted_text);
    p.drawText(at + QPointF(8, -6), qs(labels[i]));
  }
  draw_legend(p, f, c, pattern, colours, col);
  p.restore();
}

std::optional<size_t> pareto_point_at(const QRectF& b, const ParetoChart& c, QPointF pos) {
  const Frame f = frame_of(b, c);
  std::optional<size_t> best;
  double best_d = 8 * 8;
  for (size_t i = 0; i < c.points.size(); ++i) {
    const QPointF d = pos - QPointF(f.x.to_pixel(c.points[i].peak_sram_bytes),
                                    f.y.to_pixel(c.points[i].latency_ms));
    const double dd = d.x() * d.x() + d.y() * d.y();
    if (dd <= best_d) best = i, best_d = dd;
  }
  return best;
}

std::optional<QByteArray> encode_pareto(const ParetoChart& c, const QString& format, QSize size,
                                        std::string* error) {
  if (size.width() < 400 || size.height() < 200) {
    if (error) *error = "plot size too small for --pareto (need 400x200)";
    return std::nullopt;
  }
  const Drawing drawing{[&](QPainter& p, const QRectF& bounds) { render_pareto(p, bounds, c); },
                        std::nullopt, QStringLiteral("mcuprof sweep Pareto front"), QString()};
  return encode_drawing(format, size, drawing, error);
}

}  // namespace mcuprof::plot
