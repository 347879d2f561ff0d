// The memory-over-time chart: draws one or more runs' SRAM timelines (stacked components
// or overlaid curves), the target's SRAM limit, each run's peak, a layer/patch band under
// the axis, a highlighted span, a selected time range and a cursor, onto any QPainter
// (a widget, a QImage for PNG, a QSvgGenerator for SVG). Also hit-tests a point for
// tooltips. Needs a QGuiApplication (see offscreen.hpp for headless use); no widgets.
#pragma once

#include <QFont>
#include <QFontMetricsF>
#include <QRectF>
#include <QSize>
#include <QString>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "axis_mapping.hpp"
#include "chart_data.hpp"
#include "chart_style.hpp"

class QPainter;

namespace mcuprof::plot {

enum class ChartMode {
  Stacked,   // static, arena, stack filled on top of each other, total as a line
  Overlaid,  // lines only: total solid, components (if shown) dashed
};

struct ChartOptions {
  XUnit x_unit = XUnit::Cycles;
  ChartMode mode = ChartMode::Stacked;
  bool show_components = true;  // Overlaid: also draw static/arena/stack lines
  bool show_band = true;        // the layer/patch band under the axis
  bool show_legend = true;
  bool show_peaks = true;  // marker and label at each run's peak
  std::string title;       // drawn top-left when not empty
  int font_pixel_size = 12;
  ChartColours colours;
};

// One entry of the legend: a run's colour and name (with its peak when there is room).
struct LegendEntry {
  int run = -1;  // -1: the "+N more" entry (the hidden runs are in its tooltip)
  QRectF rect;   // the whole entry (swatch and text)
  QString text;  // as drawn: the full name, or elided in the middle when wider than the chart
};

// Where things go inside the bounds the chart was given. With many runs the legend and
// the band get at most a share of the height (see chart_layout.cpp) so the curves keep
// most of it: the legend wraps and ends with "+N more", band rows get thinner and only
// the first runs get one.
struct ChartLayout {
  QRectF bounds;
  QRectF header;                  // title and legend
  QRectF plot;                    // the curves
  QRectF band;                    // all band rows
  std::vector<QRectF> band_rows;  // band_rows[i] is run i's row (the first runs only)
  int band_hidden = 0;            // runs after those with no band row
  bool band_labels = true;        // rows tall enough for text (run and layer names)
  QRectF title;                   // the title's box (empty without a title)
  std::vector<LegendEntry> legend;
  QRectF components;          // the static/arena/stack key (empty when left out)
  bool legend_peaks = false;  // legend texts carry the peak figures
  int legend_hidden = 0;      // runs in the "+N more" entry
};

// A peak label as placed: never over another label, a peak marker, the SRAM label or the
// band; a label that finds no free place is left out (its peak stays in the tooltip).
struct PeakLabel {
  int run = 0;
  QRectF rect;
  QString text;
};

// A span to highlight (the GUI's table selection), in one run's cycles.
struct HighlightSpan {
  int run = 0;
  uint64_t begin = 0;
  uint64_t end = 0;
};

// What is under a point of the chart, per run.
struct RunHit {
  int run = 0;
  double cycle = 0;     // the run's cycle at the cursor's x
  bool inside = false;  // 0 <= cycle <= end_cycle
  std::optional<int64_t> static_bytes, arena, stack, total;
  std::optional<int64_t> observed;   // only for runs with an observed view
  const LayerSpan* layer = nullptr;  // points into the renderer's runs
  const PatchSpan* patch = nullptr;
};

struct HitInfo {
  enum class Area { None, Plot, Band, Legend };
  Area area = Area::None;
  int legend_run = -2;    // Legend: the entry's run, -1 for "+N more"
  int legend_hidden = 0;  // Legend: how many runs "+N more" stands for (the last ones)
  double axis_value = 0;  // x in the current unit
  double bytes = 0;       // y at the cursor (plot area only)
  int band_run = -1;      // the band row under the cursor
  std::vector<RunHit> runs;
};

class ChartRenderer {
 public:
  ChartRenderer() = default;

  // Takes the runs (completing them: total, peak, end, sorted spans) and resets the view.
  void set_runs(std::vector<ChartRun> runs);
  const std::vector<ChartRun>& runs() const { return runs_; }

