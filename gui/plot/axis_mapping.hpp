// Coordinate mapping of the memory chart: the x axis units (cycles, milliseconds at the
// run's clock, normalised progress), linear value <-> pixel maps, the visible x range
// (zoom and pan) and nice axis ticks with byte/time labels. No painting here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mcuprof::plot {

enum class XUnit { Cycles, Milliseconds, Progress };

// Converts a run's cycles to axis values and back. Progress maps [0, end_cycle] to [0, 1]
// so runs of different lengths line up; milliseconds need clock_hz (falls back to cycles
// when it is 0).
struct Timebase {
  uint64_t clock_hz = 0;
  uint64_t end_cycle = 0;

  double to_axis(double cycle, XUnit unit) const;
  double to_cycle(double axis, XUnit unit) const;
};

// A linear map from the value interval [v0, v1] onto the pixel interval [p0, p1]
// (p1 < p0 is fine: that is how the y axis points up).
class LinearMap {
 public:
  LinearMap() = default;
  LinearMap(double v0, double v1, double p0, double p1);
  double to_pixel(double value) const { return p0_ + (value - v0_) * scale_; }
  double to_value(double pixel) const { return v0_ + (pixel - p0_) / scale_; }
  double v0() const { return v0_; }
  double v1() const { return v1_; }

 private:
  double v0_ = 0, v1_ = 1, p0_ = 0, scale_ = 1;
};

// The visible part [lo, hi] of the full x extent [full_lo, full_hi], in axis units.
// Zoom and pan keep the view inside the extent and no narrower than min_width.
class XView {
 public:
  void set_extent(double full_lo, double full_hi);
  void reset() { lo_ = full_lo_, hi_ = full_hi_; }
  void set_visible(double lo, double hi);
  // factor > 1 zooms in; the axis value `anchor` stays where it is on screen.
  void zoom(double factor, double anchor);
  void pan(double delta);  // moves the view by `delta` axis units (clamped)
  bool zoomed() const { return lo_ > full_lo_ || hi_ < full_hi_; }
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  double full_lo() const { return full_lo_; }
  double full_hi() const { return full_hi_; }
  double min_width() const;

 private:
  double full_lo_ = 0, full_hi_ = 1, lo_ = 0, hi_ = 1;
};

struct Tick {
  double value;
  std::string label;
};

// The "nice" step (1, 2, 2.5 or 5 x 10^n) closest to range / target.
double nice_step(double range, int target);
// Ticks at multiples of nice_step inside [lo, hi].
std::vector<double> nice_ticks(double lo, double hi, int target);
// The smallest nice round number >= value (for the top of the y axis).
double nice_ceiling(double value);

// Byte ticks on [0, max]: unit B, KiB or MiB chosen by the range, labels like "128 KiB".
std::vector<Tick> byte_ticks(double max_bytes, int target);
// X ticks for the visible [lo, hi]: "1.5M" cycles, "12.5" ms, "25%" progress.
std::vector<Tick> x_ticks(double lo, double hi, XUnit unit, int target);

// "172 KiB", "308.6 KiB", "1.34 MiB", "512 B" (trailing zeros dropped).
std::string format_bytes(double bytes);
// The axis value as text with its unit: "1,234,567 cycles", "12.345 ms", "42.0 %".
std::string format_axis_value(double value, XUnit unit);
// The x axis title: "cycles", "time (ms)", "progress (%)".
std::string x_axis_title(XUnit unit);

}  // namespace mcuprof::plot
