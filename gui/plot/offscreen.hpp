// Headless use of the chart renderer (the `mcuprof plot` command): makes sure a
// QGuiApplication exists, on the offscreen platform unless QT_QPA_PLATFORM says otherwise.
// Text rendering needs one; nothing is shown and no display is needed.
#pragma once

#include <memory>

class QGuiApplication;

namespace mcuprof::plot {

class OffscreenGui {
 public:
  // Creates a QGuiApplication if none exists yet (else uses the existing one).
  OffscreenGui();
  ~OffscreenGui();
  OffscreenGui(const OffscreenGui&) = delete;
  OffscreenGui& operator=(const OffscreenGui&) = delete;

 private:
  std::unique_ptr<QGuiApplication> app_;
};

}  // namespace mcuprof::plot
