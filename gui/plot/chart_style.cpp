// Colours of the memory chart.
#include "chart_style.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <string>

namespace mcuprof::plot {

QColor run_colour(int index) {
  // Our own qualitative set, ordered so neighbours differ most: blue, orange, green,
  // purple, magenta, teal, ochre, slate, maroon, lime, indigo, rose. The first ten are at
  // least 30 apart in CIELAB (tested); none is the SRAM limit's red.
  static const std::array<QColor, kRunPaletteSize> colours = {
      QColor(0x1f, 0x6f, 0xd1), QColor(0xe8, 0x74, 0x0c), QColor(0x1a, 0x9e, 0x5a),
      QColor(0x8e, 0x44, 0xad), QColor(0xd6, 0x37, 0x9a), QColor(0x17, 0xa2, 0xb8),
      QColor(0xa8, 0x87, 0x00), QColor(0x5d, 0x6d, 0x7e), QColor(0x7b, 0x2d, 0x26),
      QColor(0x6f, 0xbf, 0x1f), QColor(0x2b, 0x3a, 0x8c), QColor(0xf2, 0x9c, 0xa3)};
  const auto i = static_cast<size_t>(index < 0 ? 0 : index);
  const QColor base = colours[i % colours.size()];
  const auto cycle = static_cast<int>(i / colours.size());
  if (cycle == 0) return base;
  // Later rounds: the hue turned a little further each round, alternately darker and
  // lighter, so runs past the palette still differ from each other.
  const QColor turned =
      QColor::fromHsv((base.hsvHue() + 360 + 11 * cycle) % 360, base.hsvSaturation(), base.value());
  return cycle % 2 == 1 ? turned.darker(145) : turned.lighter(125);
}

QColor component_fill(const QColor& run, Component component, int run_count) {
  QColor c = run;
  if (run_count > 1) {
    // Per-run opacity a with (1 - a)^n = 0.55: n runs stacked on one pixel still let 55 %
    // of the background through; static a little stronger than arena, stack lighter.
    const double a = 1.0 - std::pow(0.55, 1.0 / run_count);
    const double share = component == Component::Static  ? 1.0
                         : component == Component::Arena ? 0.8
                                                         : 0.55;
    c.setAlphaF(static_cast<float>(a * share));
    return c;
  }
  switch (component) {
    case Component::Static:
      c = run.darker(115);
      c.setAlphaF(0.55f);
      break;
    case Component::Arena:
      c.setAlphaF(0.32f);
      break;
    case Component::Stack:
      c = run.lighter(130);
      c.setAlphaF(0.18f);
      break;
    case Component::Total:
      break;
  }
  return c;
}

QColor peak_marker_colour(const QColor& run) {
  return run.darker(160);
}

QColor op_colour(std::string_view op) {
  struct Known {
    std::string_view op;
    QColor colour;
  };
  static const std::array<Known, 9> known = {{
      {"CONV_2D", QColor(0x8f, 0xb8, 0xe0)},
      {"DEPTHWISE_CONV_2D", QColor(0xa8, 0xd5, 0x8c)},
      {"ADD", QColor(0xf6, 0xc0, 0x7a)},
      {"FULLY_CONNECTED", QColor(0xc3, 0xb1, 0xe1)},
      {"AVERAGE_POOL_2D", QColor(0xf2, 0xb3, 0xc6)},
      {"MAX_POOL_2D", QColor(0xf2, 0xb3, 0xc6)},
      {"SOFTMAX", QColor(0xf3, 0xe0, 0x7a)},
      {"RESHAPE", QColor(0xd0, 0xd4, 0xd9)},
      {"PAD", QColor(0xd0, 0xd4, 0xd9)},
  }};
  for (const auto& k : known) {
    if (k.op == op) return k.colour;
  }
  // Unknown operators: a stable hue from the name (FNV-1a), soft saturation.
  uint32_t h = 2166136261u;
  for (const char ch : op) h = (h ^ static_cast<uint8_t>(ch)) * 16777619u;
  return QColor::fromHsv(static_cast<int>(h % 360), 70, 225);
}

}  // namespace mcuprof::plot
