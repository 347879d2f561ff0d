// A chart encoded in memory as PNG or SVG bytes, for callers that write the file
// themselves (`mcuprof plot` writes them atomically, profiler/src/output_file.hpp).
#pragma once

#include <QByteArray>
#include <QSize>
#include <QString>
#include <optional>
#include <string>

#include "chart_renderer.hpp"

namespace mcuprof::plot {

// The format from a file name's extension: "png", "svg", or empty when neither.
QString chart_format_of(const QString& path);

// The chart drawn at `size` (logical pixels) in `format` ("png" or "svg"); nullopt with
// *error set when it cannot be drawn.
std::optional<QByteArray> encode_chart(const ChartRenderer& renderer, const QString& format,
                                       QSize size, std::string* error = nullptr);

}  // namespace mcuprof::plot
