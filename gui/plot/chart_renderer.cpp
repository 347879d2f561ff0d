// The memory-over-time chart: layout, drawing, hit testing and offscreen output.
#include "chart_renderer.hpp"

#include <QFileInfo>
#include <QFontMetricsF>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>
#include <algorithm>
#include <cmath>
#include <set>

#include "decimation.hpp"

namespace mcuprof::plot {

namespace {

QString qs(const std::string& s) {
  return QString::fromStdString(s);
}

// Column edges in a run's cycles for `columns` equal columns over the axis range [lo, hi].
std::vector<double> column_edges(const Timebase& tb, XUnit unit, double lo, double hi,
                                 int columns) {
  std::vector<double> edges(static_cast<size_t>(columns) + 1);
  for (int k = 0; k <= columns; ++k) {
    const double axis = lo + (hi - lo) * k / columns;
    edges[static_cast<size_t>(k)] = std::max(0.0, tb.to_cycle(axis, unit));
  }
  return edges;
}

// Calls fn(first, last) for each run of consecutive columns that have data.
template <typename Fn>
void for_each_segment(const std::vector<ColumnEnvelope>& env, Fn fn) {
  size_t c = 0;
  while (c < env.size()) {
    while (c < env.size() && !env[c].has_data) ++c;
    const size_t first = c;
    while (c < env.size() && env[c].has_data) ++c;
    if (c > first) fn(first, c);
  }
}

// Columns geometry: column k spans [x0 + k*w, x0 + (k+1)*w).
struct Columns {
  double x0 = 0;
  double w = 1;
  int count = 0;
  double left(size_t k) const { return x0 + static_cast<double>(k) * w; }
  double mid(size_t k) const { return left(k) + w / 2; }
};

// The min/max polyline of an envelope: per column a horizontal entry at `first`, a vertical
// stroke over [min, max] at the column's middle, and a horizontal exit at `last`.
std::vector<QPolygonF> envelope_polylines(const std::vector<ColumnEnvelope>& env,
                                          const Columns& cols, const LinearMap& y) {
  std::vector<QPolygonF> lines;
  for_each_segment(env, [&](size_t first, size_t last) {
    QPolygonF poly;
    poly.reserve(static_cast<qsizetype>((last - first) * 6));
    for (size_t k = first; k < last; ++k) {
      const auto& e = env[k];
      const double yf = y.to_pixel(static_cast<double>(e.first));
      const double yl = y.to_pixel(static_cast<double>(e.last));
      poly << QPointF(cols.left(k), yf) << QPointF(cols.mid(k), yf);
      if (e.min != e.max) {
        poly << QPointF(cols.mid(k), y.to_pixel(static_cast<double>(e.max)))
             << QPointF(cols.mid(k), y.to_pixel(static_cast<double>(e.min)));
      }
      poly << QPointF(cols.mid(k), yl) << QPointF(cols.left(k + 1), yl);
    }
    lines.push_back(std::move(poly));
  });
  return lines;
}

// The filled area between two envelopes' maxima (lower may be empty = baseline 0).
std::vector<QPolygonF> band_polygons(const std::vector<ColumnEnvelope>& upper,
                                     const std::vector<ColumnEnvelope>* lower, const Columns& cols,
                                     const LinearMap& y) {
  std::vector<QPolygonF> polys;
  for_each_segment(upper, [&](size_t first, size_t last) {
    QPolygonF poly;
    for (size_t k = first; k < last; ++k) {
      const double top = y.to_pixel(static_cast<double>(upper[k].max));
      poly << QPointF(cols.left(k), top) << QPointF(cols.left(k + 1), top);
    }
    for (size_t k = last; k-- > first;) {
      const bool has = lower && (*lower)[k].has_data;
      const double bottom = y.to_pixel(has ? static_cast<double>((*lower)[k].max) : 0.0);
      poly << QPointF(cols.left(k + 1), bottom) << QPointF(cols.left(k), bottom);
    }
    polys.push_back(std::move(poly));
  });
  return polys;
}

// A curve `width` pixels thick as filled outlines, one per run of columns with data: each
// column covers [max - width/2, min + width/2], so steps and min/max strokes are one column
// wide and flat parts `width` thick. Filling this is far cheaper than stroking a polyline
// that turns back on itself in every column, and it is one <polygon> in SVG.
std::vector<QPolygonF> envelope_outlines(const std::vector<ColumnEnvelope>& env,
                                         const Columns& cols, const LinearMap& y, double width) {
  std::vector<QPolygonF> polys;
  const double half = width / 2;
  for_each_segment(env, [&](size_t first, size_t last) {
    QPolygonF poly;
    poly.reserve(static_cast<qsizetype>((last - first) * 4));
    for (size_t k = first; k < last; ++k) {
      const double top = y.to_pixel(static_cast<double>(env[k].max)) - half;
      poly << QPointF(cols.left(k), top) << QPointF(cols.left(k + 1), top);
    }
    for (size_t k = last; k-- > first;) {
      const double bottom = y.to_pixel(static_cast<double>(env[k].min)) + half;
      poly << QPointF(cols.left(k + 1), bottom) << QPointF(cols.left(k), bottom);
    }
    polys.push_back(std::move(poly));
  });
  return polys;
}

double snap(double v, double dpr) {
  return std::round(v * dpr) / dpr;
}

}  // namespace

void ChartRenderer::set_runs(std::vector<ChartRun> runs) {
  runs_ = std::move(runs);
  levels_.clear();
  double top = 0;
  for (auto& run : runs_) {
    const bool total_given = !run.total.empty();
    complete_run(run);
    // Stacked levels: static, static+arena, static+arena+stack. The top one is the total
    // when the caller did not give a total (complete_run summed the same three).
    std::array<StepSeries, 3> lv;
    lv[0] = run.static_bytes;
    const StepSeries* two[] = {&run.static_bytes, &run.arena};
    lv[1] = sum_series(two);
    if (total_given) {
      const StepSeries* three[] = {&run.static_bytes, &run.arena, &run.stack};
      lv[2] = sum_series(three);
    }
    for (const auto* s : {&run.total, &lv[2]}) {
      if (const auto m = series_max(*s)) top = std::max(top, static_cast<double>(m->bytes));
    }
    top = std::max(top, static_cast<double>(run.sram_limit_bytes));
    levels_.push_back(std::move(lv));
  }
  y_max_ = nice_ceiling(std::max(top * 1.08, 1024.0));
  extent_unit_ = options_.x_unit;
  view_.set_extent(0.0, full_extent(options_.x_unit));
}

double ChartRenderer::full_extent(XUnit unit) const {
  double hi = 0;
  for (size_t i = 0; i < runs_.size(); ++i) {
    hi = std::max(
        hi, timebase(static_cast<int>(i)).to_axis(static_cast<double>(runs_[i].end_cycle), unit));
  }
  return hi > 0 ? hi : 1.0;
}

void ChartRenderer::sync_extent() {
  if (extent_unit_ == options_.x_unit) return;
  set_x_unit(options_.x_unit);
}

void ChartRenderer::set_x_unit(XUnit unit) {
  // Keep the zoom: the visible range as fractions of the extent carries over.
  const double full_lo = view_.full_lo(), full = view_.full_hi() - view_.full_lo();
  const double f_lo = (view_.lo() - full_lo) / full, f_hi = (view_.hi() - full_lo) / full;
  options_.x_unit = unit;
  extent_unit_ = unit;
  const double extent = full_extent(unit);
  view_.set_extent(0.0, extent);
  view_.set_visible(f_lo * extent, f_hi * extent);
}

const StepSeries& ChartRenderer::stack_top(size_t run) const {
  return levels_[run][2].empty() ? runs_[run].total : levels_[run][2];
}

std::pair<double, double> ChartRenderer::visible_range() const {
  if (extent_unit_ == options_.x_unit) return {view_.lo(), view_.hi()};
  return {0.0, full_extent(options_.x_unit)};
}

Timebase ChartRenderer::timebase(int run) const {
  const auto& r = runs_.at(static_cast<size_t>(run));
  return {r.clock_hz, r.end_cycle};
}

std::pair<uint64_t, uint64_t> ChartRenderer::cycle_range(int run, double axis_lo,
                                                         double axis_hi) const {
  const Timebase tb = timebase(run);
  const auto clamp_cycle = [&](double axis) {
    const double c =
        std::clamp(tb.to_cycle(axis, options_.x_unit), 0.0, static_cast<double>(tb.end_cycle));
    return static_cast<uint64_t>(std::llround(c));
  };
  return {clamp_cycle(std::min(axis_lo, axis_hi)), clamp_cycle(std::max(axis_lo, axis_hi))};
}

QFont ChartRenderer::font() const {
  QFont f;
  f.setPixelSize(options_.font_pixel_size);
  return f;
}

ChartLayout ChartRenderer::layout(const QRectF& bounds) const {
  const QFontMetricsF fm(font());
  const double pad = std::round(fm.height() * 0.6);
  ChartLayout l;
  l.bounds = bounds;
  const bool header = options_.show_legend || !options_.title.empty();
  const double header_h = header ? std::round(fm.height() * 2.0) : pad;
  l.header = QRectF(bounds.left(), bounds.top(), bounds.width(), header_h);

  double label_w = 0;
  for (const auto& t : byte_ticks(y_max_, 8))
    label_w = std::max(label_w, fm.horizontalAdvance(qs(t.label)));
  double left = label_w + fm.height() + pad * 2;
  const bool band = options_.show_band && !runs_.empty();
  if (band) {
    double name_w = 0;
    for (const auto& r : runs_) name_w = std::max(name_w, fm.horizontalAdvance(qs(r.name)));
    left =
        std::max(left, std::min(name_w, fm.horizontalAdvance(QString(18, QChar('n')))) + pad * 2);
  }
  const double row_h = std::round(fm.height() * 1.05);
  const double band_h = band ? static_cast<double>(runs_.size()) * (row_h + 3) + 3 : 0;
  const double bottom =
      band_h + std::round(fm.height() * 1.3) + std::round(fm.height() * 1.4) + pad / 2;
  const double right = pad * 2;

  const double plot_top = bounds.top() + header_h;
  const double plot_h = std::max(10.0, bounds.height() - header_h - bottom);
  l.plot =
      QRectF(bounds.left() + left, plot_top, std::max(10.0, bounds.width() - left - right), plot_h);
  l.plot = QRectF(QPointF(std::round(l.plot.left()), std::round(l.plot.top())),
                  QPointF(std::round(l.plot.right()), std::round(l.plot.bottom())));
  l.band = QRectF(l.plot.left(), l.plot.bottom(), l.plot.width(), band_h);
  for (size_t i = 0; band && i < runs_.size(); ++i) {
    l.band_rows.emplace_back(l.plot.left(),
                             l.plot.bottom() + 3 + static_cast<double>(i) * (row_h + 3),
                             l.plot.width(), row_h);
  }
  return l;
}

LinearMap ChartRenderer::x_map(const ChartLayout& l) const {
  const auto [lo, hi] = visible_range();
  return LinearMap(lo, hi, l.plot.left(), l.plot.right());
}

LinearMap ChartRenderer::y_map(const ChartLayout& l) const {
  return LinearMap(0.0, y_max_, l.plot.bottom(), l.plot.top());
}

void ChartRenderer::render(QPainter& p, const QRectF& bounds) const {
  p.save();
  p.setRenderHint(QPainter::Antialiasing, true);
  p.setRenderHint(QPainter::TextAntialiasing, true);
  p.setFont(font());
  const ChartLayout l = layout(bounds);
  p.fillRect(bounds, options_.colours.background);
  p.fillRect(l.plot, options_.colours.plot_background);
  draw_grid_and_axes(p, l);
  p.save();
  p.setClipRect(l.plot);
  draw_overlays(p, l);
  draw_curves(p, l);
  draw_sram_limits(p, l);
  p.restore();
  draw_band(p, l);
  draw_peaks(p, l);
  draw_header(p, l);
  p.restore();
}

void ChartRenderer::draw_header(QPainter& p, const ChartLayout& l) const {
  const QFontMetricsF fm(p.font());
  const auto& col = options_.colours;
  double x = l.plot.left();
  const double cy = l.header.center().y();
  if (!options_.title.empty()) {
    QFont bold = p.font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(col.text);
    const QString title = qs(options_.title);
    p.drawText(QPointF(x, cy + fm.ascent() / 2 - 1), title);
    x += QFontMetricsF(bold).horizontalAdvance(title) + fm.height() * 1.5;
    p.setFont(font());
  }
  if (!options_.show_legend) return;
  // Fit the legend to the width: drop the peak figures, then the component swatches, then
  // elide the run names.
  const double sw = fm.height() * 1.4;
  const double gap = fm.height() * 1.2;
  const double avail = l.bounds.right() - x - fm.height();
  const bool stacked = options_.mode == ChartMode::Stacked && !runs_.empty();
  const double components_w =
      stacked ? fm.horizontalAdvance(QStringLiteral("static arena stack")) + fm.height() * 5 : 0;
  const auto texts = [&](bool with_peak) {
    std::vector<QString> out;
    for (const auto& run : runs_) {
      QString text = qs(run.name);
      if (with_peak && run.peak)
        text += QStringLiteral("  (peak %1)")
                    .arg(qs(format_bytes(static_cast<double>(run.peak->bytes))));
      out.push_back(text);
    }
    return out;
  };
  const auto width_of = [&](const std::vector<QString>& t) {
    double w = 0;
    for (const auto& s : t) w += sw + fm.height() * 0.4 + fm.horizontalAdvance(s) + gap;
    return w;
  };
  std::vector<QString> labels = texts(true);
  bool show_components = stacked;
  if (width_of(labels) + components_w > avail) labels = texts(false);
  if (width_of(labels) + components_w > avail) show_components = false;
  const double per_run_max =
      runs_.empty() ? 0
                    : std::max(fm.height() * 3, avail / static_cast<double>(runs_.size()) - sw -
                                                    gap - fm.height() * 0.4);
  for (size_t i = 0; i < runs_.size(); ++i) {
    const QColor c = run_colour(static_cast<int>(i));
    p.setPen(QPen(c, 2.5, Qt::SolidLine, Qt::RoundCap));
    p.drawLine(QPointF(x, cy), QPointF(x + sw, cy));
    x += sw + fm.height() * 0.4;
    const QString text = fm.elidedText(labels[i], Qt::ElideRight, per_run_max);
    p.setPen(col.text);
    p.drawText(QPointF(x, cy + fm.ascent() / 2 - 1), text);
    x += fm.horizontalAdvance(text) + gap;
  }
  if (show_components) {
    // The component shades, shown in the first run's colour.
    const QColor base = run_colour(0);
    const std::pair<Component, const char*> parts[] = {
        {Component::Static, "static"}, {Component::Arena, "arena"}, {Component::Stack, "stack"}};
    for (const auto& [component, name] : parts) {
      const double s = fm.height() * 0.75;
      p.setPen(Qt::NoPen);
      p.setBrush(component_fill(base, component));
      p.drawRect(QRectF(x, cy - s / 2, s, s));
      x += s + fm.height() * 0.3;
      p.setPen(col.muted_text);
      p.drawText(QPointF(x, cy + fm.ascent() / 2 - 1), QString::fromLatin1(name));
      x += fm.horizontalAdvance(QString::fromLatin1(name)) + fm.height() * 0.8;
    }
    p.setBrush(Qt::NoBrush);
  }
  const bool any_observed = std::any_of(runs_.begin(), runs_.end(),
                                        [](const ChartRun& r) { return !r.observed.empty(); });
  if (any_observed &&
      x + sw + fm.horizontalAdvance(QStringLiteral("observed")) < l.bounds.right()) {
    QPen pen(col.muted_text, 1.5, Qt::DotLine);
    p.setPen(pen);
    p.drawLine(QPointF(x, cy), QPointF(x + sw, cy));
    x += sw + fm.height() * 0.3;
    p.setPen(col.muted_text);
    p.drawText(QPointF(x, cy + fm.ascent() / 2 - 1), QStringLiteral("observed"));
  }
}

void ChartRenderer::draw_grid_and_axes(QPainter& p, const ChartLayout& l) const {
  const QFontMetricsF fm(p.font());
  const auto& col = options_.colours;
  const double dpr = p.device() ? p.device()->devicePixelRatioF() : 1.0;
  const LinearMap xm = x_map(l), ym = y_map(l);
  const int y_target = std::max(2, static_cast<int>(l.plot.height() / (fm.height() * 2.6)));
  const int x_target =
      std::max(2, static_cast<int>(l.plot.width() / (fm.horizontalAdvance("00000.0") * 1.8)));
  const auto [lo, hi] = visible_range();

  p.setPen(QPen(col.grid, 1));
  const auto yt = byte_ticks(y_max_, y_target);
  const auto xt = x_ticks(lo, hi, options_.x_unit, x_target);
  for (const auto& t : yt) {
    const double y = snap(ym.to_pixel(t.value), dpr) + 0.5 / dpr;
    if (t.value > 0) p.drawLine(QPointF(l.plot.left(), y), QPointF(l.plot.right(), y));
  }
  for (const auto& t : xt) {
    const double x = snap(xm.to_pixel(t.value), dpr) + 0.5 / dpr;
    if (x > l.plot.left() + 1) p.drawLine(QPointF(x, l.plot.top()), QPointF(x, l.plot.bottom()));
  }

  // Axis lines: left and bottom (bottom line sits at the top of the band).
  p.setPen(QPen(col.axis, 1));
  const double x0 = l.plot.left() + 0.5 / dpr, yb = l.plot.bottom() + 0.5 / dpr;
  p.drawLine(QPointF(x0, l.plot.top()), QPointF(x0, yb));
  p.drawLine(QPointF(x0, yb), QPointF(l.plot.right(), yb));

  // Y tick labels and title.
  p.setPen(col.muted_text);
  for (const auto& t : yt) {
    const double y = ym.to_pixel(t.value);
    const QString s = qs(t.label);
    p.drawText(QPointF(l.plot.left() - fm.horizontalAdvance(s) - fm.height() * 0.4,
                       y + fm.ascent() / 2 - 1),
               s);
  }
  p.save();
  p.translate(l.bounds.left() + fm.ascent() * 0.2 + fm.height() * 0.5, l.plot.center().y());
  p.rotate(-90);
  const QString ytitle = QStringLiteral("SRAM in use");
  p.setPen(col.text);
  p.drawText(QPointF(-fm.horizontalAdvance(ytitle) / 2, fm.ascent() / 2), ytitle);
  p.restore();

  // X ticks under the band, labels and title.
  const double tick_top = l.band.bottom();
  p.setPen(QPen(col.axis, 1));
  for (const auto& t : xt) {
    const double x = snap(xm.to_pixel(t.value), dpr) + 0.5 / dpr;
    p.drawLine(QPointF(x, tick_top), QPointF(x, tick_top + 4));
  }
  p.setPen(col.muted_text);
  double last_right = -1e9;
  for (const auto& t : xt) {
    const QString s = qs(t.label);
    const double w = fm.horizontalAdvance(s);
    double x = xm.to_pixel(t.value) - w / 2;
    x = std::clamp(x, l.plot.left() - w / 2, l.plot.right() - w);
    if (x < last_right + fm.height() * 0.5) continue;
    p.drawText(QPointF(x, tick_top + 4 + fm.ascent()), s);
    last_right = x + w;
  }
  QString xtitle = qs(x_axis_title(options_.x_unit));
  if (options_.x_unit == XUnit::Milliseconds) {
    std::set<uint64_t> clocks;
    for (const auto& r : runs_) clocks.insert(r.clock_hz);
    if (clocks.size() == 1 && *clocks.begin() > 0) {
      xtitle +=
          QStringLiteral(" at %1 MHz").arg(static_cast<double>(*clocks.begin()) / 1e6, 0, 'g', 4);
    }
  }
  p.setPen(col.text);
  p.drawText(QPointF(l.plot.center().x() - fm.horizontalAdvance(xtitle) / 2,
                     tick_top + 4 + fm.height() * 1.3 + fm.ascent()),
             xtitle);
}

void ChartRenderer::draw_curves(QPainter& p, const ChartLayout& l) const {
  if (runs_.empty()) return;
  const double dpr = p.device() ? p.device()->devicePixelRatioF() : 1.0;
  const LinearMap ym = y_map(l);
  const auto [lo, hi] = visible_range();
  Columns cols;
  cols.count = std::max(1, static_cast<int>(std::ceil(l.plot.width() * dpr)));
  cols.x0 = l.plot.left();
  cols.w = l.plot.width() / cols.count;

  for (size_t i = 0; i < runs_.size(); ++i) {
    const ChartRun& run = runs_[i];
    const QColor colour = run_colour(static_cast<int>(i));
    const auto edges =
        column_edges(timebase(static_cast<int>(i)), options_.x_unit, lo, hi, cols.count);
    const auto decimate = [&](const StepSeries& s) {
      return decimate_step_series(s, edges, run.end_cycle);
    };

    std::vector<ColumnEnvelope> top_level;
    if (options_.mode == ChartMode::Stacked) {
      const Component comps[] = {Component::Static, Component::Arena, Component::Stack};
      std::vector<ColumnEnvelope> below;
      for (size_t k = 0; k < 3; ++k) {
        auto env = decimate(k == 2 ? stack_top(i) : levels_[i][k]);
        p.setPen(Qt::NoPen);
        QColor fill = component_fill(colour, comps[k]);
        if (runs_.size() > 1)
          fill.setAlphaF(fill.alphaF() * 0.6f);  // overlapping runs stay readable
        p.setBrush(fill);
        for (const auto& poly : band_polygons(env, k == 0 ? nullptr : &below, cols, ym))
          p.drawPolygon(poly);
        below = std::move(env);
      }
      top_level = std::move(below);
      p.setBrush(Qt::NoBrush);
    } else if (options_.show_components) {
      const std::pair<const StepSeries*, Qt::PenStyle> parts[] = {{&run.static_bytes, Qt::DotLine},
                                                                  {&run.arena, Qt::DashLine},
                                                                  {&run.stack, Qt::DashDotLine}};
      for (const auto& [series, style] : parts) {
        QColor c = colour;
        c.setAlphaF(0.8f);
        QPen pen(c, 1.0, style, Qt::FlatCap, Qt::MiterJoin);
        pen.setCosmetic(true);  // 1 px cosmetic lines take Qt's fast path
        p.setPen(pen);
        for (const auto& poly : envelope_polylines(decimate(*series), cols, ym))
          p.drawPolyline(poly);
      }
    }
    // The total line; in stacked mode the top level's envelope is the total's when the
    // total was summed from the components (no second pass over the samples).
    const bool reuse = options_.mode == ChartMode::Stacked && levels_[i][2].empty();
    const std::vector<ColumnEnvelope> total = reuse ? std::move(top_level) : decimate(run.total);
    p.setPen(Qt::NoPen);
    p.setBrush(colour);
    for (const auto& poly : envelope_outlines(total, cols, ym, 2.0)) p.drawPolygon(poly);
    p.setBrush(Qt::NoBrush);
    if (!run.observed.empty()) {
      // The observed view: what the firmware really kept live, under the planned total.
      QPen pen(colour, 2.0, Qt::DotLine, Qt::FlatCap, Qt::MiterJoin);
      pen.setCosmetic(true);
      p.setPen(pen);
      for (const auto& poly : envelope_polylines(decimate(run.observed), cols, ym))
        p.drawPolyline(poly);
    }
  }
}

void ChartRenderer::draw_sram_limits(QPainter& p, const ChartLayout& l) const {
  const QFontMetricsF fm(p.font());
  const double dpr = p.device() ? p.device()->devicePixelRatioF() : 1.0;
  const LinearMap ym = y_map(l);
  std::set<uint64_t> limits;
  for (const auto& r : runs_) {
    if (r.sram_limit_bytes > 0) limits.insert(r.sram_limit_bytes);
  }
  for (const uint64_t limit : limits) {
    // 2 px thick on whole device pixels so the line is crisp (and findable in tests).
    const double y = snap(ym.to_pixel(static_cast<double>(limit)), dpr);
    p.setPen(QPen(options_.colours.sram_limit, 2.0, Qt::DashLine, Qt::FlatCap));
    p.drawLine(QPointF(l.plot.left(), y), QPointF(l.plot.right(), y));
    QString label = QStringLiteral("SRAM %1").arg(qs(format_bytes(static_cast<double>(limit))));
    if (limits.size() > 1) {
      for (const auto& r : runs_) {
        if (r.sram_limit_bytes == limit) {
          label += QStringLiteral(" (%1)").arg(qs(r.name));
          break;
        }
      }
    }
    const double w = fm.horizontalAdvance(label);
    const QRectF box(l.plot.right() - w - fm.height() * 0.9, y - fm.height() - 3,
                     w + fm.height() * 0.6, fm.height());
    QColor bg = options_.colours.plot_background;
    bg.setAlphaF(0.85f);
    p.fillRect(box, bg);
    p.setPen(options_.colours.sram_limit);
    p.drawText(box, Qt::AlignCenter, label);
  }
}

void ChartRenderer::draw_peaks(QPainter& p, const ChartLayout& l) const {
  const QFontMetricsF fm(p.font());
  const LinearMap xm = x_map(l), ym = y_map(l);
  if (!options_.show_peaks) return;
  std::vector<QRectF> placed;
  for (size_t i = 0; i < runs_.size(); ++i) {
    const auto& run = runs_[i];
    if (!run.peak) continue;
    const double x =
        xm.to_pixel(timebase(static_cast<int>(i))
                        .to_axis(static_cast<double>(run.peak->cycle), options_.x_unit));
    const double y = ym.to_pixel(static_cast<double>(run.peak->bytes));
    if (x < l.plot.left() - 0.5 || x > l.plot.right() + 0.5) continue;
    const QColor colour = run_colour(static_cast<int>(i));

    // A faint drop line to the axis so the peak's time reads off the band.
    QColor drop = colour;
    drop.setAlphaF(0.45f);
    p.setPen(QPen(drop, 1, Qt::DotLine));
    p.drawLine(QPointF(x, y), QPointF(x, l.band.bottom()));

    const double r = fm.height() * 0.36;
    p.setPen(QPen(Qt::white, 1.5));
    p.setBrush(peak_marker_colour(colour));
    p.drawEllipse(QPointF(x, y), r, r);
    p.setBrush(Qt::NoBrush);

    QString label =
        QStringLiteral("peak %1").arg(qs(format_bytes(static_cast<double>(run.peak->bytes))));
    if (!run.peak->where.empty()) label += QStringLiteral(" · %1").arg(qs(run.peak->where));
    const double w = fm.horizontalAdvance(label) + fm.height() * 0.8;
    const double h = fm.height() * 1.3;
    QRectF box(x + r + 4, y - h - 2, w, h);
    if (box.right() > l.plot.right()) box.moveRight(x - r - 4);
    if (box.left() < l.plot.left()) box.moveLeft(l.plot.left() + 2);
    if (box.top() < l.plot.top()) box.moveTop(y + r + 2);
    for (int tries = 0; tries < 8; ++tries) {
      const bool hit = std::any_of(placed.begin(), placed.end(),
                                   [&](const QRectF& o) { return o.intersects(box); });
      if (!hit) break;
      box.translate(0, h + 2);
    }
    placed.push_back(box);
    QColor bg = Qt::white;
    bg.setAlphaF(0.9f);
    p.setPen(QPen(colour, 1));
    p.setBrush(bg);
    p.drawRoundedRect(box, 3, 3);
    p.setBrush(Qt::NoBrush);
    p.setPen(options_.colours.text);
    p.drawText(box, Qt::AlignCenter, label);
  }
}

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
    // Run name in the left margin, in the run's colour.
    p.setPen(run_colour(static_cast<int>(i)));
    const QString name =
        fm.elidedText(qs(run.name), Qt::ElideRight, l.plot.left() - l.bounds.left() - fm.height());
    p.drawText(QPointF(l.plot.left() - fm.horizontalAdvance(name) - fm.height() * 0.4,
                       row.center().y() + fm.ascent() / 2 - 1),
               name);

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
      if (x1 - x0 > fm.horizontalAdvance(label) + 6) {
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
      const double step = 5;
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
}

void ChartRenderer::draw_overlays(QPainter& p, const ChartLayout& l) const {
  const LinearMap xm = x_map(l);
  if (highlight_ && highlight_->run >= 0 && static_cast<size_t>(highlight_->run) < runs_.size()) {
    const Timebase tb = timebase(highlight_->run);
    const double x0 =
        xm.to_pixel(tb.to_axis(static_cast<double>(highlight_->begin), options_.x_unit));
    const double x1 =
        xm.to_pixel(tb.to_axis(static_cast<double>(highlight_->end), options_.x_unit));
    QColor c = options_.colours.highlight;
    c.setAlphaF(0.22f);
    p.fillRect(QRectF(x0, l.plot.top(), std::max(x1 - x0, 1.0), l.plot.height()), c);
  }
  if (selection_) {
    const double x0 = xm.to_pixel(std::min(selection_->first, selection_->second));
    const double x1 = xm.to_pixel(std::max(selection_->first, selection_->second));
    QColor c = options_.colours.selection;
    c.setAlphaF(0.14f);
    p.fillRect(QRectF(x0, l.plot.top(), x1 - x0, l.plot.height()), c);
    c.setAlphaF(0.7f);
    p.setPen(QPen(c, 1));
    p.drawLine(QPointF(x0, l.plot.top()), QPointF(x0, l.plot.bottom()));
    p.drawLine(QPointF(x1, l.plot.top()), QPointF(x1, l.plot.bottom()));
  }
  if (cursor_) {
    const double x = xm.to_pixel(*cursor_);
    QColor c = options_.colours.cursor;
    c.setAlphaF(0.5f);
    p.setPen(QPen(c, 1, Qt::DashLine));
    p.drawLine(QPointF(x, l.plot.top()), QPointF(x, l.plot.bottom()));
  }
}

HitInfo ChartRenderer::hit_test(const QRectF& bounds, const QPointF& pos) const {
  HitInfo hit;
  const ChartLayout l = layout(bounds);
  if (pos.x() < l.plot.left() || pos.x() > l.plot.right()) return hit;
  if (pos.y() >= l.plot.top() && pos.y() <= l.plot.bottom()) {
    hit.area = HitInfo::Area::Plot;
    hit.bytes = y_map(l).to_value(pos.y());
  } else {
    for (size_t i = 0; i < l.band_rows.size(); ++i) {
      const QRectF& row = l.band_rows[i];
      if (pos.y() >= row.top() - 1.5 && pos.y() <= row.bottom() + 1.5) {
        hit.area = HitInfo::Area::Band;
        hit.band_run = static_cast<int>(i);
      }
    }
    if (hit.area == HitInfo::Area::None) return hit;
  }
  hit.axis_value = x_map(l).to_value(pos.x());
  for (size_t i = 0; i < runs_.size(); ++i) {
    const auto& run = runs_[i];
    RunHit rh;
    rh.run = static_cast<int>(i);
    rh.cycle = timebase(rh.run).to_cycle(hit.axis_value, options_.x_unit);
    rh.inside = rh.cycle >= 0 && rh.cycle <= static_cast<double>(run.end_cycle);
    if (rh.inside) {
      const auto c = static_cast<uint64_t>(std::max(0.0, std::floor(rh.cycle)));
      rh.static_bytes = value_at(run.static_bytes, c);
      rh.arena = value_at(run.arena, c);
      rh.stack = value_at(run.stack, c);
      rh.total = value_at(run.total, c);
      if (!run.observed.empty()) rh.observed = value_at(run.observed, c);
      rh.layer = layer_at(run.layers, c);
      rh.patch = patch_at(run.patches, c);
    }
    hit.runs.push_back(rh);
  }
  return hit;
}

QString ChartRenderer::tooltip_text(const HitInfo& hit) const {
  if (hit.area == HitInfo::Area::None) return {};
  QStringList lines;
  lines << qs(format_axis_value(hit.axis_value, options_.x_unit));
  for (const auto& rh : hit.runs) {
    if (hit.area == HitInfo::Area::Band && rh.run != hit.band_run) continue;
    const auto& run = runs_[static_cast<size_t>(rh.run)];
    if (!rh.inside) {
      lines << QStringLiteral("%1: ended").arg(qs(run.name));
      continue;
    }
    QString line = qs(run.name) + QStringLiteral(":");
    if (options_.x_unit != XUnit::Cycles)
      line += QStringLiteral(" %1,").arg(qs(format_axis_value(rh.cycle, XUnit::Cycles)));
    if (rh.total)
      line += QStringLiteral(" total %1").arg(qs(format_bytes(static_cast<double>(*rh.total))));
    QStringList parts;
    const std::pair<const std::optional<int64_t>*, const char*> comps[] = {
        {&rh.static_bytes, "static"}, {&rh.arena, "arena"}, {&rh.stack, "stack"}};
    for (const auto& [v, name] : comps) {
      if (*v)
        parts << QStringLiteral("%1 %2").arg(QString::fromLatin1(name),
                                             qs(format_bytes(static_cast<double>(**v))));
    }
    if (!parts.isEmpty()) line += QStringLiteral(" (%1)").arg(parts.join(QStringLiteral(", ")));
    if (rh.observed)
      line +=
          QStringLiteral("; observed %1").arg(qs(format_bytes(static_cast<double>(*rh.observed))));
    lines << line;
    if (rh.layer) {
      // "layer 2: conv2 (CONV_2D)"; the op is left out when the name already says it.
      QString layer = QStringLiteral("  layer %1: %2").arg(rh.layer->index).arg(qs(rh.layer->name));
      if (!rh.layer->op.empty() && rh.layer->name.find(rh.layer->op) == std::string::npos) {
        layer += QStringLiteral(" (%1)").arg(qs(rh.layer->op));
      }
      lines << layer;
    }
    if (rh.patch) lines << QStringLiteral("  patch (%1,%2)").arg(rh.patch->row).arg(rh.patch->col);
  }
  return lines.join(QLatin1Char('\n'));
}

bool ChartRenderer::render_png(const QString& path, QSize size, double device_pixel_ratio) const {
  const double dpr = std::max(1.0, device_pixel_ratio);
  QImage image(QSize(static_cast<int>(std::lround(size.width() * dpr)),
                     static_cast<int>(std::lround(size.height() * dpr))),
               QImage::Format_ARGB32_Premultiplied);
  if (image.isNull()) return false;
  image.setDevicePixelRatio(dpr);
  image.fill(options_.colours.background);
  {
    QPainter p(&image);
    render(p, QRectF(QPointF(0, 0), QSizeF(size)));
  }
  return image.save(path, "PNG");
}

bool ChartRenderer::render_svg(const QString& path, QSize size) const {
  QSvgGenerator svg;
  svg.setFileName(path);
  svg.setSize(size);
  svg.setViewBox(QRect(QPoint(0, 0), size));
  svg.setTitle(QStringLiteral("mcuprof memory over time"));
  svg.setDescription(QStringLiteral("SRAM in use over time, drawn by mcuprof"));
  QPainter p;
  if (!p.begin(&svg)) return false;
  render(p, QRectF(QPointF(0, 0), QSizeF(size)));
  return p.end();
}

bool ChartRenderer::render_to_file(const QString& path, QSize size, std::string* error) const {
  const QString ext = QFileInfo(path).suffix().toLower();
  const auto fail = [&](const std::string& message) {
    if (error) *error = message;
    return false;
  };
  if (size.width() < 64 || size.height() < 64)
    return fail("plot size too small (need at least 64x64)");
  bool ok = false;
  if (ext == QLatin1String("png"))
    ok = render_png(path, size);
  else if (ext == QLatin1String("svg"))
    ok = render_svg(path, size);
  else
    return fail("unknown plot format '." + ext.toStdString() + "' (use .png or .svg)");
  if (!ok) return fail("cannot write " + path.toStdString());
  return true;
}

}  // namespace mcuprof::plot
