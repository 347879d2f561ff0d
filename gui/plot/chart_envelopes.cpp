// Geometry of the memory chart's curves (see chart_envelopes.hpp).
#include "chart_envelopes.hpp"

#include <algorithm>

namespace mcuprof::plot {
namespace {

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

}  // namespace

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

}  // namespace mcuprof::plot
