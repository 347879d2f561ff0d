// PNG and SVG bytes of a chart (see chart_bytes.hpp).
#include "chart_bytes.hpp"

#include <QBuffer>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>

namespace mcuprof::plot {

QString chart_format_of(const QString& path) {
  const QString ext = QFileInfo(path).suffix().toLower();
  return ext == QLatin1String("png") || ext == QLatin1String("svg") ? ext : QString();
}

std::optional<QByteArray> encode_chart(const ChartRenderer& renderer, const QString& format,
                                       QSize size, std::string* error) {
  const auto fail = [&](const std::string& message) -> std::optional<QByteArray> {
    if (error) *error = message;
    return std::nullopt;
  };
  if (size.width() < 64 || size.height() < 64)
    return fail("plot size too small (need at least 64x64)");
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  const QRectF bounds(QPointF(0, 0), QSizeF(size));
  if (format == QLatin1String("png")) {
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    if (image.isNull()) return fail("cannot allocate the image");
    image.fill(renderer.options().colours.background);
    {
      QPainter p(&image);
      renderer.render(p, bounds);
    }
    if (!image.save(&buffer, "PNG")) return fail("cannot encode the PNG");
  } else if (format == QLatin1String("svg")) {
    QSvgGenerator svg;
    svg.setOutputDevice(&buffer);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(QStringLiteral("mcuprof memory over time"));
    svg.setDescription(QStringLiteral("SRAM in use over time, drawn by mcuprof"));
    QPainter p;
    if (!p.begin(&svg)) return fail("cannot draw the SVG");
    renderer.render(p, bounds);
    if (!p.end()) return fail("cannot draw the SVG");
  } else {
    return fail("unknown plot format '" + format.toStdString() + "' (use .png or .svg)");
  }
  return bytes;
}

}  // namespace mcuprof::plot
