// Colours of the memory chart: one colour per run, shades per memory component, one colour
// per operator for the layer band, and the fixed colours of the frame and annotations.
#pragma once

#include <QColor>
#include <string_view>

#include "chart_data.hpp"

namespace mcuprof::plot {

struct ChartColours {
  QColor background{0xff, 0xff, 0xff};
  QColor plot_background{0xfc, 0xfc, 0xfd};
  QColor grid{0xe6, 0xe8, 0xec};
  QColor axis{0x5f, 0x66, 0x70};
  QColor text{0x2b, 0x2f, 0x36};
  QColor muted_text{0x6b, 0x72, 0x80};
  QColor sram_limit{0xd6, 0x28, 0x28};
  QColor highlight{0xff, 0xc1, 0x07};
  QColor selection{0x3d, 0x8b, 0xfd};
  QColor cursor{0x44, 0x44, 0x44};
};

// How many run colours are distinct (pairwise CIELAB distance >= 30 for the first ten).
inline constexpr int kRunPaletteSize = 12;
// The colour of run `index`: a qualitative palette of kRunPaletteSize hues; after that the
// hues come round again slightly turned, alternately darker and lighter.
QColor run_colour(int index);
// The fill of one component of a run in stacked mode (shades of the run colour). With
// `run_count` runs overlaid the fills get so light that where all of them overlap the
// white still shows through by more than half (outline + light fill: no muddy blends).
QColor component_fill(const QColor& run, Component component, int run_count = 1);
// The peak marker's fill for a run colour (a darker shade, not used elsewhere).
QColor peak_marker_colour(const QColor& run);
// The band colour of an operator ("CONV_2D", "DEPTHWISE_CONV_2D", ...); stable for a name.
QColor op_colour(std::string_view op);

}  // namespace mcuprof::plot
