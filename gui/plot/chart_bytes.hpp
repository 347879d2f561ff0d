// A chart encoded in memory as PNG or SVG bytes, for callers that write the file
// themselves (`mcuprof plot` writes them atomically, profiler/src/output_file.hpp).
#pragma once

#include <QByteArray>
#include <QColor>
#include <QPainter>
#include <QRectF>
#include <QSize>
#include <QString>
#include <functional>
#include <optional>
#include <string>

#include "chart_renderer.hpp"

namespace mcuprof::plot {

// The format from a file name's extension: "png", "svg", or empty when neither.
QString chart_format_of(const QString& path);

// Something drawn with QPainter into [0, size): its background (none: left transparent)
// and the SVG's title and description.
struct Drawing {
  std::function<void(QPainter&, const QRectF&)> draw;
  std::optional<QColor> background;
  QString title;
  QString description;
};

// `drawing` at `size` in `format` ("png" or "svg"): the one encoder every chart uses.
std::optional<QByteArray> encode_drawing(const QString& format, QSize size, const Drawing& drawing,
                                         std::string* error = nullptr);

// The chart drawn at `size` (logical pixels) in `format` ("png" or "svg"); nullopt with
// *error set when it cannot be drawn.
std::optional<QByteArray> encode_chart(const ChartRenderer& renderer, const QString& format,
                                       QSize size, std::string* error = nullptr);

}  // namespace mcuprof::plot
