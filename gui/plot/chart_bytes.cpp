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

std::optional<QByteArray> encode_drawing(const QString& format, QSize size, const Drawing& drawing,
                                         std::string* error) {
  const auto fail = [&](const std::string& message) -> std::optional<QByteArray> {
    if (error) *error = message;
    return std::nullopt;
  };
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  const QRectF bounds(QPointF(0, 0), QSizeF(size));
  if (format == QLatin1String("png")) {
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    if (image.isNull()) return fail("cannot allocate the image");
    if (drawing.background) image.fill(*drawing.background);
    {
      QPainter p(&image);
      drawing.draw(p, bounds);
    }
    if (!image.save(&buffer, "PNG")) return fail("cannot encode the PNG");
  } else if (format == QLatin1String("svg")) {
    QSvgGenerator svg;
    svg.setOutputDevice(&buffer);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(drawing.title);
    if (!drawing.description.isEmpty()) svg.setDescription(drawing.description);
    QPainter p;
    if (!p.begin(&svg)) return fail("cannot draw the SVG");
    drawing.draw(p, bounds);
    if (!p.end()) return fail("cannot draw the SVG");
  } else {
    return fail("unknown plot format '" + format.toStdString() + "' (use .png or .svg)");
  }
  return bytes;
}

std::optional<QByteArray> encode_chart(const ChartRenderer& renderer, const QString& format,
                                       QSize size, std::string* error) {
  if (size.width() < 64 || size.height() < 64) {
    if (error) *error = "plot size too small (need at least 64x64)";
    return std::nullopt;
  }
  const Drawing drawing{[&](QPainter& p, const QRectF& bounds) { renderer.render(p, bounds); },
                        renderer.options().colours.background,
                        QStringLiteral("mcuprof memory over time"),
                        QStringLiteral("SRAM in use over time, drawn by mcuprof")};
  return encode_drawing(format, size, drawing, error);
}

}  // namespace mcuprof::plot
