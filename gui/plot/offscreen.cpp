// A QGuiApplication on the offscreen platform for headless rendering.
#include "offscreen.hpp"

#include <QCoreApplication>
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
  app_ = std::make_unique<QGuiApplication>(g_argc, g_argv);
}

OffscreenGui::~OffscreenGui() = default;

}  // namespace mcuprof::plot
