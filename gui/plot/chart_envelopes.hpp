// Geometry of the memory chart's curves: the columns one device pixel wide, their edges in
// a run's cycles, and the polygons drawn from min/max envelopes (lines, filled levels,
// thick outlines). Internal to gui/plot; no painting here.
#pragma once

#include <QPolygonF>
#include <QString>
#include <cmath>
#include <string>
#include <vector>

#include "axis_mapping.hpp"
#include "decimation.hpp"

namespace mcuprof::plot {

inline QString qs(const std::string& s) {
  return QString::fromStdString(s);
}

// A coordinate rounded to whole device pixels.
inline double snap(double v, double dpr) {
  return std::round(v * dpr) / dpr;
}

// Columns geometry: column k spans [x0 + k*w, x0 + (k+1)*w).
struct Columns {
  double x0 = 0;
  double w = 1;
  int count = 0;
  double left(size_t k) const { return x0 + static_cast<double>(k) * w; }
  double mid(size_t k) const { return left(k) + w / 2; }
};

// Column edges in a run's cycles for `columns` equal columns over the axis range [lo, hi].
std::vector<double> column_edges(const Timebase& tb, XUnit unit, double lo, double hi, int columns);

// The min/max polyline of an envelope: per column a horizontal entry at `first`, a vertical
// stroke over [min, max] at the column's middle, and a horizontal exit at `last`.
std::vector<QPolygonF> envelope_polylines(const std::vector<ColumnEnvelope>& env,
                                          const Columns& cols, const LinearMap& y);

// The filled area between two envelopes' maxima (lower may be empty = baseline 0).
std::vector<QPolygonF> band_polygons(const std::vector<ColumnEnvelope>& upper,
                                     const std::vector<ColumnEnvelope>* lower, const Columns& cols,
                                     const LinearMap& y);

// A curve `width` pixels thick as filled outlines, one per run of columns with data: each
// column covers [max - width/2, min + width/2], so steps and min/max strokes are one column
// wide and flat parts `width` thick. Filling this is far cheaper than stroking a polyline
// that turns back on itself in every column, and it is one <polygon> in SVG.
std::vector<QPolygonF> envelope_outlines(const std::vector<ColumnEnvelope>& env,
                                         const Columns& cols, const LinearMap& y, double width);

}  // namespace mcuprof::plot
