// Where the memory chart's parts go: the header (title and a wrapping legend), the plot,
// the layer/patch band and the x axis. The curves keep at least kMinPlotShare of the
// height whatever the number of runs: when the legend and the band would need more, the
// legend gets fewer lines (peak figures, then the component key dropped, then a "+N more"
// entry) and the band thinner rows without text, then rows for the first runs only.
#include <QFontMetricsF>
#include <QStringList>
#include <algorithm>
#include <cmath>

#include "chart_envelopes.hpp"
#include "chart_renderer.hpp"

namespace mcuprof::plot {
namespace {

constexpr double kMinPlotShare = 0.6;  // of the chart's height, when there is a choice
constexpr double kMinBandRow = 3;      // px: the thinnest band row

// Places items of a given width left to right, wrapping to a new line when one does not
// fit (an item wider than a whole line gets a line of its own).
struct Flow {
  double left = 0, right = 0, top = 0, line_h = 0, gap = 0;
  double x = 0;
  int line = 0;
  QRectF place(double w) {
    if (x > left && x + w > right) {
      ++line;
      x = left;
    }
    const QRectF r(x, top + line * line_h, w, line_h);
    x += w + gap;
    return r;
  }
  // The line an item of width w would land on, without placing it.
  int line_of(double w) const { return x > left && x + w > right ? line + 1 : line; }
};

}  // namespace

// "  (highest 60.9 KiB; start-up 44.9 ms before 0)": SRAM in use at its highest (the
// curve's top, not the reserved peak SRAM figure) and, since time 0 is the
// inference start, how long the start-up before it took (its own phase, never hidden).
QString ChartRenderer::peak_suffix(size_t run, bool with_peak) const {
  const ChartRun& r = runs_[run];
  if (!with_peak || (!r.peak && !r.startup)) return {};
  QStringList parts;
  if (r.peak)
    parts << QStringLiteral("highest %1").arg(qs(format_bytes(static_cast<double>(r.peak->bytes))));
  if (r.startup && r.startup->cycles > 0) {
    const QString length =
        r.clock_hz > 0 ? QStringLiteral("%1 ms").arg(static_cast<double>(r.startup->cycles) *
                                                         1000.0 / static_cast<double>(r.clock_hz),
                                                     0, 'f', 1)
                       : QStringLiteral("%1 cycles").arg(r.startup->cycles);
    parts << QStringLiteral("%1 %2 before 0").arg(qs(r.startup->label), length);
  }
  return QStringLiteral("  (%1)").arg(parts.join(QStringLiteral("; ")));
}

double ChartRenderer::layout_legend(ChartLayout& l, double left, double max_height) const {
  const QFontMetricsF fm(font());
  const double line_h = std::round(fm.height() * 1.3);
  const double extra = std::round(fm.height() * 0.7);
  const int max_lines = std::max(1, static_cast<int>((max_height - extra) / line_h));
  const double sw = fm.height() * 1.4;           // the colour swatch
  const double text_x = sw + fm.height() * 0.4;  // text after the swatch
  const double right = l.bounds.right() - fm.height();
  const bool stacked = options_.mode == ChartMode::Stacked && !runs_.empty();
  const double components_w =
      fm.horizontalAdvance(QStringLiteral("static arena stack")) + fm.height() * 3.3;
  QFont bold = font();
  bold.setBold(true);
  const double title_w =
      options_.title.empty()
          ? 0
          : QFontMetricsF(bold).horizontalAdvance(qs(options_.title)) + fm.height() * 1.5;

  // One attempt: every run with or without peak figures and the component key; false
  // when it needs more than max_lines (unless `truncate`: then it ends with "+N more").
  const auto attempt = [&](bool peaks, bool components, bool truncate, ChartLayout& out) {
    out.legend.clear();
    out.title = {};
    out.components = {};
    out.legend_hidden = 0;
    out.legend_peaks = peaks;
    Flow flow{left, right, l.bounds.top() + extra / 2, line_h, fm.height() * 1.2, left, 0};
    if (title_w > 0) out.title = flow.place(title_w);
    if (!options_.show_legend) return true;
    const double line_w = right - left;
    const auto entry = [&](int run, QString text, const QString& suffix) {
      double w = text_x + fm.horizontalAdvance(text + suffix);
      if (w > line_w) {  // wider than the chart: elide the name in the middle, keep both ends
        text = fm.elidedText(text, Qt::ElideMiddle,
                             std::max(line_w - text_x - fm.horizontalAdvance(suffix), fm.height()));
        w = text_x + fm.horizontalAdvance(text + suffix);
      }
      return LegendEntry{run, QRectF(0, 0, w, line_h), text + suffix};
    };
    for (size_t i = 0; i < runs_.size(); ++i) {
      LegendEntry e = entry(static_cast<int>(i), qs(runs_[i].name), peak_suffix(i, peaks));
      if (flow.line_of(e.rect.width()) >= max_lines) {
        if (!truncate) return false;
        // "+N more" on the last line, taking back entries until it fits.
        const auto more = [&](size_t hidden) {
          return entry(-1, QStringLiteral("+%1 more").arg(hidden), QString());
        };
        while (!out.legend.empty()) {
          const LegendEntry m = more(runs_.size() - out.legend.size());
          if (out.legend.back().rect.right() + flow.gap + m.rect.width() <= right) break;
          out.legend.pop_back();
        }
        LegendEntry m = more(runs_.size() - out.legend.size());
        if (!out.legend.empty()) {
          flow.x = out.legend.back().rect.right() + flow.gap;
          flow.line =
              static_cast<int>(std::lround((out.legend.back().rect.top() - flow.top) / line_h));
        } else {
          flow.x = left;
          flow.line = 0;
        }
        m.rect = flow.place(m.rect.width());
        out.legend_hidden = static_cast<int>(runs_.size() - out.legend.size());
        out.legend.push_back(m);
        return true;
      }
      e.rect = flow.place(e.rect.width());
      out.legend.push_back(e);
    }
    if (components) {
      if (flow.line_of(components_w) >= max_lines && !truncate) return false;
      if (flow.line_of(components_w) < max_lines) out.components = flow.place(components_w);
    }
    return true;
  };

  bool ok = attempt(true, stacked, false, l) || attempt(false, stacked, false, l) ||
            attempt(false, false, false, l);
  if (!ok) attempt(false, false, true, l);
  int lines = 1;
  const auto count = [&](const QRectF& r) {
    if (!r.isEmpty())
      lines = std::max(
          lines,
          1 + static_cast<int>(std::lround((r.top() - l.bounds.top() - extra / 2) / line_h)));
  };
  for (const auto& e : l.legend) count(e.rect);
  count(l.components);
  count(l.title);
  return lines * line_h + extra;
}

ChartLayout ChartRenderer::layout(const QRectF& bounds) const {
  const QFontMetricsF fm(font());
  const double pad = std::round(fm.height() * 0.6);
  ChartLayout l;
  l.bounds = bounds;

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
  const double right = pad * 2;
  const double plot_left = std::round(bounds.left() + left);
  const double plot_right =
      std::round(bounds.left() + left + std::max(10.0, bounds.width() - left - right));
  const double axis_h = std::round(fm.height() * 1.3) + std::round(fm.height() * 1.4) + pad / 2;

  // Height budgets: what the legend and the band would like, cut back so the plot keeps
  // kMinPlotShare of the height (the band gets at least 30 % of what is left: naming the
  // curves in the legend matters more than a band row for every run).
  const bool header = options_.show_legend || !options_.title.empty();
  const double one_line = header ? std::round(fm.height() * 2.0) : pad;
  double header_needed = pad;
  if (header) {
    ChartLayout scratch;
    scratch.bounds = bounds;
    header_needed = layout_legend(scratch, plot_left, 1e9);
  }
  const double row_h = std::round(fm.height() * 1.05);
  const auto n = static_cast<double>(runs_.size());
  const double band_needed = band ? n * (row_h + 3) + 3 : 0;
  const double room = bounds.height() - axis_h - kMinPlotShare * bounds.height();
  double header_budget = header_needed, band_budget = band_needed;
  if (header_needed + band_needed > room) {
    const double r = std::max(room, one_line + (band ? kMinBandRow + 2 : 0.0));
    band_budget = std::min(band_needed, std::max(r * 0.3, r - header_needed));
    header_budget = std::max(one_line, std::min(header_needed, r - band_budget));
  }
  const double header_h = header ? layout_legend(l, plot_left, header_budget) : pad;
  l.header = QRectF(bounds.left(), bounds.top(), bounds.width(), header_h);

  // Band rows: full rows with names; else thinner rows without text; else the first runs.
  double rh = row_h, gap = 3;
  size_t rows = band ? runs_.size() : 0;
  if (band && band_needed > band_budget) {
    gap = 1;
    rh = std::floor((band_budget - gap) / n) - gap;
    if (rh < kMinBandRow) {
      rh = kMinBandRow;
      rows = std::clamp<size_t>(static_cast<size_t>((band_budget - gap) / (rh + gap)), 1,
                                runs_.size());
    }
  }
  l.band_labels = rh >= fm.height() * 0.9;
  l.band_hidden = band ? static_cast<int>(runs_.size() - rows) : 0;
  const double band_h = rows > 0 ? static_cast<double>(rows) * (rh + gap) + gap : 0;

  const double plot_top = std::round(bounds.top() + header_h);
  const double plot_h = std::max(10.0, bounds.height() - header_h - band_h - axis_h);
  l.plot = QRectF(QPointF(plot_left, plot_top), QPointF(plot_right, std::round(plot_top + plot_h)));
  l.band = QRectF(l.plot.left(), l.plot.bottom(), l.plot.width(), band_h);
  for (size_t i = 0; i < rows; ++i) {
    l.band_rows.emplace_back(l.plot.left(),
                             l.plot.bottom() + gap + static_cast<double>(i) * (rh + gap),
                             l.plot.width(), rh);
  }
  return l;
}

}  // namespace mcuprof::plot