  const ChartOptions& options() const { return options_; }
  // Changing the options' x_unit directly is fine; set_x_unit also keeps the zoom.
  ChartOptions& options() { return options_; }
  void set_x_unit(XUnit unit);
  XUnit x_unit() const { return options_.x_unit; }

  // The visible x range (axis units of the current unit) for zoom and pan.
  XView& view() {
    sync_extent();
    return view_;
  }
  const XView& view() const { return view_; }

  void set_highlight(std::optional<HighlightSpan> span) { highlight_ = span; }
  const std::optional<HighlightSpan>& highlight() const { return highlight_; }
  // A selected x range in axis units (the rubber band), or none.
  void set_selection(std::optional<std::pair<double, double>> range) { selection_ = range; }
  const std::optional<std::pair<double, double>>& selection() const { return selection_; }
  void set_cursor(std::optional<double> axis_value) { cursor_ = axis_value; }

  // Geometry and coordinate maps for a given drawing rectangle (logical pixels).
  ChartLayout layout(const QRectF& bounds) const;
  LinearMap x_map(const ChartLayout& layout) const;  // axis value <-> x pixel
  LinearMap y_map(const ChartLayout& layout) const;  // bytes <-> y pixel
  double y_max() const { return y_max_; }
  // A run's cycles <-> axis values in the current unit.
  Timebase timebase(int run) const;
  // The cycle range of `run` covered by an axis range (for filtering tables by selection).
  std::pair<uint64_t, uint64_t> cycle_range(int run, double axis_lo, double axis_hi) const;

  // The peak labels as render() places them (for tests and hit testing).
  std::vector<PeakLabel> peak_labels(const ChartLayout& layout) const;

  // Draws the whole chart into `bounds` of the painter's device.
  void render(QPainter& painter, const QRectF& bounds) const;
  HitInfo hit_test(const QRectF& bounds, const QPointF& pos) const;
  // Plain multi-line tooltip text for a hit (empty when nothing is under the point).
  QString tooltip_text(const HitInfo& hit) const;

  // Offscreen output; `size` in logical pixels, device_pixel_ratio > 1 for high-DPI PNGs.
  bool render_png(const QString& path, QSize size, double device_pixel_ratio = 1.0) const;
  bool render_svg(const QString& path, QSize size) const;
  // PNG or SVG by the file's extension; on failure returns false and sets *error.
  bool render_to_file(const QString& path, QSize size, std::string* error = nullptr) const;

 private:
  void sync_extent();
  double full_extent(XUnit unit) const;
  std::pair<double, double> visible_range() const;
  const StepSeries& stack_top(size_t run) const;
  QFont font() const;
  void draw_header(QPainter& p, const ChartLayout& l) const;
  void draw_grid_and_axes(QPainter& p, const ChartLayout& l) const;
  void draw_curves(QPainter& p, const ChartLayout& l) const;
  void draw_sram_limits(QPainter& p, const ChartLayout& l) const;
  void draw_peaks(QPainter& p, const ChartLayout& l) const;
  void draw_band(QPainter& p, const ChartLayout& l) const;
  // Fills the legend of `l` (entries from x = `left`) in at most `max_height`; returns the
  // header's height.
  double layout_legend(ChartLayout& l, double left, double max_height) const;
  QString peak_suffix(size_t run, bool with_peak) const;  // "  (peak 60.9 KiB)" or empty
  QString legend_tooltip(const HitInfo& hit) const;
  struct SramLabel {
    uint64_t limit = 0;
    QString text;
    QRectF box;
  };
  std::vector<SramLabel> sram_labels(const ChartLayout& l) const;
  void draw_overlays(QPainter& p, const ChartLayout& l) const;

  std::vector<ChartRun> runs_;
  // Per run, the stacked levels: static, static+arena, static+arena+stack (the last one
  // empty when it equals the run's total).
  std::vector<std::array<StepSeries, 3>> levels_;
  ChartOptions options_;
  XView view_;
  XUnit extent_unit_ = XUnit::Cycles;
  double y_max_ = 1024;
  std::optional<HighlightSpan> highlight_;
  std::optional<std::pair<double, double>> selection_;
  std::optional<double> cursor_;
};

}  // namespace mcuprof::plot
