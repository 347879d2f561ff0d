// The sweep's Pareto chart: latency against peak SRAM for the runs of one board, points
// coloured by schedule and labelled by model, the Pareto front as a step line, the
// board's SRAM as a limit line and its flash in the legend (points over it crossed).
// Drawn with QPainter for `mcuprof plot --pareto` (PNG/SVG) and the GUI's Sweep tab, which
// also asks which point lies under the mouse.
#pragma once

#include <QByteArray>
#include <QPainter>
#include <QRectF>
#include <QSize>
#include <QString>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mcuprof::plot {

struct ParetoPoint {
  int64_t run_id = 0;
  double peak_sram_bytes = 0;
  double latency_ms = 0;
  uint64_t flash_bytes = 0;
  std::string schedule;
  std::string label;  // the model
  bool front = false;
  bool selected = false;  // selected in the window: drawn with a ring and a bold label
};

struct ParetoChart {
  std::string title;
  double sram_limit_bytes = 0;     // the board's SRAM (0: no line)
  uint64_t flash_limit_bytes = 0;  // the board's flash (0: unknown)
  std::vector<ParetoPoint> points;
};

// Draws the chart into `bounds`.
void render_pareto(QPainter& painter, const QRectF& bounds, const ParetoChart& chart);

// The point drawn within a few pixels of `pos`, if any.
std::optional<size_t> pareto_point_at(const QRectF& bounds, const ParetoChart& chart, QPointF pos);

// PNG or SVG bytes ("png", "svg"); nullopt with *error set when it cannot be drawn.
std::optional<QByteArray> encode_pareto(const ParetoChart& chart, const QString& format, QSize size,
                                        std::string* error = nullptr);

}  // namespace mcuprof::plot
