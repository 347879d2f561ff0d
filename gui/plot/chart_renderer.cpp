// The memory-over-time chart: runs and their stacked levels, the x view, grid and axes,
// curves, overlays, hit testing, tooltips and offscreen output. The layout, legend, band
// and peak labels live in chart_layout.cpp, chart_legend.cpp, chart_band.cpp and
// chart_peaks.cpp; the curve geometry in chart_envelopes.cpp.
#include "chart_renderer.hpp"

#include <QFileInfo>
#include <QFontMetricsF>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>
#include <algorithm>
#include <cmath>
#include <set>

#include "chart_envelopes.hpp"
#include "decimation.hpp"

namespace mcuprof::plot {

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
        p.setBrush(component_fill(colour, comps[k], static_cast<int>(runs_.size())));
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
  for (const auto& e : l.legend) {
    if (e.rect.contains(pos)) {
      hit.area = HitInfo::Area::Legend;
      hit.legend_run = e.run;
      hit.legend_hidden = l.legend_hidden;
      return hit;
    }
  }
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
  if (hit.area == HitInfo::Area::Legend) return legend_tooltip(hit);
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
    // With many runs one line each: the total and the layer only.
    const bool compact = hit.area == HitInfo::Area::Plot && hit.runs.size() > 8;
    if (compact) {
      if (rh.layer) line += QStringLiteral(" · %1").arg(qs(rh.layer->name));
      lines << line;
      continue;
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

QString ChartRenderer::legend_tooltip(const HitInfo& hit) const {
  // A run: its name and peak; "+N more": the runs the legend had no room for.
  const auto line = [&](size_t i) {
    QString text = qs(runs_[i].name);
    if (runs_[i].peak) {
      text += QStringLiteral(": SRAM in use at most %1")
                  .arg(qs(format_bytes(static_cast<double>(runs_[i].peak->bytes))));
      if (!runs_[i].peak->where.empty()) text += QStringLiteral(" · ") + qs(runs_[i].peak->where);
    }
    return text;
  };
  const int run = hit.legend_run;
  if (run >= 0 && static_cast<size_t>(run) < runs_.size()) return line(static_cast<size_t>(run));
  // "+N more" stands for the last N runs (the legend shows the runs in order).
  QStringList lines;
  const size_t first =
      runs_.size() - std::min(runs_.size(), static_cast<size_t>(hit.legend_hidden));
  for (size_t i = first; i < runs_.size(); ++i) lines << line(i);
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
