// The new run's command line and the board list (see run_command.hpp).
#include "run_command.hpp"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>

namespace mcuprof::gui {

bool is_model(const QString& input) {
  return QFileInfo(input).suffix().compare(QLatin1String("tflite"), Qt::CaseInsensitive) == 0;
}

QString schedule_argument(const NewRunRequest& request) {
  switch (request.schedule) {
    case ScheduleKind::Layer:
      return QStringLiteral("layer");
    case ScheduleKind::Auto:
      return QStringLiteral("auto");
    case ScheduleKind::Patch:
      if (request.patch_grid <= 0) return QStringLiteral("patch");
      return QStringLiteral("patch:%1x%1@%2").arg(request.patch_grid).arg(request.patch_split);
  }
  return {};
}

QStringList mcuprof_run_arguments(const NewRunRequest& request, QString* error) {
  const auto fail = [&](const QString& why) {
    if (error != nullptr) *error = why;
    return QStringList{};
  };
  if (request.input.isEmpty())
    return fail(QStringLiteral("choose a model (.tflite) or firmware (.elf)"));
  if (request.target.isEmpty()) return fail(QStringLiteral("choose a target board"));
  if (request.database.isEmpty()) return fail(QStringLiteral("open or choose a trace database"));
  const bool model = is_model(request.input);
  if (model && request.schedule == ScheduleKind::Patch && request.patch_grid > 0 &&
      request.patch_split <= 0)
    return fail(QStringLiteral("a patch grid needs the number of layers it covers (split)"));
  QStringList args{QStringLiteral("run"), request.input,          QStringLiteral("--target"),
                   request.target,        QStringLiteral("--db"), request.database};
  if (model) args << QStringLiteral("--schedule") << schedule_argument(request);
  if (error != nullptr) error->clear();
  return args;
}

std::vector<TargetChoice> parse_targets_json(const QByteArray& json) {
  std::vector<TargetChoice> out;
  const QJsonDocument doc = QJsonDocument::fromJson(json);
  if (!doc.isArray()) return out;
  for (const QJsonValue& v : doc.array()) {
    const QJsonObject t = v.toObject();
    const QString name = t.value("name").toString();
    if (name.isEmpty()) continue;
    qint64 sram = 0;
    for (const QJsonValue& m : t.value("memories").toArray()) {
      const QJsonObject mem = m.toObject();
      if (mem.value("kind").toString() != QLatin1String("flash"))
        sram = std::max(sram, static_cast<qint64>(mem.value("size").toDouble()));
    }
    QStringList parts{t.value("core").toString()};
    const double mhz = t.value("clock_hz").toDouble() / 1e6;
    if (mhz > 0) parts << QStringLiteral("%1 MHz").arg(mhz);
    if (sram > 0) parts << QLocale().formattedDataSize(sram, 0) + QStringLiteral(" RAM");
    if (!t.value("description").toString().isEmpty()) parts << t.value("description").toString();
    out.push_back({name, parts.join(QStringLiteral(" · "))});
  }
  return out;
}

std::vector<TargetChoice> parse_targets_text(const QByteArray& text) {
  std::vector<TargetChoice> out;
  const QStringList lines = QString::fromUtf8(text).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
  for (const QString& line : lines) {
    const QStringList cols =
        line.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    if (cols.isEmpty() || cols.first() == QLatin1String("name")) continue;  // header
    out.push_back(
        {cols.first(), line.mid(line.indexOf(cols.first()) + cols.first().size()).trimmed()});
  }
  return out;
}

}  // namespace mcuprof::gui
