// A QGuiApplication on the offscreen platform for headless rendering.
#include "offscreen.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <QCoreApplication>
#include <QDir>
#include <QGuiApplication>

namespace mcuprof::plot {

namespace {
int g_argc = 1;
char g_arg0[] = "mcuprof";
char* g_argv[] = {g_arg0, nullptr};
}  // namespace

OffscreenGui::OffscreenGui() {
  if (QCoreApplication::instance() != nullptr) return;
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  // Headless (CI, ssh) there is often no XDG_RUNTIME_DIR; Qt would use the same folder as
  // below but warn on every `mcuprof plot`. Give it one, private as the spec asks.
  if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
    const QByteArray dir =
        QDir::tempPath().toLocal8Bit() + "/runtime-" + QByteArray::number(getuid());
    if (mkdir(dir.constData(), 0700) == 0 || errno == EEXIST) qputenv("XDG_RUNTIME_DIR", dir);
  }
  app_ = std::make_unique<QGuiApplication>(g_argc, g_argv);
}

OffscreenGui::~OffscreenGui() = default;

}  // namespace mcuprof::plot
